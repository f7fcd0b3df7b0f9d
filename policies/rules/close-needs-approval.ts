import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { StatusPhase } from "../../src/domain/enums.js";
import { defineRule } from "../../src/engine/rule.js";
import { enteredStatus, isCreation } from "../support/change-facts.js";
import { undeclaredParams, unknownStatuses } from "../support/option-refs.js";
import { resolveText, resolveUser, TextRef, UserRef } from "../support/user-ref.js";

const Options = z.strictObject({
  /** Tickets with a label that starts with this (one per vendor: «МИС: …»)… */
  labelPrefix: TextRef,
  /** …entering a status of this phase… */
  phase: StatusPhase.default("closed"),
  /** …need the agreement of this person: they close it, or have written on it… */
  approver: UserRef,
  /** …or this label saying the vendor's fix is confirmed. */
  confirmedLabel: TextRef.optional(),
  /** `revert`: reopened into this status, with the explanation; absent: only explained. */
  revertTo: z.string().min(1).optional(),
});
type Options = z.infer<typeof Options>;

type MessageId = "reopened" | "unapproved";

export default defineRule<Options, MessageId>({
  id: "close-needs-approval",
  description:
    "A ticket carrying a vendor's label stays open until the fix is confirmed: closing it without the approver's agreement is reverted and explained.",
  options: Options,
  messages: {
    ru: {
      reopened:
        "Задача с меткой «{label}» закрыта без подтверждения устранения замечаний и открыта снова: до устранения задача остаётся открытой, а закрывается по согласованию с @{approver}.",
      unapproved:
        "Задача с меткой «{label}» закрыта без подтверждения устранения замечаний: закрывается она по согласованию с @{approver}.",
    },
    en: {
      reopened:
        'The issue labelled "{label}" was closed before the fix was confirmed and was reopened: it stays open until the vendor\'s fix, and is closed in agreement with @{approver}.',
      unapproved:
        'The issue labelled "{label}" was closed before the fix was confirmed: it is closed in agreement with @{approver}.',
    },
  },
  validate: (options, pack) => [
    ...undeclaredParams([options.labelPrefix, options.confirmedLabel], pack, "labelPrefix / confirmedLabel"),
    ...undeclaredParams([options.approver], pack, "approver"),
    ...unknownStatuses([options.revertTo], pack, "revertTo"),
  ],
  needs: (options, pack) => [
    { kind: "comment" as const },
    ...(options.revertTo ? [{ kind: "transition" as const, status: options.revertTo }] : []),
    ...Object.keys(pack.statuses)
      .filter((s) => pack.statuses[s]?.phase === options.phase)
      .map((status) => ({ kind: "writeInStatus" as const, status })),
  ],
  check(input) {
    const { ticket, change, options, context } = input;
    if (isCreation(change)) return [];
    const prefix = resolveText(options.labelPrefix, input);
    const label = prefix === undefined ? undefined : ticket.labels.find((l) => l.startsWith(prefix));
    if (!label) return [];
    const entered = enteredStatus(ticket, change);
    if (entered === undefined || ticket.status.value !== entered) return [];
    if ((context.statuses[entered]?.phase ?? ticket.status.phase) !== options.phase) return [];
    const approver = resolveUser(options.approver, input);
    const confirmed = options.confirmedLabel ? resolveText(options.confirmedLabel, input) : undefined;
    const agreed =
      change.actor.id === approver ||
      ticket.comments.some((c) => c.author.id === approver) ||
      change.comment?.author.id === approver ||
      (confirmed !== undefined && ticket.labels.includes(confirmed));
    if (agreed) return [];
    const back = options.revertTo;
    const actions: Action[] = back ? [{ type: "transition", status: back }] : [];
    return [
      {
        outcome: "violation",
        messageId: back ? "reopened" : "unapproved",
        data: { label, approver },
        actions,
        explain: true,
      },
    ];
  },
});
