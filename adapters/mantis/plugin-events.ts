import { createHmac, timingSafeEqual } from "node:crypto";
import type { ParsedWebhook, WebhookRequest } from "../../src/domain/adapter.js";
import { Errors } from "../../src/errors/catalogue.js";
import { explainIssues } from "../../src/validation/explain-issues.js";
import { safeParseReporting } from "../../src/validation/parse.js";
import { PluginEvent } from "./payloads.js";

/**
 * Deliveries of the ReglamentWebhook MantisBT plugin (`plugin/ReglamentWebhook/`): a
 * small JSON hint naming the issue, signed `X-Reglament-Signature: sha256=<hex>` with
 * HMAC-SHA256 of the body under the shared secret. A hint carries no change: the
 * pipeline fetches the issue and compares it with its snapshot, as the poller does, so
 * both paths decide the same and an edit seen by both is acted on once.
 */
/** The signature header, when it is there and shaped as the plugin sends it; the body is not needed. */
export function pluginSignatureHeader(
  instance: string,
  secret: string | undefined,
  headers: WebhookRequest["headers"],
): string {
  const raw = headers["x-reglament-signature"];
  const given = Array.isArray(raw) ? raw[0] : raw;
  if (!given) {
    throw Errors.WEBHOOK_UNAUTHORIZED(
      instance,
      "the X-Reglament-Signature header is missing; set the plugin's secret to trackers.<instance>.webhookSecret",
    );
  }
  if (!secret || given.length !== 71 || !given.startsWith("sha256=")) {
    throw Errors.WEBHOOK_UNAUTHORIZED(
      instance,
      "the X-Reglament-Signature is not the body signed with trackers.<instance>.webhookSecret (sha256=<64 hex digits>)",
    );
  }
  return given;
}

export function verifyPluginSignature(
  instance: string,
  secret: string | undefined,
  req: WebhookRequest,
): void {
  const given = pluginSignatureHeader(instance, secret, req.headers);
  const expected = `sha256=${createHmac("sha256", secret ?? "")
    .update(req.rawBody)
    .digest("hex")}`;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  if (!secret || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw Errors.WEBHOOK_UNAUTHORIZED(
      instance,
      "the X-Reglament-Signature does not match the body signed with trackers.<instance>.webhookSecret",
    );
  }
}

export function parsePluginEvent(instance: string, req: WebhookRequest): ParsedWebhook {
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString("utf8"));
  } catch (err) {
    throw Errors.WEBHOOK_INVALID(instance, `the body is not JSON (${(err as Error).message})`);
  }
  const result = safeParseReporting(PluginEvent, body);
  if (!result.success) {
    const problems = explainIssues(result.error.issues, { input: body, schema: PluginEvent });
    throw Errors.WEBHOOK_INVALID(
      instance,
      `not a ReglamentWebhook event: ${problems.slice(0, 5).join("; ")}`,
    );
  }
  const e = result.data;
  return {
    handled: true,
    events: [
      {
        deliveryId: `mantis-${e.issue_id}-${e.event}-${e.time}`,
        ref: { tracker: "mantis", instance, project: String(e.project_id), id: String(e.issue_id) },
      },
    ],
  };
}
