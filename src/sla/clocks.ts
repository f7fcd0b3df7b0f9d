import type { BusinessCalendar } from "../calendar/business-calendar.js";
import { DAY_MS, formatDuration, parseDuration, parseSpan } from "../calendar/duration.js";
import type { Actor, Ticket } from "../domain/ticket.js";
import type { Language } from "../engine/rule.js";
import { capped, matchCaps } from "../text/bounds.js";
import { clockWords } from "./explain-words.js";
import { agrees, extensionPatterns, proposedMoment } from "./extension.js";
import type { SlaClock, SlaRow, SlaSpec } from "./sla-spec.js";

/**
 * SLA clocks computed from a ticket's history: pure, from (ticket, SLA table, calendar,
 * now). Elapsed time excludes the time spent in pause statuses; because elapsed and
 * paused time come from the history, they are kept as they are when a priority or type
 * change gives the clock a new target.
 */

export const clockStates = [
  "no_target",
  "not_started",
  "running",
  "paused",
  "at_risk",
  "breached",
  "met",
] as const;
export type ClockState = (typeof clockStates)[number];

export interface ClockReport {
  id: string;
  title: string;
  kind: SlaClock["kind"] | "autoClose";
  time: "working" | "calendar";
  state: ClockState;
  /** Target in milliseconds of (working) time; undefined when the table says "by agreement". */
  target?: number;
  start?: number;
  stoppedAt?: number;
  elapsed: number;
  paused: number;
  /** When the target is (or was) reached, counting pauses so far; undefined while paused short of it. */
  due?: number;
  atRiskAt?: number;
  /** Set when the due moment was extended by agreement with the reporter (Krasnoyarsk 4.8). */
  extendedTo?: number;
  /** Why the due moment is where it is, step by step. */
  explain: string[];
}

export interface SlaInput {
  calendar: BusinessCalendar;
  spec: SlaSpec;
  /** The pack's status vocabulary (value → phase). */
  statuses: Readonly<Record<string, { phase: string }>>;
  now: number;
  /** The language of the "why" lines and the auto-close title; English when not given. */
  language?: Language;
}

interface StatusSpan {
  status: string;
  from: number;
  to: number;
}

function plain(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "object" && "value" in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
}

const ms = (iso: string) => Date.parse(iso);

/** The ticket's statuses over time, from creation to now. */
export function statusTimeline(ticket: Ticket, now: number): StatusSpan[] {
  const changes = ticket.history
    .filter((h) => h.field === "status")
    .map((h) => ({ at: ms(h.at), from: plain(h.from), to: plain(h.to) }))
    .sort((a, b) => a.at - b.at);
  const spans: StatusSpan[] = [];
  let status = changes[0]?.from ?? ticket.status.value;
  let since = ms(ticket.createdAt);
  for (const c of changes) {
    spans.push({ status, from: since, to: c.at });
    status = c.to ?? status;
    since = c.at;
  }
  spans.push({ status, from: since, to: Math.max(now, since) });
  return spans;
}

function rowFor(rows: readonly SlaRow[], ticket: Ticket): SlaRow | undefined {
  const type = ticket.type?.value;
  const priority = ticket.priority?.value;
  return rows.find(
    (r) =>
      (!r.types || (type !== undefined && r.types.includes(type))) &&
      (!r.priorities || (priority !== undefined && r.priorities.includes(priority as never))),
  );
}

const isExecutor = (a: Actor) =>
  (a.line ?? 0) >= 2 || a.role === "line2" || a.role === "line3" || a.role === "head_of_line2";
const isLine1 = (a: Actor) => a.line === 1 || a.role === "line1";

function clockStart(clock: SlaClock, ticket: Ticket): number | undefined {
  const created = ms(ticket.createdAt);
  if (clock.kind !== "reaction" || clock.line !== "executor") return created;
  const escalation = ticket.history
    .filter((h) => h.field === "line" && Number(plain(h.to)) >= 2)
    .map((h) => ms(h.at))
    .sort((a, b) => a - b)[0];
  if (escalation !== undefined) return escalation;
  return (ticket.line ?? 1) >= 2 ? created : undefined;
}

