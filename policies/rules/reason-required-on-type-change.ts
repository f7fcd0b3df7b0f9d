import { z } from "zod";
import { Role } from "../../src/domain/enums.js";
import { defineRule } from "../../src/engine/rule.js";
import { fieldMove, hasComment } from "../support/change-facts.js";

const Options = z.strictObject({
  /** Roles that must give a reason (Krasnoyarsk: ВЛТП and ТЛТП). */
  roles: z.array(Role).default(["line2", "line3"]),
});
type Options = z.infer<typeof Options>;

export default defineRule<Options, "reasonMissing">({
  id: "reason-required-on-type-change",
  description: "A type change by the given lines must carry its reason in a comment of the same change.",
  options: Options,
  messages: {
    ru: {
      reasonMissing:
        "@{actor}, тип заявки изменён с «{from}» на «{to}» без указания причины. Укажите причину изменения типа в комментарии.",
    },
    en: {
      reasonMissing:
        '@{actor}, the ticket type was changed from "{from}" to "{to}" without a reason. Give the reason in a comment.',
    },
  },
  needs: () => [{ kind: "comment" }],
  check({ change, options, context, actor }) {
    const move = fieldMove(change, "type");
    if (!move || move.from === move.to) return [];
    if (!actor.role || !options.roles.includes(actor.role) || hasComment(change)) return [];
    return [
      {
        outcome: "violation",
        messageId: "reasonMissing",
        data: {
          actor: actor.id,
          from: context.display("type", move.from ?? "—"),
          to: context.display("type", move.to ?? "—"),
        },
        explain: true,
      },
    ];
  },
});
