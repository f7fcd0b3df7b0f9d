import { timingSafeEqual } from "node:crypto";
import type { ParsedWebhook, WebhookRequest } from "../../src/domain/adapter.js";
import { Errors } from "../../src/errors/catalogue.js";
import { linear } from "../../src/text/linear.js";
import { explainIssues } from "../../src/validation/explain-issues.js";
import { safeParseReporting } from "../../src/validation/parse.js";
import { TriggerBody } from "./payloads.js";

/**
 * Deliveries of a Yandex Tracker trigger's "HTTP request" action. Tracker does not sign
 * them, so the trigger sends the instance's shared secret — in a header (a hidden trigger
 * variable) or as the password of Basic auth — compared in constant time. The body names
 * the issue; the bridge reads the issue, its comments and changelog and compares with its
 * snapshot, so the trigger only has to say which issue and when.
 */
function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

// Anyone can send a request: the header is read on RE2.
export const basicCredentials = linear(/^Basic\s+(\S.*)$/i);

function same(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function verifyTriggerSecret(
  instance: string,
  secret: string | undefined,
  secretHeader: string,
  req: WebhookRequest,
): void {
  const direct = header(req, secretHeader);
  const basic = basicCredentials.exec(header(req, "authorization") ?? "")?.[1];
  const password = basic
    ? Buffer.from(basic, "base64").toString("utf8").split(":").slice(1).join(":")
    : undefined;
  const given = direct ?? password;
  if (given === undefined) {
    throw Errors.WEBHOOK_UNAUTHORIZED(
      instance,
      `neither the ${secretHeader} header nor Basic auth carries the secret; add it to the trigger's HTTP request (README, "Yandex Tracker trigger")`,
    );
  }
  if (!secret || !same(given, secret)) {
    throw Errors.WEBHOOK_UNAUTHORIZED(
      instance,
      `the secret the trigger sent does not match trackers.${instance}.webhookSecret`,
    );
  }
}

/**
 * The delivery's id, the same for every repetition of one trigger request and different
 * for every change. The issue's `version` goes up with each change (answer-issue.md), so
 * two changes within one second never share an id; the comment's id tells apart changes
 * that leave the version where it was, should a comment be one. Without `version` (a
 * trigger set up by the earlier template) the update time stands in for it, whose
 * precision the variables reference does not give (`{{issue.updatedAt.iso8601}}`): two
 * changes within the same rendered instant then count as one delivery.
 */
export function deliveryIdOf(body: TriggerBody): string {
  const { key, event, updatedAt, version, commentId } = body;
  const state = version === undefined ? updatedAt : `v${version}`;
  return `yandex-${key}-${state}${commentId === undefined ? "" : `-c${commentId}`}-${event}`;
}

export function parseTrigger(instance: string, req: WebhookRequest): ParsedWebhook {
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString("utf8"));
  } catch (err) {
    throw Errors.WEBHOOK_INVALID(
      instance,
      `the body is not JSON (${(err as Error).message}); in the trigger's body template put string variables in quotes or use the .json modifier`,
    );
  }
  const result = safeParseReporting(TriggerBody, body);
  if (!result.success) {
    const problems = explainIssues(result.error.issues, { input: body, schema: TriggerBody });
    throw Errors.WEBHOOK_INVALID(
      instance,
      `not the documented trigger body {key, event, actor, updatedAt, version?, commentId?}: ${problems.slice(0, 5).join("; ")}`,
    );
  }
  return {
    handled: true,
    events: [
      {
        deliveryId: deliveryIdOf(result.data),
        ref: {
          tracker: "yandex",
          instance,
          project: result.data.key.slice(0, result.data.key.lastIndexOf("-")),
          id: result.data.key,
        },
      },
    ],
  };
}
