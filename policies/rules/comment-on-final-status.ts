import { z } from "zod";
import { finalPhases, Role, type StatusPhase } from "../../src/domain/enums.js";
import { defineRule } from "../../src/engine/rule.js";
import { unknownStatuses } from "../support/option-refs.js";

const Options = z.strictObject({
  /** Statuses after which comments are not processed; default every status of a final phase. */
  statuses: z.array(z.string().min(1)).optional(),
  /** Support staff commenting on a closed ticket are not answered. */
  ignoreRoles: z.array(Role).default(["line1", "line2", "line3", "head_of_line2", "supervisor"]),
});
type Options = z.infer<typeof Options>;

export default defineRule<Options, "newTicketNeeded">({
  id: "comment-on-final-status",
  description:
    "A comment on a closed, duplicate or cancelled ticket is answered: file a new ticket quoting the old number.",
  options: Options,
  messages: {
    ru: {
      newTicketNeeded:
        "Заявка {key} находится в статусе «{status}», комментарии к ней не обрабатываются. Если вопрос остался, создайте новую заявку и укажите в ней номер {key}.",
    },
    en: {
      newTicketNeeded:
        'Ticket {key} is in status "{status}"; comments on it are not processed. If the question remains, file a new ticket and quote {key} in it.',
    },
  },
  validate: (options, pack) => unknownStatuses(options.statuses ?? [], pack),
  needs: (options, pack) => [
    { kind: "comment" },
    ...(
      options.statuses ??
      Object.keys(pack.statuses).filter((s) => finalPhases.includes(pack.statuses[s]?.phase as StatusPhase))
    ).map((status) => ({ kind: "writeInStatus" as const, status })),
  ],
  check({ ticket, change, options, context, actor }) {
    if (change.kind !== "commented") return [];
    if (actor.role && options.ignoreRoles.includes(actor.role)) return [];
    const status = ticket.status.value;
    const phase = context.statuses[status]?.phase ?? ticket.status.phase;
    const final = options.statuses
      ? options.statuses.includes(status)
      : phase === "closed" || phase === "cancelled";
    if (!final) return [];
    return [
      {
        outcome: "violation",
        messageId: "newTicketNeeded",
        data: { key: ticket.ref.id, status: context.display("status", status) },
        explain: true,
      },
    ];
  },
});
