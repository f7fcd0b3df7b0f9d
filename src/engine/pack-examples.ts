import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DAY_MS, parseDuration, parseSpan } from "../calendar/duration.js";
import { Change, creationOf } from "../domain/change.js";
import type { Decision } from "../domain/decision.js";
import { LinkedTicket, Ticket } from "../domain/ticket.js";
import { Errors } from "../errors/catalogue.js";
import { evaluateClocks } from "../sla/clocks.js";
import { calendarFor, type PackTime } from "../sla/pack-sla.js";
import { explainIssues } from "../validation/explain-issues.js";
import { evaluate } from "./evaluate.js";
import type { LoadedPack } from "./pack-loader.js";
import type { PackExample } from "./pack-schema.js";
import type { Language } from "./rule.js";

/**
 * Runs a pack's examples: each case's ticket through the pack's rules (and its clocks
 * through the pack's SLA table) exactly as `reglament check` and `reglament sla` would,
 * and says, in sentences, every way the result differs from what the case expects.
 */

export interface ExampleResult {
  name: string;
  /** Empty when the pack decides the case as expected. */
  differences: string[];
}

const DEFAULT_NOW = "2026-03-02T12:00:00+03:00";

/**
 * How a case differs, in the report's language. Outcomes, states, actions and targets are
 * written as the case writes them, so that the one to edit is found in the pack.
 */
const words: Record<
  Language,
  {
    otherOutcome: (rule: string, expected: string, got: string, message: string) => string;
    noDecision: (rule: string, outcome: string | undefined) => string;
    messageMisses: (rule: string, message: string, part: string) => string;
    unwantedActions: (rule: string, got: string) => string;
    missingAction: (rule: string, expected: string, got: string) => string;
    unexpected: (rule: string, outcome: string, message: string) => string;
    noDeadlines: (expected: number) => string;
    clockPresent: (clock: string, state: string) => string;
    noSuchClock: (clock: string, clocks: string) => string;
    otherState: (clock: string, expected: string, got: string) => string;
    otherTarget: (clock: string, expected: string, minutes: number | undefined) => string;
    otherDue: (clock: string, expected: string, got: string | undefined) => string;
  }
> = {
  en: {
    otherOutcome: (rule, expected, got, message) =>
      `${rule}: expected the outcome ${expected}, got ${got} ("${message}")`,
    noDecision: (rule, outcome) =>
      `${rule}: expected a decision${outcome ? ` (${outcome})` : ""}, the pack made none`,
    messageMisses: (rule, message, part) => `${rule}: the message "${message}" does not say "${part}"`,
    unwantedActions: (rule, got) => `${rule}: expected no actions, got ${got}`,
    missingAction: (rule, expected, got) => `${rule}: expected the action ${expected}, got ${got}`,
    unexpected: (rule, outcome, message) => `${rule}: unexpected ${outcome} decision ("${message}")`,
    noDeadlines: (n) => `clocks: the pack sets no deadlines, yet the example expects ${n}`,
    clockPresent: (clock, state) => `clock ${clock}: expected none, the pack has it (${state})`,
    noSuchClock: (clock, clocks) => `clock ${clock}: the pack has no such clock (${clocks})`,
    otherState: (clock, expected, got) => `clock ${clock}: expected ${expected}, got ${got}`,
    otherTarget: (clock, expected, minutes) =>
      `clock ${clock}: expected the target ${expected}, got ${minutes === undefined ? "none" : `${minutes} min`}`,
    otherDue: (clock, expected, got) => `clock ${clock}: expected due ${expected}, got ${got ?? "none"}`,
  },
  ru: {
    otherOutcome: (rule, expected, got, message) =>
      `${rule}: ожидался итог ${expected}, получен ${got} («${message}»)`,
    noDecision: (rule, outcome) =>
      `${rule}: ожидалось решение${outcome ? ` (${outcome})` : ""}, пакет его не принял`,
    messageMisses: (rule, message, part) => `${rule}: в сообщении «${message}» нет слов «${part}»`,
    unwantedActions: (rule, got) => `${rule}: ожидалось решение без действий, получено ${got}`,
    missingAction: (rule, expected, got) => `${rule}: ожидалось действие ${expected}, получено ${got}`,
    unexpected: (rule, outcome, message) => `${rule}: неожиданное решение ${outcome} («${message}»)`,
    noDeadlines: (n) => `сроки: пакет не устанавливает сроков, а пример ожидает их (${n})`,
    clockPresent: (clock, state) => `срок ${clock}: ожидалось, что его нет, а в пакете он есть (${state})`,
    noSuchClock: (clock, clocks) => `срок ${clock}: в пакете такого нет (${clocks})`,
    otherState: (clock, expected, got) => `срок ${clock}: ожидалось ${expected}, получено ${got}`,
    otherTarget: (clock, expected, minutes) =>
      `срок ${clock}: ожидалась норма ${expected}, получено ${minutes === undefined ? "без нормы" : `${minutes} мин`}`,
    otherDue: (clock, expected, got) =>
      `срок ${clock}: ожидалось окончание ${expected}, получено ${got ?? "без окончания"}`,
  },
};

