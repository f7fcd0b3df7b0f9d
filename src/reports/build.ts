import { DateTime } from "luxon";
import type { Ticket } from "../domain/ticket.js";
import type { LoadedPack } from "../engine/pack-loader.js";
import { Errors } from "../errors/catalogue.js";
import { type ClockRecord, clockRecords } from "../history/records.js";
import type { HistoryStore } from "../history/store.js";
import { evaluateClocks } from "../sla/clocks.js";
import { calendarFor, type PackTime } from "../sla/pack-sla.js";
import type { SlaReportDocument } from "./format.js";
import { slaReportInDatabase, slaTrendInDatabase } from "./sla-query.js";
import { type Dimension, type SlaRow, slaReport, slaTrend, type TrendRow } from "./sla-report.js";

export type ClockSource = { store: HistoryStore } | { tickets: Iterable<Ticket> };

/**
 * The SLA report of one pack for clocks started in [from, to) — dates or moments, read
 * in the pack's zone — from the history store, or from tickets evaluated now exactly as
 * `reglament sla` evaluates them; with the 12 months up to `to` as a trend.
 */
export async function buildSlaReport(o: {
  pack: LoadedPack;
  time: PackTime;
  from: string;
  to: string;
  by: readonly Dimension[];
  now: number;
  source: ClockSource;
}): Promise<SlaReportDocument> {
  const { calendar } = o.time;
  if (!o.time.sla)
    throw Errors.USAGE(`pack ${o.pack.id} sets no deadlines (its regulation has no SLA table)`);
  const from = calendar.parse(o.from);
  const to = calendar.parse(o.to);
  if (!(from < to)) throw Errors.USAGE(`the period is empty: --from ${o.from} is not before --to ${o.to}`);
  const last = DateTime.fromMillis(to - 1, { zone: calendar.zone }).startOf("month");
  const months = Array.from({ length: 12 }, (_, i) => {
    const start = last.minus({ months: 11 - i });
    return {
      month: start.toFormat("yyyy-MM"),
      from: start.toMillis(),
      to: start.plus({ months: 1 }).toMillis(),
    };
  });
  const document = (rows: SlaRow[], trend: TrendRow[]): SlaReportDocument => ({
    pack: o.pack.id,
    from: calendar.iso(from),
    to: calendar.iso(to),
    zone: calendar.zone,
    generatedAt: calendar.iso(o.now),
    rows,
    trend,
  });
  if ("store" in o.source) {
    const { db } = o.source.store;
    return document(
      await slaReportInDatabase(db, { pack: o.pack.id, from, to, now: o.now, by: o.by }),
      await slaTrendInDatabase(db, { pack: o.pack.id, zone: calendar.zone, now: o.now, months }),
    );
  }
  const records: ClockRecord[] = [];
  const at = new Date(o.now).toISOString();
  for (const ticket of o.source.tickets) {
    const reports = evaluateClocks(ticket, {
      calendar: calendarFor(o.time, ticket),
      spec: o.time.sla,
      statuses: o.pack.statuses,
      now: o.now,
    });
    records.push(...clockRecords(ticket, o.pack.id, reports, at));
  }
  return document(
    slaReport(records, { from, to, now: o.now, by: o.by }),
    slaTrend(records, { now: o.now, months }),
  );
}