function clockStop(
  clock: SlaClock,
  ticket: Ticket,
  start: number,
  input: SlaInput,
  spans: StatusSpan[],
): number | undefined {
  if (clock.kind === "reaction") {
    const counts = clock.line === "executor" ? isExecutor : isLine1;
    return ticket.comments
      .filter(
        (c) => c.public && ms(c.createdAt) >= start && c.author.id !== ticket.reporter.id && counts(c.author),
      )
      .map((c) => ms(c.createdAt))
      .sort((a, b) => a - b)[0];
  }
  const phases =
    clock.kind === "inWork" ? ["in_progress", "resolved", "closed"] : ["resolved", "closed", "cancelled"];
  const reached = spans.find(
    (s) => s.from >= start && phases.includes(input.statuses[s.status]?.phase ?? ""),
  );
  return reached?.from;
}

/** Measures time between two instants the way the clock counts it. */
function measurer(clock: { time: "working" | "calendar" }, cal: BusinessCalendar) {
  return clock.time === "working"
    ? (a: number, b: number) => cal.workingTimeBetween(a, b)
    : (a: number, b: number) => b - a;
}

/**
 * Walks the active (unpaused) stretches from `start` until `amount` has elapsed; the
 * instant it is reached, or undefined when the clock is paused now short of it.
 */
function reachAt(
  amount: number,
  active: readonly [number, number][],
  openEnded: boolean,
  clock: { time: "working" | "calendar" },
  cal: BusinessCalendar,
): number | undefined {
  const measure = measurer(clock, cal);
  let left = amount;
  for (let i = 0; i < active.length; i++) {
    const [a, b] = active[i]!;
    const last = i === active.length - 1 && openEnded;
    const length = last ? Number.POSITIVE_INFINITY : measure(a, b);
    if (left <= length) return clock.time === "working" ? cal.addWorkingTime(a, left) : a + left;
    left -= length;
  }
  return undefined;
}

function pauseStatusesOf(input: SlaInput): Set<string> {
  return new Set(
    input.spec.pauseStatuses ??
      Object.entries(input.statuses)
        .filter(([, s]) => s.phase === "waiting_customer")
        .map(([value]) => value),
  );
}

/** Splits [start, end) into active and paused stretches by the status timeline. */
function stretches(spans: StatusSpan[], pause: Set<string>, start: number, end: number) {
  const active: [number, number][] = [];
  const paused: [number, number][] = [];
  for (const s of spans) {
    const a = Math.max(s.from, start);
    const b = Math.min(s.to, end);
    if (b <= a) continue;
    (pause.has(s.status) ? paused : active).push([a, b]);
  }
  return { active, paused };
}

interface Extension {
  until: number;
  proposedBy: string;
  proposedAt: number;
  agreedAt: number;
}

/** The latest extension an executor proposed and the reporter agreed to afterwards. */
function agreedExtension(ticket: Ticket, input: SlaInput): Extension | undefined {
  const rule = input.spec.extension;
  if (!rule) return undefined;
  const patterns = extensionPatterns(rule);
  const publicComments = ticket.comments.filter((c) => c.public && ms(c.createdAt) <= input.now);
  let found: Extension | undefined;
  for (const c of publicComments) {
    if (c.author.id === ticket.reporter.id || !isExecutor(c.author)) continue;
    const body = capped(c.body, matchCaps.comment);
    const hit = patterns.command.exec(body);
    if (!hit) continue;
    const until = proposedMoment(body.slice(hit.index + hit[0].length), input.calendar);
    if (until === undefined) continue;
    const at = ms(c.createdAt);
    const agreed = publicComments.find(
      (r) =>
        r.author.id === ticket.reporter.id &&
        ms(r.createdAt) >= at &&
        agrees(patterns, capped(r.body, matchCaps.comment)),
    );
    if (agreed && (!found || at > found.proposedAt))
      found = { until, proposedBy: c.author.id, proposedAt: at, agreedAt: ms(agreed.createdAt) };
  }
  return found;
}

