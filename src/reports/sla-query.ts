import type { SqlDatabase } from "../history/database.js";
import {
  byOverrun,
  compareRows,
  type Dimension,
  type Overrun,
  type SlaRow,
  type TrendRow,
} from "./sla-report.js";

/**
 * The SLA report computed in the database from the clock states the history holds —
 * the same figures `slaReport` computes from clock states in memory (a test holds the
 * two equal), without moving every clock's row out of PostgreSQL.
 */

const latest = (window: string) => `
  SELECT instance, ticket, url, pack, clock, clock_kind, title, type, priority, line, start, state, target_ms, elapsed_ms, due, stopped_at
    FROM clock_latest
   WHERE pack = $1 AND ${window}`;

const outcome = `CASE WHEN state = 'no_target' THEN 'noTarget' WHEN state = 'met' THEN 'met' WHEN state = 'breached' THEN 'breached'
                      WHEN due IS NOT NULL AND due <= $4::timestamptz THEN 'breached' ELSE 'open' END`;

export async function slaReportInDatabase(
  db: SqlDatabase,
  o: { pack: string; from: number; to: number; now: number; by: readonly Dimension[]; worst?: number },
): Promise<SlaRow[]> {
  const group = {
    type: o.by.includes("type") ? "COALESCE(type, '—')" : "'all'",
    priority: o.by.includes("priority") ? "COALESCE(priority, '—')" : "'all'",
    line: o.by.includes("line") ? "COALESCE(line::text, '—')" : "'all'",
  };
  const params = [
    o.pack,
    new Date(o.from).toISOString(),
    new Date(o.to).toISOString(),
    new Date(o.now).toISOString(),
  ];
  const classified = `
    WITH latest AS (${latest("start >= $2::timestamptz AND start < $3::timestamptz")}),
    c AS (SELECT *, ${outcome} AS outcome, ${group.type} AS g_type, ${group.priority} AS g_priority, ${group.line} AS g_line FROM latest)`;
  const used = "outcome = 'met' OR (outcome = 'breached' AND state = 'breached')";
  const rows = await db.query<Record<string, unknown>>(
    `${classified}
     SELECT pack, clock, min(clock_kind) AS clock_kind, min(title) AS title, g_type, g_priority, g_line,
            count(*) AS tickets,
            count(*) FILTER (WHERE outcome = 'met') AS met,
            count(*) FILTER (WHERE outcome = 'breached') AS breached,
            count(*) FILTER (WHERE outcome = 'open') AS open,
            count(*) FILTER (WHERE outcome = 'noTarget') AS no_target,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY elapsed_ms) FILTER (WHERE ${used}) AS median_ms,
            percentile_disc(0.9) WITHIN GROUP (ORDER BY elapsed_ms) FILTER (WHERE ${used}) AS p90_ms
       FROM c GROUP BY pack, clock, g_type, g_priority, g_line`,
    params,
  );
  const worst = await db.query<Record<string, unknown>>(
    `${classified},
     w AS (SELECT pack, clock, g_type, g_priority, g_line, instance, ticket, url, stopped_at IS NULL AS open,
                  round(CASE WHEN state = 'breached' THEN (elapsed_ms - COALESCE(target_ms, 0)) / 60000.0
                             ELSE extract(epoch FROM ($4::timestamptz - due)) / 60 END) AS overrun
             FROM c WHERE outcome = 'breached'),
     ranked AS (SELECT *, row_number() OVER (PARTITION BY pack, clock, g_type, g_priority, g_line
                                             ORDER BY overrun DESC, instance, ticket) AS rn FROM w)
     SELECT * FROM ranked WHERE rn <= ${Math.max(1, Math.floor(o.worst ?? 5))}`,
    params,
  );
  const id = (r: Record<string, unknown>) =>
    [r.pack, r.clock, r.g_type, r.g_priority, r.g_line].join("\u001f");
  const overruns = new Map<string, Overrun[]>();
  for (const w of worst) {
    const list = overruns.get(id(w)) ?? [];
    list.push({
      ticket: w.ticket as string,
      instance: w.instance as string,
      url: (w.url as string | null) ?? null,
      overrunMinutes: Number(w.overrun),
      open: Boolean(w.open),
    });
    overruns.set(id(w), list);
  }
  const minutes = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) / 60_000));
  return rows
    .map((r) => {
      const met = Number(r.met);
      const breached = Number(r.breached);
      return {
        pack: r.pack as string,
        clock: r.clock as string,
        clockKind: r.clock_kind as string,
        title: r.title as string,
        type: r.g_type as string,
        priority: r.g_priority as string,
        line: r.g_line as string,
        tickets: Number(r.tickets),
        met,
        breached,
        open: Number(r.open),
        noTarget: Number(r.no_target),
        percentMet: met + breached === 0 ? null : Math.round((1000 * met) / (met + breached)) / 10,
        medianMinutes: minutes(r.median_ms),
        p90Minutes: minutes(r.p90_ms),
        worst: (overruns.get(id(r)) ?? []).sort(byOverrun),
      };
    })
    .sort(compareRows);
}

/** The share met per calendar month (in `zone`) the clocks started in. */
export async function slaTrendInDatabase(
  db: SqlDatabase,
  o: {
    pack: string;
    zone: string;
    now: number;
    months: readonly { month: string; from: number; to: number }[];
  },
): Promise<TrendRow[]> {
  const first = o.months[0];
  const last = o.months.at(-1);
  if (!first || !last) return [];
  const rows = await db.query<Record<string, unknown>>(
    `WITH latest AS (${latest("start >= $2::timestamptz AND start < $3::timestamptz")}),
     c AS (SELECT *, ${outcome} AS outcome FROM latest)
     SELECT to_char(start AT TIME ZONE $5, 'YYYY-MM') AS month, count(*) AS tickets,
            count(*) FILTER (WHERE outcome = 'met') AS met,
            count(*) FILTER (WHERE outcome = 'breached') AS breached
       FROM c GROUP BY 1`,
    [
      o.pack,
      new Date(first.from).toISOString(),
      new Date(last.to).toISOString(),
      new Date(o.now).toISOString(),
      o.zone,
    ],
  );
  if (!rows.length) return [];
  const byMonth = new Map(rows.map((r) => [r.month as string, r]));
  return o.months.map(({ month }) => {
    const r = byMonth.get(month);
    const met = Number(r?.met ?? 0);
    const breached = Number(r?.breached ?? 0);
    return {
      pack: o.pack,
      month,
      tickets: Number(r?.tickets ?? 0),
      met,
      breached,
      percentMet: met + breached === 0 ? null : Math.round((1000 * met) / (met + breached)) / 10,
    };
  });
}
