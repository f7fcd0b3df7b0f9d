import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { defineRule } from "../../src/engine/rule.js";
import { type LinearPattern, linear } from "../../src/text/linear.js";
import { PatternOption } from "../../src/text/pattern-option.js";
import { isCreation } from "../support/change-facts.js";
import { undeclaredParams, unknownStatuses } from "../support/option-refs.js";

const Part = z
  .strictObject({
    /** How the part is named in the request for information. */
    name: z.string().min(1),
    /**
     * Case-insensitive regular expressions, run on RE2 (no look-around, no
     * back-references); the part is present when any matches.
     */
    patterns: z.array(PatternOption).min(1).optional(),
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

const compiled = new WeakMap<object, LinearPattern[]>();
export function patternsOf(part: Part): LinearPattern[] {
  let r = compiled.get(part);
  if (!r) {
    r = (part.patterns ?? []).map((p) => linear(p, "iu"));
    compiled.set(part, r);
  }
  return r;
}

const literal = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// By the parameter's words; a deployment has a handful of values, each compiled once.
const wordPatterns = new Map<string, LinearPattern[]>();

/**
 * The words a parameter lists, as one pattern (a word is whole: no letter right before or
 * after it); undefined when the deployment has not set it.
 */
export function wordsOf(value: unknown): LinearPattern[] | undefined {
  if (typeof value !== "string" && !Array.isArray(value)) return undefined;
  const words = (Array.isArray(value) ? value.map(String) : value.split(/[,;\n]/))
    .map((w) => w.trim())
    .filter(Boolean);
  if (!words.length) return undefined;
  const key = words.join("\n");
  let patterns = wordPatterns.get(key);
  if (!patterns) {
    patterns = [linear(`(?:^|[^\\p{L}])(?:${words.map(literal).join("|")})(?:$|[^\\p{L}])`, "iu")];
    wordPatterns.set(key, patterns);
  }
  return patterns;
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
      const patterns = p.wordsFrom ? wordsOf(context.params[p.wordsFrom.param]) : patternsOf(p);
      if (!patterns) return false;
      if (p.attachmentCounts && ticket.attachments.length) return false;
      const where = p.in === "title" ? ticket.title : text;
      return !patterns.some((r) => r.test(where));
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
