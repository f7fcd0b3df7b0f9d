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

function compareDecisions(expected: NonNullable<PackExample["decisions"]>, decisions: Decision[]): string[] {
  const differences: string[] = [];
  const left = [...decisions];
  for (const e of expected) {
    const i = left.findIndex((d) => d.rule === e.rule && (!e.outcome || d.outcome === e.outcome));
    if (i < 0) {
      const other = decisions.find((d) => d.rule === e.rule);
      differences.push(
        other
          ? `${e.rule}: expected the outcome ${e.outcome}, got ${other.outcome} ("${other.message}")`
          : `${e.rule}: expected a decision${e.outcome ? ` (${e.outcome})` : ""}, the pack made none`,
      );
      continue;
    }
    const d = left.splice(i, 1)[0]!;
    if (e.message && !d.message.includes(e.message))
      differences.push(`${e.rule}: the message "${d.message}" does not say "${e.message}"`);
    if (e.actions) {
      if (e.actions.length === 0 && d.actions.length)
        differences.push(`${e.rule}: expected no actions, got ${JSON.stringify(d.actions)}`);
      for (const a of e.actions)
        if (!d.actions.some((x) => actionMatches(a, x as Record<string, unknown>)))
          differences.push(
            `${e.rule}: expected the action ${JSON.stringify(a)}, got ${JSON.stringify(d.actions)}`,
          );
    }
  }
  for (const d of left) differences.push(`${d.rule}: unexpected ${d.outcome} decision ("${d.message}")`);
  return differences;
}

function compareClocks(
  expected: NonNullable<PackExample["clocks"]>,
  pack: LoadedPack,
  time: PackTime | undefined,
  ticket: Ticket,
  now: number,
): string[] {
  if (!time?.sla) return [`clocks: the pack sets no deadlines, yet the example expects ${expected.length}`];
  const calendar = calendarFor(time, ticket);
  const reports = evaluateClocks(ticket, { calendar, spec: time.sla, statuses: pack.statuses, now });
  const differences: string[] = [];
  for (const e of expected) {
    const r = reports.find((c) => c.id === e.clock);
    if (e.absent) {
      if (r) differences.push(`clock ${e.clock}: expected none, the pack has it (${r.state})`);
      continue;
    }
    if (!r) {
      differences.push(
        `clock ${e.clock}: the pack has no such clock (${reports.map((c) => c.id).join(", ")})`,
      );
      continue;
    }
    if (e.state && r.state !== e.state)
      differences.push(`clock ${e.clock}: expected ${e.state}, got ${r.state}`);
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
          `clock ${e.clock}: expected the target ${e.target}, got ${r.target === undefined ? "none" : `${r.target / 60_000} min`}`,
        );
    }
    if (e.due && (r.due === undefined || r.due !== Date.parse(e.due)))
      differences.push(
        `clock ${e.clock}: expected due ${e.due}, got ${r.due === undefined ? "none" : calendar.iso(r.due)}`,
      );
  }
  return differences;
}

export function runPackExamples(pack: LoadedPack, time: PackTime | undefined): ExampleResult[] {
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
        ? compareDecisions(example.decisions, evaluate(pack, ticket, change, context))
        : []),
      ...(example.clocks ? compareClocks(example.clocks, pack, time, ticket, Date.parse(now)) : []),
    ];
    return { name: example.name, differences };
  });
}
