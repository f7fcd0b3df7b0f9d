import { randomUUID } from "node:crypto";
import { ruleCatalogue } from "../policies/rules/index.js";
import { loadPack } from "../src/engine/pack-loader.js";
import { openPostgres } from "../src/history/database.js";
import { type ClockRecord, type HistoryRecord, historyRecords } from "../src/history/records.js";
import { HistoryStore } from "../src/history/store.js";
import { buildSlaReport } from "../src/reports/build.js";
import { packTime } from "../src/sla/pack-sla.js";
import { testDatabase } from "../test/helpers/postgres.js";
import { measurePipeline } from "./pipeline.js";

/**
 * The history store: records/s the writer's batch insert stores in PostgreSQL (target
 * ≥ 20,000/s), the pipeline with the history on beside off in the same run (≥ 0.9×), and
 * the SLA report over 100,000 tickets' clocks (≤ 2 s). PostgreSQL: the machine's (a
 * database created and dropped for the run), or TEST_POSTGRES_URL.
 */
export async function run(): Promise<void> {
  const db = await testDatabase("reglament_bench_history");
  const store = new HistoryStore(await openPostgres(db.url));
  try {
    await store.migrate();
    console.log("\nbench/history — PostgreSQL");

    const batches = 40;
    const batchSize = 500;
    const decision = (i: number): HistoryRecord[] =>
      historyRecords("sev", String(i), {
        type: "decisions",
        at: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
        deliveryId: randomUUID(),
        pack: "sevastopol-miac",
        mode: "enforce",
        writeback: "queued",
        decisions: [
          {
            rule: "impact-priority-matrix",
            pack: "sevastopol-miac",
            outcome: "violation",
            message:
              "Приоритет «Обычный» не соответствует влиянию «Блокирующий»; приоритет исправлен на «Неотложный».",
            citation: "«Регламент …» (000_f1822204844986a0.txt), п. 3.2",
            actions: [{ type: "setField", field: "priority", value: "immediate" }],
            alerts: [],
          },
        ],
      });
    let started = performance.now();
    for (let b = 0; b < batches; b++)
      await store.write(Array.from({ length: batchSize }, (_, i) => decision(b * batchSize + i)).flat());
    const perSecond = (batches * batchSize) / ((performance.now() - started) / 1000);
    console.log(
      `  writer: ${Math.round(perSecond).toLocaleString("en-US")} records/s in batches of ${batchSize}  (target ≥ 20,000/s: ${perSecond >= 20_000 ? "met" : "MISSED"})`,
    );

    // 100,000 tickets × 3 clocks, spread over 2026, as the SLA service hands them off.
    const pack = loadPack("krasnoyarsk-kmiac", { rules: ruleCatalogue });
    const time = packTime(pack);
    const states = ["met", "met", "met", "breached", "running", "no_target"];
    const clocks: ClockRecord[] = [];
    for (let i = 0; i < 100_000; i++) {
      const start = new Date(Date.UTC(2026, 0, 1) + ((i * 37) % (330 * 24)) * 3600_000).toISOString();
      for (const [c, clock] of ["reaction-l1", "reaction-executor", "resolution"].entries()) {
        const state = states[(i + c) % states.length]!;
        clocks.push({
          kind: "clock",
          key: `${i}-${clock}`,
          at: start,
          instance: "kmiac",
          project: "KMIAC",
          ticket: `KMIAC-${i}`,
          url: `https://tracker.yandex.ru/KMIAC-${i}`,
          pack: pack.id,
          clock,
          clockKind: clock.startsWith("reaction") ? "reaction" : "resolution",
          title: clock,
          type: ["Ошибка", "Настройка", "Консультация"][i % 3]!,
          priority: ["low", "normal", "high", "urgent"][i % 4]!,
          line: (i % 3) + 1,
          start,
          state,
          targetMs: state === "no_target" ? null : 4 * 3600_000,
          elapsedMs: (i % 600) * 60_000,
          pausedMs: 0,
          due: state === "no_target" ? null : new Date(Date.parse(start) + 4 * 3600_000).toISOString(),
          stoppedAt: state === "running" ? null : new Date(Date.parse(start) + 3600_000).toISOString(),
        });
      }
    }
    for (let i = 0; i < clocks.length; i += 5000) await store.write(clocks.slice(i, i + 5000));
    started = performance.now();
    const doc = await buildSlaReport({
      pack,
      time,
      from: "2026-01-01",
      to: "2027-01-01",
      by: ["type", "priority", "line"],
      now: Date.parse("2026-12-01T00:00:00Z"),
      source: { store },
    });
    const reportMs = performance.now() - started;
    console.log(
      `  SLA report over 100,000 tickets (300,000 clocks, ${doc.rows.length} rows, 12-month trend): ${(reportMs / 1000).toFixed(2)} s  (target ≤ 2 s: ${reportMs <= 2000 ? "met" : "MISSED"})`,
    );

    const events = Number(process.env.PIPELINE_EVENTS ?? 2000);
    const off = await measurePipeline(events);
    const on = await measurePipeline(events, { url: db.url });
    const ratio = on.rate / off.rate;
    console.log(
      `  pipeline, ${events.toLocaleString("en-US")} events: history off ${Math.round(off.rate)} events/s, on (PostgreSQL) ${Math.round(on.rate)} events/s — ratio ${ratio.toFixed(2)}  (target ≥ 0.9: ${ratio >= 0.9 ? "met" : "MISSED"})`,
    );
  } finally {
    await store.close();
    await db.drop();
  }
}
