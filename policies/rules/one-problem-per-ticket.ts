import { z } from "zod";
import { defineRule } from "../../src/engine/rule.js";
import { isCreation } from "../support/change-facts.js";
import { type SeveralProblems, severalProblems } from "../support/several-problems.js";

const Options = z.strictObject({
  /** Judge the description on creation, or also when it is edited. */
  on: z.enum(["create", "edit"]).default("create"),
});
type Options = z.infer<typeof Options>;

type MessageId = "several";

const why: Record<"ru" | "en", Record<SeveralProblems["sign"], string>> = {
  ru: {
    list: "в списке перечислено несколько неисправностей",
    joiner: "после одной неисправности описана другая",
    errors: "приведено несколько разных сообщений об ошибке",
  },
  en: {
    list: "the list names several faults",
    joiner: "another fault is described after the first",
    errors: "several different error messages are given",
  },
};

export default defineRule<Options, MessageId>({
  id: "one-problem-per-ticket",
  description:
    "A ticket describes one problem: a description that tells of several is answered with a request to split it (never closed).",
  options: Options,
  messages: {
    ru: {
      several:
        "Похоже, в обращении описано несколько проблем ({why}: {parts}). Обращение должно описывать одну проблему: создайте, пожалуйста, отдельное обращение на каждую.",
    },
    en: {
      several:
        "This ticket seems to describe several problems ({why}: {parts}). A ticket describes one problem: please file a separate ticket for each.",
    },
  },
  needs: () => [{ kind: "comment" }],
  check({ ticket, change, options, context }) {
    const judged =
      isCreation(change) || (options.on === "edit" && change.fields.some((f) => f.field === "description"));
    if (!judged) return [];
    const found = severalProblems(ticket.description);
    if (!found) return [];
    return [
      {
        outcome: "violation",
        messageId: "several",
        data: {
          why: why[context.language][found.sign],
          // Quoted back: severalProblems redacts the description before it cuts out the parts.
          parts: found.parts.map((p) => `«${p}»`).join(", "),
        },
        actions: [],
        explain: true,
      },
    ];
  },
});
