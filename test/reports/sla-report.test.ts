import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ruleCatalogue } from "../../policies/rules/index.js";
import { Ticket, type TicketInput } from "../../src/domain/ticket.js";
import { loadPack } from "../../src/engine/pack-loader.js";
import { openEmbedded, openPostgres } from "../../src/history/database.js";
import { historyStreams } from "../../src/history/hand-off.js";
import { HistoryStore } from "../../src/history/store.js";
import { HistoryWriter, historyStoredChannel } from "../../src/history/writer.js";
import { connectRedis } from "../../src/redis/connection.js";
import { KeySpace } from "../../src/redis/key-space.js";
import { buildSlaReport } from "../../src/reports/build.js";
import { csvField, renderSlaReport } from "../../src/reports/format.js";
import type { SlaRow } from "../../src/reports/sla-report.js";
import { packTime } from "../../src/sla/pack-sla.js";
import { SlaScheduler } from "../../src/sla/scheduler.js";
import { SlaService } from "../../src/sla/service.js";
import { until } from "../helpers/bridge-http.js";
import { cli } from "../helpers/cli.js";
import { silentLogger } from "../helpers/logger.js";
import { testDatabase } from "../helpers/postgres.js";
import { testRedisUrl } from "../helpers/redis.js";

/**
 * A month of Krasnoyarsk tickets (Mon–Fri 08:30–17:30, lunch 13:00–14:00, the Russian
 * production calendar: 9 March 2026 is a day off), with the report's counts computed by hand.
 */
const pack = loadPack("krasnoyarsk-kmiac", { rules: ruleCatalogue });
// The regulation pauses nothing; this deployment pauses while waiting for the initiator.
const pausing = { sla: { pauseStatuses: ["waiting"] } };
const time = packTime(pack, pausing);
const NOW = Date.parse("2026-03-31T12:00:00+07:00");
const l1 = { id: "pltp", line: 1 as const };
const status = (from: string, to: string, at: string) => ({
  field: "status",
  from,
  to,
  by: { id: "dev" },
  at,
});
const make = (id: string, over: Partial<TicketInput>): Ticket =>
  Ticket.parse({
    ref: {
      tracker: "yandex",
      instance: "kmiac",
      project: "KMIAC",
      id,
      url: `https://tracker.yandex.ru/${id}`,
    },
    title: "Не формируется реестр",
    type: "Ошибка",
    priority: "high",
    status: "inProgress",
    reporter: { id: "mo-user" },
    ...over,
    comments: [
      {
        id: `${id}-c`,
        author: l1,
        body: "Принято",
        createdAt: over.createdAt!.replace(":00:00+07", ":10:00+07"),
      },
    ],
  });

const tickets = [
  // Met: 2 working hours of the 4 h target.
  make("T1", {
    createdAt: "2026-03-02T09:00:00+07:00",
    status: "resolved",
    history: [status("inProgress", "resolved", "2026-03-02T11:00:00+07:00")],
  }),
  // Breached: 7.5 h on the 3rd and 3.5 h on the 4th (11 h, 7 h over).
  make("T2", {
    createdAt: "2026-03-03T09:00:00+07:00",
    status: "resolved",
    history: [status("inProgress", "resolved", "2026-03-04T12:00:00+07:00")],
  }),
  // Breached while still open: running since the 5th.
  make("T3", { createdAt: "2026-03-05T09:00:00+07:00" }),
  // Paused across the weekend and the 9 March holiday: 30 min on Friday + 1 h on Tuesday = met.
  make("T4", {
    createdAt: "2026-03-06T16:00:00+07:00",
    status: "resolved",
    history: [
      status("inProgress", "waiting", "2026-03-06T16:30:00+07:00"),
      status("waiting", "inProgress", "2026-03-10T10:00:00+07:00"),
      status("inProgress", "resolved", "2026-03-10T11:00:00+07:00"),
    ],
  }),
  // Raised from normal to high while paused: the pause is kept, 1 h + 2 h = met within 4 h.
  make("T5", {
    createdAt: "2026-03-11T09:00:00+07:00",
    status: "resolved",
    history: [
      status("inProgress", "waiting", "2026-03-11T10:00:00+07:00"),
      { field: "priority", from: "normal", to: "high", by: { id: "dev" }, at: "2026-03-11T15:00:00+07:00" },
      status("waiting", "inProgress", "2026-03-12T09:00:00+07:00"),
      status("inProgress", "resolved", "2026-03-12T11:00:00+07:00"),
    ],
  }),
  // By agreement: «Прочее» has no target.
  make("T6", { createdAt: "2026-03-16T09:00:00+07:00", type: "Прочее", priority: "normal" }),
  // Open and not yet due: 14 working days for a normal error.
  make("T7", { createdAt: "2026-03-30T09:00:00+07:00", priority: "normal" }),
];