function evaluateClock(clock: SlaClock, ticket: Ticket, input: SlaInput, spans: StatusSpan[]): ClockReport {
  const { calendar: cal, now, spec } = input;
  const language = input.language ?? "en";
  const w = clockWords[language];
  const base = {
    id: clock.id,
    title: clock.title,
    kind: clock.kind,
    time: clock.time,
    elapsed: 0,
    paused: 0,
  };
  const row = rowFor(clock.targets, ticket);
  if (!row || row.target === "none") {
    return {
      ...base,
      state: "no_target",
      explain: [w.noTarget(ticket.type?.value ?? "—", ticket.priority?.value ?? "—")],
    };
  }
  const span = parseSpan(row.target, cal.dayMs);
  const start = clockStart(clock, ticket);
  if (start === undefined)
    return {
      ...base,
      target: parseDuration(row.target, cal.dayMs),
      state: "not_started",
      explain: [w.notStarted],
    };
  // Days are working days counted as days: what a clock started at `start` may spend.
  const target = clock.time === "working" ? cal.spanFrom(start, span) : span.days * DAY_MS + span.ms;

  const stop = clockStop(clock, ticket, start, input, spans);
  const end = Math.min(stop ?? now, now);
  const pause = pauseStatusesOf(input);
  const { active, paused } = stretches(spans, pause, start, end);
  const measure = measurer(clock, cal);
  const elapsed = active.reduce((a, [s, e]) => a + measure(s, e), 0);
  const pausedTime = paused.reduce((a, [s, e]) => a + measure(s, e), 0);
  const currentStatus = spans[spans.length - 1]!.status;
  const pausedNow = stop === undefined && pause.has(currentStatus);
  // While running, the last active stretch continues into the future.
  const running = stop === undefined && !pausedNow;
  const timeline: [number, number][] = active.length ? active : [[end, end]];
  let due = reachAt(target, timeline, running, clock, cal);
  let atRiskAt = reachAt(Math.round(target * spec.atRiskRatio), timeline, running, clock, cal);

  let state: ClockState;
  if (stop !== undefined && stop <= now) state = elapsed <= target ? "met" : "breached";
  else if (elapsed > target) state = "breached";
  else if (elapsed >= target * spec.atRiskRatio) state = "at_risk";
  else state = pausedNow ? "paused" : "running";

  // 4.8: a deadline extended by agreement counts to its new moment, with its at-risk point
  // at the same share of what remained when the initiator agreed.
  const extension = spec.extension?.clocks.includes(clock.id) ? agreedExtension(ticket, input) : undefined;
  const extended = extension && (due === undefined || extension.until > due) ? extension : undefined;
  if (extended) {
    due = extended.until;
    const window =
      clock.time === "working" ? cal.workingTimeBetween(extended.agreedAt, due) : due - extended.agreedAt;
    atRiskAt =
      clock.time === "working"
        ? cal.addWorkingTime(extended.agreedAt, Math.max(0, Math.round(window * spec.atRiskRatio)))
        : extended.agreedAt + Math.round(window * spec.atRiskRatio);
    if (stop !== undefined && stop <= now) state = stop <= due ? "met" : "breached";
    else if (now >= due) state = "breached";
    else if (now >= atRiskAt) state = "at_risk";
    else state = pausedNow ? "paused" : "running";
  }

  const explain = [
    w.target(
      formatDuration(target),
      clock.time,
      row.types?.join(", ") ?? w.any,
      row.priorities?.join(", ") ?? w.any,
    ),
    ...(span.days && clock.time === "working"
      ? [w.tableDays(row.target, span.days, cal.iso(cal.addSpan(start, span)))]
      : []),
    w.started(cal.iso(start), clock.kind === "reaction" && clock.line === "executor"),
    ...paused.map(([a, b]) => w.pausedSpan(cal.iso(a), cal.iso(b), formatDuration(measure(a, b)))),
    stop !== undefined && stop <= now
      ? w.stopped(cal.iso(stop))
      : pausedNow
        ? w.pausedNow(currentStatus)
        : w.running,
    w.elapsed(formatDuration(elapsed), formatDuration(pausedTime)),
    ...(extended
      ? [
          w.extended(
            cal.iso(extended.until),
            spec.extension!.section,
            extended.proposedBy,
            cal.iso(extended.proposedAt),
            cal.iso(extended.agreedAt),
          ),
        ]
      : []),
  ];
  if (!extended && due !== undefined && clock.time === "working" && running && elapsed < target) {
    explain.push(...cal.explainAdd(end, target - elapsed, language));
  }
  return {
    ...base,
    target,
    start,
    ...(stop !== undefined ? { stoppedAt: stop } : {}),
    elapsed,
    paused: pausedTime,
    state,
    due,
    atRiskAt,
    ...(extended ? { extendedTo: extended.until } : {}),
    explain,
  };
}

