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
      `not the documented trigger body {key, event, actor, updatedAt}: ${problems.slice(0, 5).join("; ")}`,
    );
  }
  const { key, event, updatedAt } = result.data;
  return {
    handled: true,
    events: [
      {
        deliveryId: `yandex-${key}-${updatedAt}-${event}`,
        ref: { tracker: "yandex", instance, project: key.slice(0, key.lastIndexOf("-")), id: key },
      },
    ],
  };
}
