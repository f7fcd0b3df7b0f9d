import { z } from "zod";
import type { Ticket } from "../../src/domain/ticket.js";
import { defineRule } from "../../src/engine/rule.js";
import { isCreation } from "../support/change-facts.js";

const Options = z.strictObject({
  /** Jaccard similarity of title words at or above which a ticket is suspected (0–1). */
  threshold: z.number().gt(0).lte(1).default(0.6),
  label: z.string().min(1).default("possible-duplicate"),
});
type Options = z.infer<typeof Options>;

const stopWords = new Set([
  "не",
  "и",
  "в",
  "на",
  "с",
  "по",
  "для",
  "при",
  "от",
  "к",
  "the",
  "a",
  "an",
  "of",
  "in",
  "to",
  "is",
]);

/** A crude stem: drop a two-letter ending, keep at most six letters ("карты", "карта" → "карт"). */
function stem(word: string): string {
  return (word.length > 4 ? word.slice(0, Math.max(4, word.length - 2)) : word).slice(0, 6);
}

/** Lower-cased word stems of a title, without stop words. */
export function titleTokens(title: string): Set<string> {
  const words = title.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.filter((w) => w.length > 1 && !stopWords.has(w)).map(stem));
}

export function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

function refText(t: Ticket): string {
  return t.ref.url ? `${t.ref.id} (${t.ref.url})` : t.ref.id;
}

export default defineRule<Options, "suspect">({
  id: "duplicate-suspect",
  description:
    "A new ticket whose title is close to an open ticket of the same reporter is marked and linked; never closed automatically.",
  options: Options,
  messages: {
    ru: {
      suspect:
        "Похоже, заявка дублирует открытую заявку того же инициатора: {others}. Если это та же проблема, продолжите работу в исходной заявке; иначе снимите метку «{label}».",
    },
    en: {
      suspect:
        'This ticket looks like a duplicate of an open ticket of the same reporter: {others}. If it is the same problem, continue in the original; otherwise remove the label "{label}".',
    },
  },
  needs: () => [{ kind: "comment" }, { kind: "labels" }],
  check({ ticket, change, options, context }) {
    if (!isCreation(change) || !context.openTicketsOfReporter?.length) return [];
    const mine = titleTokens(ticket.title);
    const similar = context.openTicketsOfReporter
      .filter((o) => o.ref.id !== ticket.ref.id && o.reporter.id === ticket.reporter.id)
      .filter((o) => similarity(mine, titleTokens(o.title)) >= options.threshold);
    if (similar.length === 0) return [];
    const actions = ticket.labels.includes(options.label)
      ? []
      : [{ type: "addLabel" as const, label: options.label }];
    return [
      {
        outcome: "violation",
        messageId: "suspect",
        data: { others: similar.map(refText).join(", "), label: options.label },
        actions,
        explain: true,
      },
    ];
  },
});
