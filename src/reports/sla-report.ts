import type { ClockRecord } from "../history/records.js";

/**
 * SLA compliance from clock states, the same whether they come from the history store
 * or from ticket files evaluated on the spot: per pack, clock and group (type, priority,
 * line), how many clocks met their target and how many were breached — a clock still
 * running past its due moment counts as breached, and one with no target ("by
 * agreement") is counted apart.
 */

export const dimensions = ["type", "priority", "line"] as const;
export type Dimension = (typeof dimensions)[number];

export interface SlaReportOptions {
  /** Clocks that started in [from, to), epoch ms. */
  from: number;
  to: number;
  /** What "still running past its due moment" is judged against. */
  now: number;
  by: readonly Dimension[];
  /** How many worst overruns each row lists. */
  worst?: number;
}

export interface Overrun {
  ticket: string;
  instance: string;
  url: string | null;
  /** Working minutes past the target (a clock still running: calendar minutes past its due moment). */
  overrunMinutes: number;
  open: boolean;
}

export interface SlaRow {
  pack: string;
  clock: string;
  clockKind: string;
  title: string;
  /** The group's value, or "all" when the report is not grouped by it. */
  type: string;
  priority: string;
  line: string;
  tickets: number;
  met: number;
  breached: number;
  /** Still running and not yet due. */
  open: number;
  /** Clocks without a target: "by agreement". */
  noTarget: number;
  /** met / (met + breached), in per cent with one decimal; null when none was decided. */
  percentMet: number | null;
  /** Working minutes used by decided clocks. */
  medianMinutes: number | null;
  p90Minutes: number | null;
  worst: Overrun[];
}

export interface TrendRow {
  pack: string;
  month: string;
  tickets: number;
  met: number;
  breached: number;
  percentMet: number | null;
}

type Outcome = "met" | "breached" | "open" | "noTarget";

function outcomeOf(r: ClockRecord, now: number): Outcome {
  if (r.state === "no_target") return "noTarget";
  if (r.state === "met") return "met";
  if (r.state === "breached") return "breached";
  return r.due !== null && Date.parse(r.due) <= now ? "breached" : "open";
}

/** Each clock's latest state: one clock is a ticket's clock from one start. */
export function latestStates(records: readonly ClockRecord[]): ClockRecord[] {
  const latest = new Map<string, ClockRecord>();
  for (const r of records) {
    const id = [r.instance, r.ticket, r.clock, r.start].join("\u001f");
    const seen = latest.get(id);
    if (!seen || r.at > seen.at || (r.at === seen.at && r.key > seen.key)) latest.set(id, r);
  }
  return [...latest.values()];
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const percent = (met: number, breached: number) =>
  met + breached === 0 ? null : Math.round((1000 * met) / (met + breached)) / 10;

export function slaReport(records: readonly ClockRecord[], options: SlaReportOptions): SlaRow[] {
  const groups = new Map<string, { row: SlaRow; used: number[]; overruns: Overrun[] }>();
  for (const r of latestStates(records)) {
    const start = r.start === null ? Number.NaN : Date.parse(r.start);
    if (!(start >= options.from && start < options.to)) continue;
    const group = {
      type: options.by.includes("type") ? (r.type ?? "—") : "all",
      priority: options.by.includes("priority") ? (r.priority ?? "—") : "all",
      line: options.by.includes("line") ? (r.line === null ? "—" : String(r.line)) : "all",
    };
    const id = [r.pack, r.clock, group.type, group.priority, group.line].join("\u001f");
    let g = groups.get(id);
    if (!g) {
      g = {
        row: {
          pack: r.pack,
          clock: r.clock,
          clockKind: r.clockKind,
          title: r.title,
          ...group,
          tickets: 0,
          met: 0,
          breached: 0,
          open: 0,
          noTarget: 0,
          percentMet: null,
          medianMinutes: null,
          p90Minutes: null,
          worst: [],
        },
        used: [],
        overruns: [],
      };
      groups.set(id, g);
    }
    const outcome = outcomeOf(r, options.now);
    g.row.tickets++;
    g.row[outcome]++;
    if (outcome === "met" || (outcome === "breached" && r.state === "breached"))
      g.used.push(r.elapsedMs / 60_000);
    if (outcome === "breached") {
      // A breach seen as such has its working time; one only known to be past due (its
      // last state was "running"), the calendar time since its due moment.
      const measured = r.state === "breached";
      g.overruns.push({
        ticket: r.ticket,
        instance: r.instance,
        url: r.url,
        overrunMinutes: Math.round(
          measured ? (r.elapsedMs - (r.targetMs ?? 0)) / 60_000 : (options.now - Date.parse(r.due!)) / 60_000,
        ),
        open: r.stoppedAt === null,
      });
    }
  }
  const rows = [...groups.values()].map(({ row, used, overruns }) => {
    const sorted = used.sort((a, b) => a - b);
    const round = (v: number | null) => (v === null ? null : Math.round(v));
    return {
      ...row,
      percentMet: percent(row.met, row.breached),
      medianMinutes: round(percentile(sorted, 50)),
      p90Minutes: round(percentile(sorted, 90)),
      worst: overruns.sort(byOverrun).slice(0, options.worst ?? 5),
    };
  });
  return rows.sort(compareRows);
}

/** The worst first; equal overruns by ticket, so every source lists them alike. */
export function byOverrun(a: Overrun, b: Overrun): number {
  return (
    b.overrunMinutes - a.overrunMinutes ||
    a.instance.localeCompare(b.instance) ||
    a.ticket.localeCompare(b.ticket)
  );
}

const order = (v: string) => (v === "all" || v === "—" ? "\uffff" : v);

/** Rows by pack, clock and group, the ungrouped and unknown values last. */
export function compareRows(a: SlaRow, b: SlaRow): number {
  return (
    a.pack.localeCompare(b.pack) ||
    a.clock.localeCompare(b.clock) ||
    order(a.type).localeCompare(order(b.type)) ||
    order(a.priority).localeCompare(order(b.priority)) ||
    order(a.line).localeCompare(order(b.line))
  );
}

/** Per pack and calendar month (in `zone`), the share of decided clocks that met their target. */
export function slaTrend(
  records: readonly ClockRecord[],
  options: { now: number; months: readonly { month: string; from: number; to: number }[] },
): TrendRow[] {
  const out: TrendRow[] = [];
  const latest = latestStates(records);
  const packs = [...new Set(latest.map((r) => r.pack))].sort();
  for (const pack of packs) {
    for (const m of options.months) {
      let tickets = 0;
      let met = 0;
      let breached = 0;
      for (const r of latest) {
        if (r.pack !== pack || r.start === null) continue;
        const start = Date.parse(r.start);
        if (start < m.from || start >= m.to) continue;
        tickets++;
        const o = outcomeOf(r, options.now);
        if (o === "met") met++;
        if (o === "breached") breached++;
      }
      out.push({ pack, month: m.month, tickets, met, breached, percentMet: percent(met, breached) });
    }
  }
  return out;
}
