import type { z } from "zod";
import type { Action } from "../domain/action.js";
import type { Change } from "../domain/change.js";
import type { AlertEvent, Outcome } from "../domain/decision.js";
import type { Actor, LinkedTicket, Ticket } from "../domain/ticket.js";
import type { TrackerFacts, TrackerNeed } from "../domain/tracker-needs.js";

/**
 * A rule, in the shape of an ESLint rule: an id, a description, an options schema, the
 * messages it can say (Russian and English), and a pure check. The check reads the
 * ticket, the change that just happened and the context, and returns findings; it does
 * no I/O and reads no clock ("now" is in the context).
 */

export type Language = "ru" | "en";

export type MessageTable<K extends string> = Record<Language, Record<K, string>>;

export interface Finding<K extends string = string> {
  outcome: Outcome;
  messageId: K;
  /** Values for the message's {placeholders}. */
  data?: Record<string, string | number>;
  actions?: Action[];
  /** Post the explanation as a tracker comment (with rule and citation) alongside the actions. */
  explain?: boolean;
  alerts?: AlertEvent[];
  /**
   * Judge this finding only after the grace period: the bridge re-checks the ticket when
   * it ends and runs the rule again with `context.afterGrace` set.
   */
  graceSeconds?: number;
}

/** What a rule may know beyond the ticket and the change. */
export interface RuleContext {
  packId: string;
  language: Language;
  /** ISO 8601; rules never read the clock. */
  now: string;
  /** Deployment facts from the config (`packs.<id>.params`): user ids of named roles, etc. */
  params: Readonly<Record<string, unknown>>;
  /** What each parameter names, in the pack's words (e.g. headOfLine2 → "начальник ОСИС"). */
  paramTitles: Readonly<Record<string, string>>;
  /** Status vocabulary of the pack: value → phase and display name. */
  statuses: Readonly<Record<string, { phase: string; label?: string }>>;
  /** Display name of a value on a scale (impact, priority, status) in the pack's language. */
  display(scale: "impact" | "priority" | "status" | "type", value: string): string;
  /** Other open tickets of the same reporter, when the runtime could supply them. */
  openTickets?: readonly Ticket[];
  /** What the start-up check learned of the ticket's tracker project (absent: unknown). */
  tracker?: TrackerFacts;
  /** The tickets linked to this one (absent: not asked for, or the tracker does not link). */
  links?: readonly LinkedTicket[];
  /** True when the bridge re-checks a ticket at the end of a finding's grace period. */
  afterGrace?: boolean;
}

export interface RuleCheckInput<O> {
  ticket: Ticket;
  change: Change;
  /** The change's actor, with the role and line the deployment gives them. */
  actor: Actor;
  options: O;
  context: RuleContext;
}

export interface Rule<O = unknown, K extends string = string> {
  id: string;
  description: string;
  options: z.ZodType<O>;
  messages: MessageTable<K>;
  /** Extra load-time checks of options against the pack (e.g. statuses that must exist). */
  validate?(options: O, pack: { statuses: readonly string[]; params: readonly string[] }): string[];
  /**
   * What the rule, with these options, will ask of the tracker (writes, and the ways of
   * working its regulation assumes), checked against the tracker's permissions at start-up.
   */
  needs?(options: O, pack: PackVocabulary): TrackerNeed[];
  /**
   * Whether, on this event, the rule compares the ticket with the project's open tickets
   * (`context.openTickets`), which the runtime then lists through the adapter.
   */
  readsOpenTickets?(options: O, ticket: Ticket, change: Change): boolean;
  /** Whether, on this event, the rule looks at the ticket's linked tickets (`context.links`). */
  readsLinks?(options: O, ticket: Ticket, change: Change, params: Readonly<Record<string, unknown>>): boolean;
  check(input: RuleCheckInput<O>): Finding<K>[];
}

/** The pack's statuses as a rule's `needs` sees them: value → phase. */
export interface PackVocabulary {
  statuses: Readonly<Record<string, { phase: string }>>;
}

/** Keeps the option and message types of a rule module tied together. */
export function defineRule<O, K extends string>(rule: Rule<O, K>): Rule<O, K> {
  return rule;
}

// biome-ignore lint/suspicious/noExplicitAny: a catalogue holds rules of every option type
export type AnyRule = Rule<any, string>;