/** The ticket of a case: the fields a regulation cares about, the rest filled in. */
function exampleTicket(pack: LoadedPack, example: PackExample, index: number): Ticket {
  let input = example.ticket;
  if (example.ticketFile) {
    const path = resolve(dirname(pack.file), example.ticketFile);
    try {
      input = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw Errors.PACK_INVALID.withDetails(
        [`examples.cases[${index}].ticketFile: ${path}: ${(err as Error).message}`],
        pack.file,
        1,
      );
    }
  }
  const firstStatus = Object.keys(pack.statuses)[0]!;
  const full = {
    ref: { tracker: "gitlab", instance: "example", id: String(index + 1) },
    title: "Пример",
    reporter: { id: "reporter" },
    createdAt: example.now ?? DEFAULT_NOW,
    status: firstStatus,
    ...input,
  };
  const parsed = Ticket.safeParse(full, { reportInput: true });
  if (!parsed.success)
    throw Errors.PACK_INVALID.withDetails(
      explainIssues(parsed.error.issues, { input: full, schema: Ticket }).map(
        (p) => `examples.cases[${index}] ("${example.name}") ticket.${p}`,
      ),
      pack.file,
      parsed.error.issues.length,
    );
  return parsed.data;
}

function exampleChange(pack: LoadedPack, example: PackExample, ticket: Ticket, index: number): Change {
  if (!example.change) return creationOf(ticket);
  const parsed = Change.safeParse(example.change, { reportInput: true });
  if (!parsed.success)
    throw Errors.PACK_INVALID.withDetails(
      explainIssues(parsed.error.issues, { input: example.change }).map(
        (p) => `examples.cases[${index}] ("${example.name}") change.${p}`,
      ),
      pack.file,
      parsed.error.issues.length,
    );
  return parsed.data;
}

/** `expected` holds of `actual`: the keys given are equal; a comment's body is found in it. */
function actionMatches(expected: Record<string, unknown>, actual: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([k, v]) =>
    k === "body" && typeof v === "string" && typeof actual[k] === "string"
      ? (actual[k] as string).includes(v)
      : JSON.stringify(actual[k]) === JSON.stringify(v),
  );
}

