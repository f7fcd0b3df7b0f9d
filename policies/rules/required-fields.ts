import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { StatusPhase } from "../../src/domain/enums.js";
import { defineRule } from "../../src/engine/rule.js";
import { isCreation } from "../support/change-facts.js";
import { undeclaredParams, unknownStatuses } from "../support/option-refs.js";
import { FieldName, isMissing } from "../support/ticket-fields.js";
import { resolveUser, UserRef } from "../support/user-ref.js";

const Options = z.strictObject({
  fields: z.array(FieldName).min(1),
  /** When the fields are required: on creation, on every change, or while the ticket is in these phases. */
  on: z
    .union([z.enum(["create", "always"]), z.strictObject({ phases: z.array(StatusPhase).min(1) })])
    .default("create"),
  /** `reject` sends the ticket back to the reporter; `comment` only asks. */
  mode: z.enum(["reject", "comment"]).default("comment"),
  rejectStatus: z.string().min(1).default("feedback"),
  /** Whom the comment addresses (e.g. the head of support who must assign). */
  addressTo: UserRef.optional(),
});
type Options = z.infer<typeof Options>;

const fieldWords: Record<"ru" | "en", Record<FieldName, string>> = {
  ru: {
    title: "Тема",
    description: "Описание",
    type: "Категория",
    impact: "Влияние",
    priority: "Приоритет",
    assignee: "Ответственный",
  },
  en: {
    title: "Summary",
    description: "Description",
    type: "Category",
    impact: "Impact",
    priority: "Priority",
    assignee: "Assignee",
  },
};

export default defineRule<Options, "missing" | "missingRejected">({
  id: "required-fields",
  description:
    "Fields the regulation makes mandatory must be filled in (on creation, always, or in given phases).",
  options: Options,
  messages: {
    ru: {
      missing: "{to}Не заполнены обязательные поля: {fields}. Заполните их.",
      missingRejected:
        "Не заполнены обязательные поля: {fields}. Заявка возвращена инициатору в статус «{status}»: заполните поля.",
    },
    en: {
      missing: "{to}Mandatory fields are empty: {fields}. Please fill them in.",
      missingRejected:
        'Mandatory fields are empty: {fields}. The ticket was returned to the reporter with status "{status}": fill them in.',
    },
  },
  validate: (options, pack) => [
    ...(options.mode === "reject" ? unknownStatuses([options.rejectStatus], pack, "rejectStatus") : []),
    ...undeclaredParams([options.addressTo], pack, "addressTo"),
  ],
  needs: (options) => [
    { kind: "comment" },
    ...(options.mode === "reject"
      ? [
          { kind: "transition" as const, status: options.rejectStatus },
          { kind: "assign" as const },
          { kind: "assignReporter" as const },
        ]
      : []),
  ],
  check(input) {
    const { ticket, change, options, context } = input;
    const on = options.on;
    if (on === "create" && !isCreation(change)) return [];
    if (typeof on === "object") {
      const phase = context.statuses[ticket.status.value]?.phase ?? ticket.status.phase;
      if (!phase || !on.phases.includes(phase as StatusPhase)) return [];
    }
    const missing = options.fields.filter((f) => isMissing(ticket, f));
    if (missing.length === 0) return [];
    const fields = missing.map((f) => `«${fieldWords[context.language][f]}»`).join(", ");
    if (options.mode === "reject") {
      const actions: Action[] = [
        { type: "transition", status: options.rejectStatus },
        { type: "assign", to: ticket.reporter.id },
      ];
      return [
        {
          outcome: "violation",
          messageId: "missingRejected",
          data: { fields, status: context.display("status", options.rejectStatus) },
          actions,
          explain: true,
        },
      ];
    }
    const to = options.addressTo ? `@${resolveUser(options.addressTo, input)}, ` : "";
    return [{ outcome: "violation", messageId: "missing", data: { fields, to }, explain: true }];
  },
});
