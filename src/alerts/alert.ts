import { createHash } from "node:crypto";
import type { WebhookProblem } from "../domain/adapter.js";
import type { AlertEvent } from "../domain/decision.js";
import type { TrackerKind } from "../domain/enums.js";
import type { TicketRef } from "../domain/ticket.js";
import { redactPersonalData } from "../text/personal-data.js";

/** What a supervisor's endpoint receives (the JSON body of the signed webhook). */
export interface Alert {
  /** One id per alert: the same situation always has the same id, so it is delivered once. */
  id: string;
  type: AlertEvent;
  occurredAt: string;
  /** Empty for an alert about the bridge itself (`history.behind`, `tracker.webhook_disabled`). */
  pack: string;
  /** Absent for an alert about the bridge itself. */
  ticket?: { tracker: string; instance: string; id: string; url?: string };
  message: string;
  citation?: string;
  clock?: string;
  target?: string;
  due?: string;
  overdueBy?: string;
  line?: number;
  assignee?: string;
}

/** The stable id of an alert about one situation (ticket, event, clock, due moment). */
export function alertId(ref: TicketRef, type: AlertEvent, ...facts: (string | number | undefined)[]): string {
  const key = [ref.tracker, ref.instance, ref.id, type, ...facts.map((f) => f ?? "")].join("\u0000");
  return `alert_${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/**
 * The alert as it may leave the bridge: its message quotes a decision's message (which may
 * quote the ticket) or a tracker's answer, so it passes the personal-data detectors; the
 * rest is the bridge's own (ids, times, the pack's citation).
 */
export function redactAlert(alert: Alert): Alert {
  const message = redactPersonalData(alert.message);
  return message === alert.message ? alert : { ...alert, message };
}

/**
 * `tracker.webhook_disabled`: a tracker stopped delivering its webhook to the bridge. One id
 * per hook, state and day, so every process that notices the same hook the same day raises
 * the same alert, and the dispatcher delivers it once.
 */
export function webhookAlert(
  tracker: TrackerKind,
  instance: string,
  problem: WebhookProblem,
  now: number,
): Alert {
  const occurredAt = new Date(now).toISOString();
  const ref = { tracker, instance, id: `webhook:${problem.project}:${problem.hook}` };
  return {
    id: alertId(ref, "tracker.webhook_disabled", problem.state, occurredAt.slice(0, 10)),
    type: "tracker.webhook_disabled",
    occurredAt,
    pack: "",
    message: `tracker ${instance}, project ${problem.project}: ${problem.message}`,
  };
}
