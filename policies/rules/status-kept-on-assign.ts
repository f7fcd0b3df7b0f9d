import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { defineRule } from "../../src/engine/rule.js";
import { fieldMove, isCreation } from "../support/change-facts.js";
import { unknownStatuses } from "../support/option-refs.js";

const Options = z.strictObject({
  /** Statuses a ticket keeps while it is being assigned (Sevastopol: «Новая»); the first is a new ticket's. */
  statuses: z.array(z.string().min(1)).min(1),
  /**
   * The statuses an assignment must not move it into (MantisBT's «Назначена», which its web
   * form sets by itself). Moves elsewhere in the same change (to feedback, to resolved) are
   * a person's decision and left alone.
   */
  into: z.array(z.string().min(1)).min(1),
  /** `revert` puts the status back; `comment` only explains. */
  action: z.enum(["revert", "comment"]).default("revert"),
});
type Options = z.infer<typeof Options>;

type MessageId = "statusChanged";

export default defineRule<Options, MessageId>({
  id: "status-kept-on-assign",
  description: "Assigning a ticket does not change its status (e.g. «Новая» stays «Новая»).",
  options: Options,
  messages: {
    ru: {
      statusChanged:
        "После назначения ответственного статус заявки не меняется: заявка перешла из «{from}» в «{to}». {outcome}",
    },
    en: {
      statusChanged:
        'Assigning the ticket must not change its status: it moved from "{from}" to "{to}". {outcome}',
    },
  },
  validate: (options, pack) => unknownStatuses([...options.statuses, ...options.into], pack),
  needs: (options) => [
    { kind: "comment" },
    { kind: "statusKeptOnAssign" },
    ...(options.action === "revert"
      ? options.statuses.map((status) => ({ kind: "transition" as const, status }))
      : []),
  ],
  check({ ticket, change, options, context }) {
    if (!ticket.assignee || !options.into.includes(ticket.status.value)) return [];
    let from: string | undefined;
    if (isCreation(change)) {
      from = options.statuses[0];
    } else {
      const assigned = fieldMove(change, "assignee");
      const status = fieldMove(change, "status");
      if (!assigned?.to || assigned.from === assigned.to || !status?.from) return [];
      if (!options.statuses.includes(status.from)) return [];
      from = status.from;
    }
    if (from === undefined) return [];
    const ru = context.language === "ru";
    const revert = options.action === "revert";
    const back = context.display("status", from);
    const actions: Action[] = revert ? [{ type: "transition", status: from }] : [];
    return [
      {
        outcome: "violation",
        messageId: "statusChanged",
        data: {
          from: back,
          to: context.display("status", ticket.status.value),
          outcome: revert
            ? ru
              ? `Статус возвращён на «${back}».`
              : `The status was set back to "${back}".`
            : "",
        },
        actions,
        explain: true,
      },
    ];
  },
});
