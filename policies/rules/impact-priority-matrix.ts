import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { Impact, impactRank, Priority, priorityRank, Role } from "../../src/domain/enums.js";
import { defineRule, type RuleCheckInput } from "../../src/engine/rule.js";
import { fieldMove, isCreation, touched } from "../support/change-facts.js";
import { unknownStatuses } from "../support/option-refs.js";

const Options = z.strictObject({
  /** Impact → the priorities allowed with it. An impact missing here is not allowed at all. */
  matrix: z.partialRecord(Impact, z.array(Priority).min(1)),
  /**
   * What to do with a contradiction: `correct` clamps the priority into the allowed range,
   * `reject` returns the ticket to the reporter, `comment` only explains; `auto` corrects
   * where exactly one priority is allowed and rejects otherwise.
   */
  mode: z.enum(["correct", "reject", "comment", "auto"]).default("auto"),
  /** Roles whose lowering of impact or priority is accepted even when it leaves the matrix. */
  mayLower: z.array(Role).default(["line2", "line3", "head_of_line2"]),
  /** The status a rejected ticket is sent to (the pack's "feedback" / "need info"). */
  rejectStatus: z.string().min(1).default("feedback"),
});
type Options = z.infer<typeof Options>;

function allowedFor(options: Options, impact: string): string[] {
  const allowed = (options.matrix as Record<string, string[] | undefined>)[impact] ?? [];
  return [...allowed].sort((a, b) => priorityRank(a) - priorityRank(b));
}

function clamp(priority: string, allowed: readonly string[]): string {
  const r = priorityRank(priority);
  const lowest = allowed[0]!;
  const highest = allowed[allowed.length - 1]!;
  if (r < priorityRank(lowest)) return lowest;
  if (r > priorityRank(highest)) return highest;
  // Inside the range but not allowed (a gap): the nearest allowed value above.
  return allowed.find((a) => priorityRank(a) >= r) ?? highest;
}

const rankOf: Record<"priority" | "impact", (v: string) => number> = {
  priority: priorityRank,
  impact: impactRank,
};

/** A lowering of impact or priority by a role the regulation allows to lower (Sevastopol 3.1, 3.2). */
function isPermittedLowering(input: RuleCheckInput<Options>): boolean {
  const { change, actor, options } = input;
  if (isCreation(change) || !actor.role || !options.mayLower.includes(actor.role)) return false;
  const moves = (["priority", "impact"] as const).flatMap((field) => {
    const m = fieldMove(change, field);
    return m ? [{ field, ...m }] : [];
  });
  if (moves.length === 0) return false;
  return moves.every(
    (m) => m.from !== undefined && m.to !== undefined && rankOf[m.field](m.to) < rankOf[m.field](m.from),
  );
}

type MessageId = "contradiction" | "corrected" | "rejected" | "impactNotAllowed" | "impactUnknown";

export default defineRule<Options, MessageId>({
  id: "impact-priority-matrix",
  description:
    "The priority must be one the impact allows; a contradiction is corrected, rejected back to the reporter or explained.",
  options: Options,
  messages: {
    ru: {
      contradiction:
        "Приоритет «{priority}» не соответствует влиянию «{impact}»: для этого влияния допускается {allowed}. Установите допустимый приоритет.",
      corrected:
        "Приоритет «{priority}» не соответствует влиянию «{impact}» (допускается {allowed}); приоритет исправлен на «{corrected}».",
      rejected:
        "Приоритет «{priority}» не соответствует влиянию «{impact}»: для этого влияния допускается {allowed}. Заявка возвращена инициатору в статус «{status}»: установите допустимый приоритет или уточните влияние.",
      impactNotAllowed:
        "Влияние «{impact}» регламентом не предусмотрено; выберите одно из: {impacts}. Заявка возвращена инициатору.",
      impactUnknown:
        "Влияние заявки не распознано (значение трекера: {native}); соответствие приоритета не проверено. Проверьте настройку перечня «Влияние».",
    },
    en: {
      contradiction:
        'Priority "{priority}" does not match impact "{impact}": this impact allows {allowed}. Set an allowed priority.',
      corrected:
        'Priority "{priority}" does not match impact "{impact}" (allowed: {allowed}); the priority was corrected to "{corrected}".',
      rejected:
        'Priority "{priority}" does not match impact "{impact}": this impact allows {allowed}. The ticket was returned to the reporter with status "{status}": set an allowed priority or correct the impact.',
      impactNotAllowed:
        'Impact "{impact}" is not provided for by the regulation; choose one of: {impacts}. The ticket was returned to the reporter.',
      impactUnknown:
        "The ticket's impact was not recognised (tracker value: {native}); the priority was not checked. Check the impact enumeration mapping.",
    },
  },
  validate: (options, pack) =>
    options.mode === "comment" ? [] : unknownStatuses([options.rejectStatus], pack, "rejectStatus"),
  needs: (options) => [
    { kind: "comment" },
    ...(["correct", "auto"].includes(options.mode) ? [{ kind: "setField" as const, field: "priority" }] : []),
    ...(["reject", "auto"].includes(options.mode)
      ? [
          { kind: "transition" as const, status: options.rejectStatus },
          { kind: "assign" as const },
          { kind: "assignReporter" as const },
        ]
      : []),
  ],
  check(input) {
    const { ticket, change, options, context } = input;
    if (!touched(change, "priority") && !touched(change, "impact")) return [];
    const impact = ticket.impact?.value;
    const priority = ticket.priority?.value;
    if (!impact || !priority) return []; // required-fields reports what is missing
    if (impact === "unknown") {
      return [
        {
          outcome: "info",
          messageId: "impactUnknown",
          data: { native: String(ticket.impact?.native ?? "—") },
        },
      ];
    }
    if (isPermittedLowering(input)) return [];

    const reject: Action[] = [
      { type: "transition", status: options.rejectStatus },
      { type: "assign", to: ticket.reporter.id },
    ];
    const allowed = allowedFor(options, impact);
    if (allowed.length === 0) {
      const impacts = Object.keys(options.matrix)
        .map((i) => `«${context.display("impact", i)}»`)
        .join(", ");
      return [
        {
          outcome: "violation",
          messageId: "impactNotAllowed",
          data: { impact: context.display("impact", impact), impacts },
          actions: options.mode === "comment" ? [] : reject,
          explain: true,
        },
      ];
    }
    if (allowed.includes(priority)) return [];

    const data = {
      impact: context.display("impact", impact),
      priority: context.display("priority", priority),
      allowed: allowed
        .map((p) => `«${context.display("priority", p)}»`)
        .join(context.language === "ru" ? " или " : " or "),
    };
    const mode = options.mode === "auto" ? (allowed.length === 1 ? "correct" : "reject") : options.mode;
    if (mode === "correct") {
      const corrected = clamp(priority, allowed);
      return [
        {
          outcome: "violation",
          messageId: "corrected",
          data: { ...data, corrected: context.display("priority", corrected) },
          actions: [{ type: "setField", field: "priority", value: corrected }],
          explain: true,
        },
      ];
    }
    if (mode === "reject") {
      return [
        {
          outcome: "violation",
          messageId: "rejected",
          data: { ...data, status: context.display("status", options.rejectStatus) },
          actions: reject,
          explain: true,
        },
      ];
    }
    return [{ outcome: "violation", messageId: "contradiction", data, explain: true }];
  },
});