function compareDecisions(
  expected: NonNullable<PackExample["decisions"]>,
  decisions: Decision[],
  w: (typeof words)[Language],
): string[] {
  const differences: string[] = [];
  const left = [...decisions];
  for (const e of expected) {
    const i = left.findIndex((d) => d.rule === e.rule && (!e.outcome || d.outcome === e.outcome));
    if (i < 0) {
      const other = decisions.find((d) => d.rule === e.rule);
      differences.push(
        other
          ? w.otherOutcome(e.rule, e.outcome!, other.outcome, other.message)
          : w.noDecision(e.rule, e.outcome),
      );
      continue;
    }
    const d = left.splice(i, 1)[0]!;
    if (e.message && !d.message.includes(e.message))
      differences.push(w.messageMisses(e.rule, d.message, e.message));
    if (e.actions) {
      if (e.actions.length === 0 && d.actions.length)
        differences.push(w.unwantedActions(e.rule, JSON.stringify(d.actions)));
      for (const a of e.actions)
        if (!d.actions.some((x) => actionMatches(a, x as Record<string, unknown>)))
          differences.push(w.missingAction(e.rule, JSON.stringify(a), JSON.stringify(d.actions)));
    }
  }
  for (const d of left) differences.push(w.unexpected(d.rule, d.outcome, d.message));
  return differences;
}

function compareClocks(
  expected: NonNullable<PackExample["clocks"]>,
  pack: LoadedPack,
  time: PackTime | undefined,
  ticket: Ticket,
  now: number,
  w: (typeof words)[Language],
): string[] {
  if (!time?.sla) return [w.noDeadlines(expected.length)];
  const calendar = calendarFor(time, ticket);
  const reports = evaluateClocks(ticket, { calendar, spec: time.sla, statuses: pack.statuses, now });
  const differences: string[] = [];
  for (const e of expected) {
    const r = reports.find((c) => c.id === e.clock);
    if (e.absent) {
      if (r) differences.push(w.clockPresent(e.clock, r.state));
      continue;
    }
    if (!r) {
      differences.push(w.noSuchClock(e.clock, reports.map((c) => c.id).join(", ")));
      continue;
    }
    if (e.state && r.state !== e.state) differences.push(w.otherState(e.clock, e.state, r.state));
    if (e.target) {
      // As the clock counts it: days as days from its start, in working time.
      const span = e.target === "none" ? undefined : parseSpan(e.target, calendar.dayMs);
      const want =
        span === undefined
          ? undefined
          : r.start === undefined
            ? parseDuration(e.target, calendar.dayMs)
            : r.time === "working"
              ? calendar.spanFrom(r.start, span)
              : span.days * DAY_MS + span.ms;
      if (want !== r.target)
        differences.push(
          w.otherTarget(e.clock, e.target, r.target === undefined ? undefined : r.target / 60_000),
        );
    }
    if (e.due && (r.due === undefined || r.due !== Date.parse(e.due)))
      differences.push(w.otherDue(e.clock, e.due, r.due === undefined ? undefined : calendar.iso(r.due)));
  }
  return differences;
}

/** The differences are said in `language`; the cases are decided in the pack's own, which their expected messages are written in. */
export function runPackExamples(
  pack: LoadedPack,
  time: PackTime | undefined,
  language: Language = pack.language,
): ExampleResult[] {
  const w = words[language];
  return (pack.examples?.cases ?? []).map((example, index) => {
    const ticket = exampleTicket(pack, example, index);
    const change = exampleChange(pack, example, ticket, index);
    const now = example.now ?? ticket.updatedAt ?? ticket.createdAt;
    const links = example.links?.map((l, i) => {
      const parsed = LinkedTicket.safeParse(l, { reportInput: true });
      if (!parsed.success)
        throw Errors.PACK_INVALID.withDetails(
          explainIssues(parsed.error.issues, { input: l, schema: LinkedTicket }).map(
            (p) => `examples.cases[${index}] ("${example.name}") links[${i}].${p}`,
          ),
          pack.file,
          parsed.error.issues.length,
        );
      return parsed.data;
    });
    const context = { now, ...(links ? { links } : {}) };
    const differences = [
      ...(example.decisions
        ? compareDecisions(example.decisions, evaluate(pack, ticket, change, context), w)
        : []),
      ...(example.clocks ? compareClocks(example.clocks, pack, time, ticket, Date.parse(now), w) : []),
    ];
    return { name: example.name, differences };
  });
}
