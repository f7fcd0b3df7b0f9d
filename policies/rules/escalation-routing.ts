import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { AlertEvent } from "../../src/domain/decision.js";
import { Line } from "../../src/domain/enums.js";
import { defineRule } from "../../src/engine/rule.js";
import { enteredStatus, fieldMove, isCreation, labelAdded } from "../support/change-facts.js";
import { undeclaredParams, unknownStatuses } from "../support/option-refs.js";
import { resolveText, resolveUser, TextRef, UserRef } from "../support/user-ref.js";

const Trigger = z
  .strictObject({
    /** Fires when this label is added (or present on creation); `{ param }`: the deployment names it. */
    label: TextRef.optional(),
    /** Fires when the ticket enters this status. */
    status: z.string().min(1).optional(),
    /** Fires when this field is set to this value. */
    field: z.strictObject({ name: z.string().min(1), value: z.string() }).optional(),
    /** Only when the ticket also carries all of these labels. */
    withLabels: z.array(z.string().min(1)).default([]),
  })
  .refine((t) => [t.label, t.status, t.field].filter(Boolean).length === 1, {
    message: "give exactly one of label, status or field",
  });

const Options = z.strictObject({
  trigger: Trigger,
  /** The line the ticket moves to (its queue). */
  toLine: Line.optional(),
  assignTo: UserRef.optional(),
  addLabels: z.array(z.string().min(1)).default([]),
  /** Supervisor alerts to raise (e.g. ticket.escalated to the line-2 endpoint). */
  alerts: z.array(AlertEvent).default(["ticket.escalated"]),
  /** What the escalation is called in the message, e.g. "эскалация на L2". */
  reason: z.string().min(1),
  /** Post the routing note in the tracker as well as alerting. */
  comment: z.boolean().default(true),
});
type Options = z.infer<typeof Options>;

export default defineRule<Options, "routed">({
  id: "escalation-routing",
  description: "A label, status or field value moves the ticket to another line: queue, assignee, alert.",
  options: Options,
  messages: {
    ru: { routed: "{reason}: {what}." },
    en: { routed: "{reason}: {what}." },
  },
  validate: (options, pack) => [
    ...undeclaredParams([options.assignTo], pack, "assignTo"),
    ...unknownStatuses([options.trigger.status], pack, "trigger.status"),
    ...undeclaredParams([options.trigger.label], pack, "trigger.label"),
  ],
  needs: (options) => [
    ...(options.comment ? [{ kind: "comment" as const }] : []),
    ...(options.toLine ? [{ kind: "setField" as const, field: "line" }] : []),
    ...(options.assignTo ? [{ kind: "assign" as const }] : []),
    ...(options.assignTo === "reporter" ? [{ kind: "assignReporter" as const }] : []),
    ...(options.addLabels.length ? [{ kind: "labels" as const }] : []),
  ],
  check(input) {
    const { ticket, change, options, context } = input;
    const t = options.trigger;
    const label = t.label === undefined ? undefined : resolveText(t.label, input);
    const fired =
      (label !== undefined && labelAdded(ticket, change, label)) ||
      (t.status !== undefined && enteredStatus(ticket, change) === t.status) ||
      (t.field !== undefined &&
        (isCreation(change)
          ? String((ticket.custom as Record<string, unknown>)[t.field.name] ?? "") === t.field.value
          : fieldMove(change, t.field.name)?.to === t.field.value));
    if (!fired || !t.withLabels.every((l) => ticket.labels.includes(l))) return [];

    const ru = context.language === "ru";
    const actions: Action[] = [];
    const what: string[] = [];
    if (options.toLine && ticket.line !== options.toLine) {
      actions.push({ type: "setField", field: "line", value: options.toLine });
      what.push(
        ru
          ? `заявка передана в очередь линии ${options.toLine}`
          : `moved to the line-${options.toLine} queue`,
      );
    }
    if (options.assignTo) {
      const to = resolveUser(options.assignTo, input);
      if (ticket.assignee?.id !== to) {
        actions.push({ type: "assign", to });
        what.push(ru ? `назначен ответственный @${to}` : `assigned to @${to}`);
      }
    }
    for (const label of options.addLabels) {
      if (!ticket.labels.includes(label)) actions.push({ type: "addLabel", label });
    }
    if (options.alerts.length) what.push(ru ? "руководитель оповещён" : "the supervisor was alerted");
    if (what.length === 0) return [];
    return [
      {
        outcome: "info",
        messageId: "routed",
        data: { reason: options.reason, what: what.join(", ") },
        actions,
        alerts: options.alerts,
        explain: options.comment,
      },
    ];
  },
});