const row = (rows: SlaRow[], clock: string, type: string, priority: string) =>
  rows.find((r) => r.clock === clock && r.type === type && r.priority === priority);
const march = {
  pack,
  time,
  from: "2026-03-01",
  to: "2026-04-01",
  by: ["type", "priority"] as const,
  now: NOW,
};

describe("SLA report over a month of Krasnoyarsk tickets (offline, from the tickets' own history)", () => {
  it("counts met, breached (also still open past due), open and by agreement as computed by hand", async () => {
    const doc = await buildSlaReport({ ...march, source: { tickets } });
    expect(row(doc.rows, "resolution", "Ошибка", "high")).toMatchObject({
      tickets: 5,
      met: 3,
      breached: 2,
      open: 0,
      noTarget: 0,
      percentMet: 60,
      medianMinutes: 180,
    });
    const worst = row(doc.rows, "resolution", "Ошибка", "high")!.worst;
    expect(worst.map((w) => [w.ticket, w.open])).toEqual([
      ["T3", true],
      ["T2", false],
    ]);
    expect(worst[1]!.overrunMinutes).toBe(420);
    expect(row(doc.rows, "resolution", "Ошибка", "normal")).toMatchObject({
      tickets: 1,
      open: 1,
      percentMet: null,
    });
    expect(row(doc.rows, "resolution", "Прочее", "normal")).toMatchObject({ tickets: 1, noTarget: 1 });
    expect(row(doc.rows, "reaction-l1", "Ошибка", "high")).toMatchObject({
      met: 5,
      breached: 0,
      percentMet: 100,
      medianMinutes: 10,
    });
    expect(doc.trend.find((t) => t.month === "2026-03")).toMatchObject({ pack: "krasnoyarsk-kmiac" });
    expect(doc.trend).toHaveLength(12);
    expect(doc.trend.at(-1)!.month).toBe("2026-03");
  });

  it("JSON rows carry the documented fields; CSV keeps Cyrillic, quotes and line breaks; HTML is one page", async () => {
    const doc = await buildSlaReport({ ...march, source: { tickets } });
    const json = JSON.parse(renderSlaReport(doc, "json")) as Record<string, unknown>[];
    for (const key of [
      "pack",
      "clock",
      "type",
      "priority",
      "line",
      "tickets",
      "met",
      "breached",
      "noTarget",
      "percentMet",
    ])
      expect(json[0]).toHaveProperty(key);
    const text = renderSlaReport(doc, "csv");
    expect(text.startsWith("\uFEFFpack,clock,title,")).toBe(true);
    expect(text).toMatch(/krasnoyarsk-kmiac,resolution,Срок решения,Ошибка,high,all,5,3,2,0,0,60,180,/);
    expect(csvField('Ответ "да",\nи ещё')).toBe('"Ответ ""да"",\nи ещё"');
    const html = renderSlaReport(doc, "html");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toMatch(/<a href="https:\/\/tracker\.yandex\.ru\/T3">T3<\/a>/);
    expect(html).not.toMatch(/<script|<link /);
  });

  it("reglament report sla prints the same from ticket files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reglament-report-"));
    try {
      const file = join(dir, "march.json");
      writeFileSync(file, JSON.stringify(tickets));
      const config = join(dir, "reglament.yaml");
      writeFileSync(
        config,
        `trackers: {}\npacks:\n  krasnoyarsk-kmiac:\n    sla: ${JSON.stringify(pausing.sla)}\n`,
      );
      const r = await cli(
        "report",
        "sla",
        "--config",
        config,
        "--pack",
        "krasnoyarsk-kmiac",
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-01",
        "--by",
        "type,priority",
        "--now",
        "2026-03-31T12:00:00+07:00",
        "--format",
        "json",
        file,
      );
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/--from 2026-03-01 has no offset; read in the pack's zone Asia\/Krasnoyarsk/);
      const rows = JSON.parse(r.out) as SlaRow[];
      expect(row(rows, "resolution", "Ошибка", "high")).toMatchObject({
        met: 3,
        breached: 2,
        percentMet: 60,
      });
      const text = await cli(
        "report",
        "sla",
        "--config",
        config,
        "--pack",
        "krasnoyarsk-kmiac",
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-01",
        "--now",
        "2026-03-31T12:00:00+07:00",
        file,
      );
      expect(text.out).toMatch(
        /^SLA compliance — krasnoyarsk-kmiac, clocks started 2026-03-01T00:00:00\+07:00 … 2026-04-01T00:00:00\+07:00/,
      );
      expect(text.out).toMatch(/resolution\s+Ошибка\s+high\s+—\s+5\s+3\s+2\s+0\s+0\s+60 %/);
      expect(
        (
          await cli(
            "report",
            "sla",
            "--pack",
            "krasnoyarsk-kmiac",
            "--from",
            "2026-03-01",
            "--to",
            "2026-04-01",
            "--by",
            "colour",
            file,
          )
        ).err,
      ).toMatch(/expected a comma-separated list of type, priority, line/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The same month through the SLA service's hand-off and the history writer, on both databases. */
describe.each([
  [
    "PostgreSQL",
    async () => {
      const db = await testDatabase("reglament_report");
      return { store: () => openPostgres(db.url).then((d) => new HistoryStore(d)), cleanup: db.drop };
    },
  ],
  [
    "PGlite",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "reglament-report-pglite-"));
      return {
        store: () => openEmbedded(dir).then((d) => new HistoryStore(d)),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
] as const)("SLA report from the history on %s", (name, backend) => {
  const prefix = `report-${name}-${process.pid}`;
  const keys = new KeySpace(prefix, 4);
  let redis: Awaited<ReturnType<typeof connectRedis>>;
  let env: Awaited<ReturnType<typeof backend>>;
  let writer: HistoryWriter;
  beforeAll(async () => {
    redis = await connectRedis(testRedisUrl(15));
    env = await backend();
    writer = new HistoryWriter({
      redis,
      streams: historyStreams(keys),
      storedChannel: historyStoredChannel(keys),
      open: async () => {
        const s = await env.store();
        await s.migrate();
        return s;
      },
      logger: silentLogger,
      batchSize: 3,
    });
    writer.start();
  }, 120_000);
  afterAll(async () => {
    await writer.close();
    const written = [...(await redis.keys(`${prefix}*`)), ...(await redis.keys(`{${prefix}*`))];
    if (written.length) await redis.del(...written);
    redis.disconnect();
    await env.cleanup();
  });

  it("the service hands each clock's state to the history; the report from it equals the offline one", async () => {
    const scheduler = new SlaScheduler(redis, keys, silentLogger);
    const service = new SlaService({
      scheduler,
      redis,
      keys,
      source: async () => undefined,
      sink: async () => {},
      publish: async () => {},
      logger: silentLogger,
      now: () => NOW,
      history: { keys, maxBacklog: 10_000 },
    });
    // Each ticket is tracked twice (a change and its due job): the states are stored once.
    for (const t of [...tickets, ...tickets]) await service.track({ ticket: t, pack, time });
    await scheduler.close();
    await until(
      async () => writer.status(),
      (s) => s.state === "writing" && s.backlog === 0,
      60_000,
    );
    const store = writer.store();
    const fromHistory = await buildSlaReport({ ...march, source: { store } });
    const offline = await buildSlaReport({ ...march, source: { tickets } });
    expect(fromHistory.rows).toEqual(offline.rows);
    expect(fromHistory.trend).toEqual(offline.trend);
    const stored = await store.count("clock");
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThanOrEqual(tickets.length * 4);
  }, 120_000);
});
