import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { defineRule } from "../../src/engine/rule.js";
import { disagreement, wordCount } from "../support/disagreement.js";
import { unknownStatuses } from "../support/option-refs.js";

const Options = z.strictObject({
  /** The statuses of a delivered answer awaiting the customer's confirmation. */
  statuses: z.array(z.string().min(1)).min(1),
  /** Where the work goes on. */
  to: z.string().min(1),
  /** Fewer words than this is a bare «не согласен»: the customer is asked for the reasons instead. */
  minWords: z.number().int().min(1).default(5),
});
type Options = z.infer<typeof Options>;

type MessageId = "reopened" | "reasonsAsked";

export default defineRule<Options, MessageId>({
  id: "reopen-on-disagreement",
  description:
    "A customer's reasoned disagreement with a resolution, while it awaits confirmation, sends the request back to work (and so stops its auto-close).",
  options: Options,
  messages: {
    ru: {
      reopened:
        "Заказчик не согласен с завершением запроса и привёл доводы: выполнение запроса продолжается, запрос возвращён в статус «{to}».",
      reasonsAsked:
        "@{reporter}, опишите, пожалуйста, что именно не решено: при аргументированном несогласии выполнение запроса продолжается.",
    },
    en: {
      reopened:
        'The customer disagrees with the resolution and gave reasons: work on the request goes on; it was moved back to "{to}".',
      reasonsAsked:
        "@{reporter}, please describe what is not solved: with reasoned disagreement the work on the request goes on.",
    },
  },
  validate: (options, pack) => unknownStatuses([...options.statuses, options.to], pack),
  needs: (options) => [
    { kind: "comment" },
    { kind: "transition", status: options.to },
    ...options.statuses.map((status) => ({ kind: "writeInStatus" as const, status })),
  ],
  check({ ticket, change, options, context }) {
    const comment = change.comment;
    if (change.kind !== "commented" || !comment?.public) return [];
    if (comment.author.id !== ticket.reporter.id || !options.statuses.includes(ticket.status.value))
      return [];
    if (!disagreement(comment.body)) return [];
    if (wordCount(comment.body) < options.minWords)
      return [
        {
          outcome: "info",
          messageId: "reasonsAsked",
          data: { reporter: ticket.reporter.id },
          actions: [],
          explain: true,
        },
      ];
    const actions: Action[] = [{ type: "transition", status: options.to }];
    return [
      {
        outcome: "violation",
        messageId: "reopened",
        data: { to: context.display("status", options.to) },
        actions,
        explain: true,
      },
    ];
  },
});
