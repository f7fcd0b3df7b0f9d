import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { defineRule } from "../../src/engine/rule.js";
import { isCreation } from "../support/change-facts.js";
import { undeclaredParams, unknownStatuses } from "../support/option-refs.js";

const validPatterns = (ps: readonly string[]) =>
  ps.every((p) => {
    try {
      new RegExp(p, "iu");
      return true;
    } catch {
      return false;
    }
  });

const Part = z
  .strictObject({
    /** How the part is named in the request for information. */
    name: z.string().min(1),
    /** Case-insensitive regular expressions; the part is present when any matches. */
    patterns: z
      .array(z.string().min(1))
      .min(1)
      .refine(validPatterns, { message: "every pattern must be a valid regular expression" })
      .optional(),
    /**
     * Or the words a deployment parameter lists (comma-, semicolon- or line-separated:
     * the clinic's departments), any of which must appear; unset, the part is not asked for.
     */
    wordsFrom: z.strictObject({ param: z.string().min(1) }).optional(),
    /** Where it is looked for: the subject only, or the subject and the description. */
    in: z.enum(["title", "text"]).default("text"),
    /** A file attached (a screenshot) stands for this part too. */
    attachmentCounts: z.boolean().default(false),
  })
  .refine((p) => (p.patterns === undefined) !== (p.wordsFrom === undefined), {
    message: "give patterns, or wordsFrom (a parameter listing the words), not both",
  });
type Part = z.infer<typeof Part>;

const Options = z.strictObject({
  parts: z.array(Part).min(1),
  /** The status that asks the customer for information; without it the rule only comments. */
  requestStatus: z.string().min(1).optional(),
});
type Options = z.infer<typeof Options>;

const compiled = new WeakMap<object, RegExp[]>();
function regexesOf(part: Part): RegExp[] {
  let r = compiled.get(part);
  if (!r) {
    r = (part.patterns ?? []).map((p) => new RegExp(p, "iu"));
    compiled.set(part, r);
  }
  return r;
}

const literal = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The words a parameter lists, as patterns; undefined when the deployment has not set it. */
function wordsOf(value: unknown): RegExp[] | undefined {
  if (typeof value !== "string" && !Array.isArray(value)) return undefined;
  const words = (Array.isArray(value) ? value.map(String) : value.split(/[,;\n]/))
    .map((w) => w.trim())
    .filter(Boolean);
  return words.length ? words.map((w) => new RegExp(`(?<!\\p{L})${literal(w)}(?!\\p{L})`, "iu")) : undefined;
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
  validate: (options, pack) => [
    ...unknownStatuses([options.requestStatus], pack, "requestStatus"),
    ...undeclaredParams(
      options.parts.map((p) => p.wordsFrom),
      pack,
      "parts[].wordsFrom",
    ),
  ],
  needs: (options) => [
    { kind: "comment" },
    ...(options.requestStatus ? [{ kind: "transition" as const, status: options.requestStatus }] : []),
  ],
  check({ ticket, change, options, context }) {
    if (!isCreation(change)) return [];
    const text = `${ticket.title}\n${ticket.description}`;
    const missing = options.parts.filter((p) => {
      const regexes = p.wordsFrom ? wordsOf(context.params[p.wordsFrom.param]) : regexesOf(p);
      if (!regexes) return false;
      if (p.attachmentCounts && ticket.attachments.length) return false;
      const where = p.in === "title" ? ticket.title : text;
      return !regexes.some((r) => r.test(where));
    });
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
