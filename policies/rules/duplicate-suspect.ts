import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import type { Ticket } from "../../src/domain/ticket.js";
import { defineRule } from "../../src/engine/rule.js";
import { linear } from "../../src/text/linear.js";
import { enteredStatus, isCreation, labelAdded } from "../support/change-facts.js";
import { unknownStatuses } from "../support/option-refs.js";

const Options = z.strictObject({
  /** Jaccard similarity of title words at or above which a ticket is suspected (0–1). */
  threshold: z.number().gt(0).lte(1).default(0.6),
  label: z.string().min(1).default("possible-duplicate"),
  /** Compare with every open ticket of the project (the seed's «ранее созданное не закрытое обращение»), or only the same reporter's. */
  among: z.enum(["all", "reporter"]).default("all"),
  /** Line 1 confirms a suspect by adding this label (or by moving it to `duplicateStatus`)… */
  confirmLabel: z.string().min(1).optional(),
  /** …and the bridge then closes it in this status, with the link to the original. */
  duplicateStatus: z.string().min(1).optional(),
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

// Titles are anyone's text: the words are read on RE2.
export const wordPattern = linear(/[\p{L}\p{N}]+/gu);

/** Lower-cased word stems of a title, without stop words. */
export function titleTokens(title: string): Set<string> {
  const words = title.toLowerCase().match(wordPattern) ?? [];
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

/** The open tickets a ticket's title is close to, most similar first (the first is taken for the original). */
function similarOpen(ticket: Ticket, open: readonly Ticket[], options: Options): Ticket[] {
  const mine = titleTokens(ticket.title);
  return open
    .filter((o) => o.ref.id !== ticket.ref.id)
    .filter((o) => options.among === "all" || o.reporter.id === ticket.reporter.id)
    .map((o) => ({ o, score: similarity(mine, titleTokens(o.title)) }))
    .filter(({ score }) => score >= options.threshold)
    .sort((a, b) => b.score - a.score || Date.parse(a.o.createdAt) - Date.parse(b.o.createdAt))
    .map(({ o }) => o);
}

export default defineRule<Options, "suspect" | "closedAsDuplicate">({
  id: "duplicate-suspect",
  description:
    "A new ticket whose title is close to an open ticket is marked and linked, and a line-1 person asked to confirm; once confirmed, it is closed as a duplicate with the link to the original.",
  options: Options,
  messages: {
    ru: {
      suspect:
        "Похоже, заявка дублирует открытую заявку: {others}. Первая линия, подтвердите: {confirm}; если это другая проблема, снимите метку «{label}».",
      closedAsDuplicate:
        "Заявка закрыта как дубликат: решение проблемы ведётся в заявке {original}. Продолжите, пожалуйста, там.",
    },
    en: {
      suspect:
        'This ticket looks like a duplicate of an open ticket: {others}. Line 1, please confirm: {confirm}; if it is another problem, remove the label "{label}".',
      closedAsDuplicate:
        "The ticket was closed as a duplicate: the problem is being solved in {original}. Please continue there.",
    },
  },
  // A new ticket is compared; a suspect is looked at again when line 1 may be confirming it.
  readsOpenTickets: (options, ticket, change) => isCreation(change) || ticket.labels.includes(options.label),
  validate: (options, pack) => unknownStatuses([options.duplicateStatus], pack, "duplicateStatus"),
  needs: (options) => [
    { kind: "comment" },
    { kind: "labels" },
    ...(options.duplicateStatus ? [{ kind: "transition" as const, status: options.duplicateStatus }] : []),
  ],
  check({ ticket, change, options, context }) {
    const open = context.openTickets ?? [];
    const ru = context.language === "ru";
    // Confirmed by line 1 (the label, or the duplicate status set by hand): closed with the link.
    const confirmedByLabel =
      options.confirmLabel !== undefined &&
      labelAdded(ticket, change, options.confirmLabel) &&
      ticket.labels.includes(options.label);
    const movedByHand =
      options.duplicateStatus !== undefined && enteredStatus(ticket, change) === options.duplicateStatus;
    const isLine1 = change.actor.role === "line1" || change.actor.line === 1;
    if (!isCreation(change) && isLine1 && (confirmedByLabel || movedByHand)) {
      const [original] = similarOpen(ticket, open, options);
      if (!original) return [];
      const actions: Action[] =
        options.duplicateStatus && ticket.status.value !== options.duplicateStatus
          ? [{ type: "transition", status: options.duplicateStatus }]
          : [];
      return [
        {
          outcome: "info",
          messageId: "closedAsDuplicate",
          data: { original: refText(original) },
          actions,
          explain: true,
        },
      ];
    }
    if (!isCreation(change) || !open.length) return [];
    const similar = similarOpen(ticket, open, options);
    if (similar.length === 0) return [];
    const actions: Action[] = ticket.labels.includes(options.label)
      ? []
      : [{ type: "addLabel", label: options.label }];
    const confirm = [
      ...(options.confirmLabel
        ? [ru ? `метка «${options.confirmLabel}»` : `the label "${options.confirmLabel}"`]
        : []),
      ...(options.duplicateStatus
        ? [
            ru
              ? `статус «${context.display("status", options.duplicateStatus)}»`
              : `the status "${context.display("status", options.duplicateStatus)}"`,
          ]
        : []),
    ].join(ru ? " или " : " or ");
    return [
      {
        outcome: "violation",
        messageId: "suspect",
        data: {
          others: similar.map(refText).join(", "),
          label: options.label,
          confirm: confirm || (ru ? "ответьте в комментарии" : "say so in a comment"),
        },
        actions,
        explain: true,
      },
    ];
  },
});
