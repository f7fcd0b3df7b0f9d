import type { BusinessCalendar } from "../calendar/business-calendar.js";
import type { BoardClock, BoardEntry } from "../sla/board-index.js";

/**
 * The SLA board as a model: each counting clock of each open ticket, with its state and
 * remaining working time at `now`, filtered, grouped by support line and sorted. Pure:
 * the index entries and the calendars come in, nothing is read.
 */

export const boardStates = ["running", "paused", "at_risk", "breached"] as const;
export type BoardState = (typeof boardStates)[number];

export interface BoardFilter {
  instance?: string;
  pack?: string;
  line?: number;
  priority?: string;
  state?: BoardState;
}

export interface BoardQuery extends BoardFilter {
  /** Least remaining first (the default), or most. */
  order: "asc" | "desc";
  /** 1-based page of each line's list. */
  page: number;
  pageSize: number;
}

export interface BoardRow {
  entry: BoardEntry;
  clock: BoardClock;
  state: BoardState;
  /** Working (or calendar) milliseconds left; negative once breached; undefined when the calendar cannot say. */
  remaining?: number;
}

export interface BoardLine {
  line: number;
  total: number;
  rows: BoardRow[];
  pages: number;
}

export interface BoardCounts {
  line: number;
  total: number;
  byState: Record<BoardState, number>;
}

export interface BoardModel {
  counts: BoardCounts[];
  lines: BoardLine[];
  /** Values present on the board, for the filters' choices. */
  choices: { instance: string[]; pack: string[]; priority: string[] };
}

/** What the clock is at `now`: a running clock past its moments is at risk or breached, even between two recomputations. */
export function stateAt(clock: BoardClock, paused: boolean, now: number): BoardState {
  const counting = !paused && clock.due !== undefined;
  if (clock.state === "breached" || (counting && now >= clock.due!)) return "breached";
  if (clock.state === "at_risk" || (counting && clock.atRiskAt !== undefined && now >= clock.atRiskAt))
    return "at_risk";
  return clock.state === "paused" || paused ? "paused" : "running";
}

/** Remaining time at `now`: counted down to the due moment while counting, frozen while paused. */
export function remainingAt(
  clock: BoardClock,
  paused: boolean,
  now: number,
  calendar: BusinessCalendar,
): number | undefined {
  if (paused || clock.due === undefined)
    return clock.target === undefined ? undefined : clock.target - clock.elapsed;
  if (clock.time === "calendar") return clock.due - now;
  try {
    return calendar.workingTimeBetween(now, clock.due);
  } catch {
    // A moment outside the calendar's years: the board says it cannot count rather than fail.
    return undefined;
  }
}

const matches = (e: BoardEntry, f: BoardFilter) =>
  (!f.instance || e.instance === f.instance) &&
  (!f.pack || e.pack === f.pack) &&
  (!f.priority || e.priority === f.priority);

export function buildBoard(
  entries: Iterable<BoardEntry>,
  query: BoardQuery,
  now: number,
  calendarOf: (entry: BoardEntry) => BusinessCalendar | undefined,
): BoardModel {
  const byLine = new Map<number, BoardRow[]>();
  const counts = new Map<number, BoardCounts>();
  const choices = { instance: new Set<string>(), pack: new Set<string>(), priority: new Set<string>() };
  for (const entry of entries) {
    choices.instance.add(entry.instance);
    choices.pack.add(entry.pack);
    if (entry.priority) choices.priority.add(entry.priority);
    if (!matches(entry, query)) continue;
    const paused = entry.pausedBy !== undefined;
    const calendar = calendarOf(entry);
    for (const clock of entry.clocks) {
      const state = stateAt(clock, paused, now);
      if (query.state && state !== query.state) continue;
      let c = counts.get(entry.line);
      if (!c) {
        c = { line: entry.line, total: 0, byState: { running: 0, paused: 0, at_risk: 0, breached: 0 } };
        counts.set(entry.line, c);
      }
      c.total++;
      c.byState[state]++;
      if (query.line !== undefined && entry.line !== query.line) continue;
      const remaining = calendar ? remainingAt(clock, paused, now, calendar) : undefined;
      const rows = byLine.get(entry.line) ?? [];
      rows.push({ entry, clock, state, ...(remaining !== undefined ? { remaining } : {}) });
      byLine.set(entry.line, rows);
    }
  }
  const sign = query.order === "asc" ? 1 : -1;
  const lines = [...new Set([1, 2, 3, ...byLine.keys()])]
    .filter((l) => query.line === undefined || l === query.line)
    .sort((a, b) => a - b)
    .map((line): BoardLine => {
      const rows = byLine.get(line) ?? [];
      rows.sort(
        (a, b) =>
          // A clock the calendar cannot count goes last either way.
          (a.remaining === undefined ? 1 : 0) - (b.remaining === undefined ? 1 : 0) ||
          sign * ((a.remaining ?? 0) - (b.remaining ?? 0)) ||
          a.entry.key.localeCompare(b.entry.key) ||
          a.clock.id.localeCompare(b.clock.id),
      );
      const pages = Math.max(1, Math.ceil(rows.length / query.pageSize));
      const page = Math.min(query.page, pages);
      return {
        line,
        total: rows.length,
        pages,
        rows: rows.slice((page - 1) * query.pageSize, page * query.pageSize),
      };
    });
  return {
    counts: [...new Set([1, 2, 3, ...counts.keys()])]
      .sort((a, b) => a - b)
      .map(
        (line) =>
          counts.get(line) ?? {
            line,
            total: 0,
            byState: { running: 0, paused: 0, at_risk: 0, breached: 0 },
          },
      ),
    lines,
    choices: {
      instance: [...choices.instance].sort(),
      pack: [...choices.pack].sort(),
      priority: [...choices.priority].sort(),
    },
  };
}

export const isBoardState = (s: string): s is BoardState => (boardStates as readonly string[]).includes(s);
