import { z } from "zod";
import { Action } from "./action.js";

export const outcomes = ["violation", "info", "error"] as const;
export const Outcome = z.enum(outcomes);
export type Outcome = z.infer<typeof Outcome>;

/** Supervisor alert events; a decision names the ones it raises and the alert sender delivers them. */
export const alertEvents = [
  "sla.at_risk",
  "sla.breached",
  "ticket.escalated",
  "ticket.auto_closed",
  "policy.violation",
  "policy.write_refused",
  "history.behind",
  "tracker.webhook_disabled",
] as const;
export const AlertEvent = z.enum(alertEvents);
export type AlertEvent = z.infer<typeof AlertEvent>;

export const Decision = z.strictObject({
  rule: z.string().min(1),
  pack: z.string().min(1),
  outcome: Outcome,
  message: z.string(),
  /** The regulation and section the decision rests on, e.g. "000_f1822204844986a0.txt §3.2". */
  citation: z.string(),
  actions: z.array(Action).default([]),
  alerts: z.array(AlertEvent).default([]),
  /** Set when another rule's write to the same field won; says which rule and why. */
  conflict: z.string().optional(),
  /**
   * The rule judges only after this grace period: nothing is written now, and the bridge
   * re-checks the ticket when it ends (a note posted a few seconds after the status counts).
   */
  graceSeconds: z.number().int().positive().optional(),
});
export type Decision = z.infer<typeof Decision>;
