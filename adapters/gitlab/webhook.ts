import { createHash, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import type { ParsedWebhook, TrackerEvent, WebhookRequest } from "../../src/domain/adapter.js";
import { Errors } from "../../src/errors/catalogue.js";
import { explainIssues } from "../../src/validation/explain-issues.js";
import { safeParseReporting } from "../../src/validation/parse.js";
import {
  changeFromIssueHook,
  changeFromNoteHook,
  type Normaliser,
  ticketFromIssueHook,
  ticketFromNoteHook,
} from "./normalise.js";
import { IssueHook, NoteHook } from "./payloads.js";

/**
 * GitLab webhook deliveries: `X-Gitlab-Token` is the configured secret sent verbatim (no
 * HMAC), compared in constant time. The delivery id is `Idempotency-Key`, which GitLab
 * keeps when it resends the same event; older GitLab without it falls back to the
 * event UUID plus what the event is about (one request can fire several hooks).
 */

const issueEvents = ["Issue Hook", "Confidential Issue Hook", "Work Item Hook"];
const noteEvents = ["Note Hook", "Confidential Note Hook"];

function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function verifyGitlabToken(instance: string, secret: string | undefined, req: WebhookRequest): void {
  const given = header(req, "x-gitlab-token");
  if (given === undefined) {
    throw Errors.WEBHOOK_UNAUTHORIZED(
      instance,
      "the X-Gitlab-Token header is missing; set the webhook's secret token in GitLab to trackers.<instance>.webhookSecret",
    );
  }
  const a = Buffer.from(given);
  const b = Buffer.from(secret ?? "");
  if (!secret || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw Errors.WEBHOOK_UNAUTHORIZED(
      instance,
      "the X-Gitlab-Token header does not match trackers.<instance>.webhookSecret",
    );
  }
}

function deliveryId(req: WebhookRequest, kind: string, objectId: number): string {
  const key = header(req, "idempotency-key");
  if (key) return `gitlab-${key}`;
  const uuid = header(req, "x-gitlab-event-uuid");
  if (uuid) return `gitlab-${uuid}-${kind}-${objectId}`;
  return `gitlab-${createHash("sha256").update(req.rawBody).digest("hex").slice(0, 32)}`;
}

function parseShape<S extends z.ZodType>(
  instance: string,
  schema: S,
  body: unknown,
  what: string,
): z.infer<S> {
  const result = safeParseReporting(schema, body);
  if (result.success) return result.data;
  const problems = explainIssues(result.error.issues, { input: body });
  throw Errors.WEBHOOK_INVALID(instance, `not a GitLab ${what}: ${problems.slice(0, 5).join("; ")}`);
}

/** Turns a normaliser's complaint about a value (an unreadable date) into a 400. */
function readable<T>(instance: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw Errors.WEBHOOK_INVALID(instance, (err as Error).message);
  }
}

export function parseGitlabWebhook(n: Normaliser, req: WebhookRequest): ParsedWebhook {
  const { instance } = n;
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString("utf8"));
  } catch (err) {
    throw Errors.WEBHOOK_INVALID(instance, `the body is not JSON (${(err as Error).message})`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw Errors.WEBHOOK_INVALID(instance, "the body is not a JSON object");
  }
  const record = body as Record<string, unknown>;
  const event = header(req, "x-gitlab-event");
  const kind = typeof record.object_kind === "string" ? record.object_kind : undefined;
  const isIssue = event ? issueEvents.includes(event) : kind === "issue" || kind === "work_item";
  const isNote = event ? noteEvents.includes(event) : kind === "note";
  if (!isIssue && !isNote) {
    return {
      handled: false,
      reason: `GitLab event "${event ?? kind ?? "unknown"}" is not one the bridge acts on`,
    };
  }
  if (!("object_attributes" in record)) {
    throw Errors.WEBHOOK_INVALID(instance, `the ${event ?? kind} payload has no "object_attributes"`);
  }
  return isIssue ? issueEvent(n, req, body) : noteEvent(n, req, body);
}

function issueEvent(n: Normaliser, req: WebhookRequest, body: unknown): ParsedWebhook {
  const hook = parseShape(n.instance, IssueHook, body, "Issue Hook payload");
  const type = hook.object_attributes.type;
  if (hook.object_kind === "work_item" && type !== "Issue") {
    return { handled: false, reason: `work item of type "${type ?? "unknown"}" is not an issue` };
  }
  const { ticket, complete } = readable(n.instance, () => ticketFromIssueHook(n, hook));
  const event: TrackerEvent = {
    deliveryId: deliveryId(req, "issue", hook.object_attributes.id),
    ref: ticket.ref,
    change: readable(n.instance, () => changeFromIssueHook(n, hook)),
    ...(complete ? { ticket } : {}),
  };
  return { handled: true, events: [event] };
}

function noteEvent(n: Normaliser, req: WebhookRequest, body: unknown): ParsedWebhook {
  const hook = parseShape(n.instance, NoteHook, body, "Note Hook payload");
  const note = hook.object_attributes;
  if (note.noteable_type !== "Issue") {
    return { handled: false, reason: `comment on a ${note.noteable_type}, not on an issue` };
  }
  if (note.system) return { handled: false, reason: "system note (the Issue Hook carries the change)" };
  if (note.action === "update")
    return { handled: false, reason: "an edited comment (only new comments are evaluated)" };
  if (!hook.issue)
    throw Errors.WEBHOOK_INVALID(n.instance, 'the Note Hook payload on an issue has no "issue"');
  const { ticket } = readable(n.instance, () => ticketFromNoteHook(n, hook));
  return {
    handled: true,
    events: [
      {
        deliveryId: deliveryId(req, "note", note.id),
        ref: ticket.ref,
        change: readable(n.instance, () => changeFromNoteHook(hook)),
      },
    ],
  };
}
