import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { defineRule } from "../../src/engine/rule.js";
import { enteredStatus } from "../support/change-facts.js";
import { unknownStatuses } from "../support/option-refs.js";

const Move = z.strictObject({
  /** A status a ticket only passes through… */
  from: z.string().min(1),
  /** …on its way to this one (MGERM: «Найдена ошибка» → «В работе»). */
  to: z.string().min(1),
});

const Options = z.strictObject({ moves: z.array(Move).min(1) });
type Options = z.infer<typeof Options>;

type MessageId = "movedOn";

export default defineRule<Options, MessageId>({
  id: "status-moves-on",
  description:
    "Entering a status moves the ticket on to the status the regulation names (e.g. «Найдена ошибка» → «В работе»).",
  options: Options,
  messages: {
    ru: { movedOn: "По регламенту заявка в статусе «{from}» переводится в статус «{to}»; статус изменён." },
    en: { movedOn: 'By the regulation a ticket in "{from}" moves on to "{to}"; the status was changed.' },
  },
  validate: (options, pack) =>
    unknownStatuses(
      options.moves.flatMap((m) => [m.from, m.to]),
      pack,
    ),
  needs: (options) => [
    { kind: "comment" },
    ...options.moves.map((m) => ({ kind: "transition" as const, status: m.to })),
  ],
  check({ ticket, change, options, context }) {
    const entered = enteredStatus(ticket, change);
    const move = options.moves.find((m) => m.from === entered && ticket.status.value === m.from);
    if (!move) return [];
    const actions: Action[] = [{ type: "transition", status: move.to }];
    return [
      {
        outcome: "violation",
        messageId: "movedOn",
        data: { from: context.display("status", move.from), to: context.display("status", move.to) },
        actions,
        explain: true,
      },
    ];
  },
});