function evaluateAutoClose(ticket: Ticket, input: SlaInput, spans: StatusSpan[]): ClockReport | undefined {
  const rule = input.spec.autoClose;
  if (!rule) return undefined;
  const { calendar: cal, now } = input;
  const language = input.language ?? "en";
  const w = clockWords[language];
  const current = spans[spans.length - 1]!;
  const base = {
    id: "auto-close",
    title: w.autoCloseTitle(rule.to),
    kind: "autoClose" as const,
    time: "working" as const,
    paused: 0,
  };
  if (!rule.statuses.includes(current.status)) {
    return { ...base, elapsed: 0, state: "not_started", explain: [w.notIn(rule.statuses)] };
  }
  const span = parseSpan(rule.after, cal.dayMs);
  const entered = current.from;
  const reply = ticket.comments.find(
    (c) => c.public && c.author.id === ticket.reporter.id && ms(c.createdAt) >= entered,
  );
  const elapsed = cal.workingTimeBetween(entered, now);
  const due = cal.addSpan(entered, span);
  const target = cal.workingTimeBetween(entered, due);
  const explain = [
    w.autoCloseSince(current.status, cal.iso(entered), rule.after),
    ...cal.explainSpan(entered, span, language),
  ];
  if (reply)
    return {
      ...base,
      target,
      start: entered,
      elapsed,
      state: "met",
      stoppedAt: ms(reply.createdAt),
      explain: [...explain, w.reporterAnswered(reply.createdAt)],
    };
  return {
    ...base,
    target,
    start: entered,
    elapsed,
    due,
    state: now >= due ? "breached" : "running",
    explain,
  };
}

/** Every clock of the pack for this ticket at `now`, and the auto-close clock when the pack has one. */
export function evaluateClocks(ticket: Ticket, input: SlaInput): ClockReport[] {
  const spans = statusTimeline(ticket, input.now);
  const reports = input.spec.clocks.map((c) => evaluateClock(c, ticket, input, spans));
  const autoClose = evaluateAutoClose(ticket, input, spans);
  return autoClose ? [...reports, autoClose] : reports;
}

/** The next moment something changes for the ticket's clocks (at risk, breach, auto-close), if any. */
export function nextDueMoment(reports: readonly ClockReport[], now: number): number | undefined {
  const moments: number[] = [];
  for (const r of reports) {
    if (r.state === "running" && r.atRiskAt !== undefined && r.atRiskAt > now) moments.push(r.atRiskAt);
    if ((r.state === "running" || r.state === "at_risk") && r.due !== undefined && r.due > now)
      moments.push(r.due);
  }
  return moments.length ? Math.min(...moments) : undefined;
}
