import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { defineRule } from "../../src/engine/rule.js";
import { isCreation } from "../support/change-facts.js";
import { unknownStatuses } from "../support/option-refs.js";

const Part = z.strictObject({
  /** How the part is named in the request for information. */
  name: z.string().min(1),
  /** Case-insensitive regular expressions; the part is present when any matches the description. */
  patterns: z
    .array(z.string().min(1))
    .min(1)
    .refine(
      (ps) =>
        ps.every((p) => {
          try {
            new RegExp(p, "iu");
            return true;
          } catch {
            return false;
          }
        }),
      {
        message: "every pattern must be a valid regular expression",
      },
    ),
});

const Options = z.strictObject({
  parts: z.array(Part).min(1),
  /** The status that asks the customer for information; without it the rule only comments. */
  requestStatus: z.string().min(1).optional(),
});
type Options = z.infer<typeof Options>;

const compiled = new WeakMap<object, RegExp[]>();
function regexesOf(part: z.infer<typeof Part>): RegExp[] {
  let r = compiled.get(part);
  if (!r) {
    r = part.patterns.map((p) => new RegExp(p, "iu"));
    compiled.set(part, r);
  }
  return r;
}

export default defineRule<Options, "incomplete">({
  id: "template-completeness",
  description:
    "The description must contain the parts of the intake template (e.g. login, steps to reproduce).",
  options: Options,
  messages: {
    ru: {
      incomplete:
        "В заявке не хватает сведений по шаблону: {parts}. Пожалуйста, дополните описание — без этого решить проблему невозможно.",
    },
    en: {
      incomplete:
        "The ticket lacks parts of the intake template: {parts}. Please add them to the description — the problem cannot be solved without them.",
    },
  },
  validate: (options, pack) => unknownStatuses([options.requestStatus], pack, "requestStatus"),
  needs: (options) => [
    { kind: "comment" },
    ...(options.requestStatus ? [{ kind: "transition" as const, status: options.requestStatus }] : []),
  ],
  check({ ticket, change, options }) {
    if (!isCreation(change)) return [];
    const text = `${ticket.title}\n${ticket.description}`;
    const missing = options.parts.filter((p) => !regexesOf(p).some((r) => r.test(text)));
    if (missing.length === 0) return [];
    const actions: Action[] = options.requestStatus
      ? [{ type: "transition", status: options.requestStatus }]
      : [];
    return [
      {
        outcome: "violation",
        messageId: "incomplete",
        data: { parts: missing.map((p) => p.name).join(", ") },
        actions,
        explain: true,
      },
    ];
  },
});
