import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmbedded, openPostgres } from "../../src/history/database.js";
import { migrations } from "../../src/history/migrations.js";
import { historyRecords } from "../../src/history/records.js";
import { HistoryStore } from "../../src/history/store.js";
import type { LogEntry } from "../../src/queue/decision-log.js";
import { testDatabase } from "../helpers/postgres.js";
import { ticket } from "../helpers/tickets.js";

const decided = (
  deliveryId: string,
  at: string,
  rule = "impact-priority-matrix",
  outcome = "violation",
): LogEntry => ({
  type: "decisions",
  at,
  deliveryId,
  pack: "sevastopol-miac",
  mode: "enforce",
  writeback: "queued",
  decisions: [
    {
      rule,
      pack: "sevastopol-miac",
      outcome: outcome as "violation",
      message: "Приоритет «Обычный» не соответствует влиянию «Блокирующий»; исправлен на «Неотложный».",
      citation: "«Регламент …» (000_f1822204844986a0.txt), п. 3.2",
      actions: [{ type: "setField", field: "priority", value: "immediate" }],
      alerts: [],
    },
  ],
});

/** The same suite on the machine's PostgreSQL and on the embedded PGlite. */
const backends: [string, () => Promise<{ store: HistoryStore; cleanup: () => Promise<void> }>][] = [
  [
    "PostgreSQL",
    async () => {
      const db = await testDatabase("reglament_history_store");
      return { store: new HistoryStore(await openPostgres(db.url)), cleanup: db.drop };
    },
  ],
  [
    "PGlite",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "reglament-history-"));
      return {
        store: new HistoryStore(await openEmbedded(dir)),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
];

describe.each(backends)("history store on %s", (_name, open) => {
  let store: HistoryStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await open());
  }, 120_000);
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it("migrates up from empty, and a second run (or another process) applies nothing", async () => {
    expect(await store.migrate()).toEqual([1, 2]);
    expect(await store.migrate()).toEqual([]);
    expect(await store.appliedVersions()).toEqual([1, 2]);
  });

  it("a record handed off twice is stored once; the ticket version holds no title or description", async () => {
    const t = ticket({
      title: "Иванов Иван, СНИЛС 112-233-445 95",
      ref: { tracker: "mantis", instance: "sev", project: "1", id: "7" },
    });
    const records = historyRecords("sev", "7", decided("d-1", "2026-03-02T10:00:00+03:00"), t);
    await store.write(records);
    await store.write(records);
    expect(await store.count("decision")).toBe(1);
    expect(await store.count("ticket_version")).toBe(1);
    const [row] = await store.db.query<Record<string, unknown>>("SELECT * FROM ticket_versions");
    expect(JSON.stringify(row)).not.toMatch(/Иванов|112-233/);
    expect(row).toMatchObject({ instance: "sev", ticket: "7", status: "new", priority: "high", labels: [] });
  });

  it("keeps Russian text, quotes and newlines as they are", async () => {
    const entry = decided("d-quotes", "2026-03-02T11:00:00+03:00", "required-fields");
    if (entry.type === "decisions")
      entry.decisions[0]!.message = 'Заполните «Тема»; "кавычки",\nи перевод строки';
    await store.write(historyRecords("sev", "8", entry));
    const page = await store.decisions({ ticket: "8" });
    expect(page.decisions[0]!.message).toBe('Заполните «Тема»; "кавычки",\nи перевод строки');
  });

  it("decisions across tickets by rule, outcome, time and instance, newest first and paged", async () => {
    for (let i = 0; i < 5; i++)
      await store.write(
        historyRecords(
          "sev",
          `p${i}`,
          decided(`page-${i}`, `2026-03-1${i}T09:00:00+03:00`, "status-kept-on-assign", "info"),
        ),
      );
    const first = await store.decisions({ rule: "status-kept-on-assign", limit: 2 });
    expect(first.decisions.map((d) => d.ticket)).toEqual(["p4", "p3"]);
    expect(first.next).toBeDefined();
    const second = await store.decisions({ rule: "status-kept-on-assign", limit: 2, before: first.next! });
    expect(second.decisions.map((d) => d.ticket)).toEqual(["p2", "p1"]);
    const last = await store.decisions({ rule: "status-kept-on-assign", limit: 2, before: second.next! });
    expect(last.decisions.map((d) => d.ticket)).toEqual(["p0"]);
    expect(last.next).toBeUndefined();
    const window = await store.decisions({
      outcome: "info",
      since: "2026-03-11",
      until: "2026-03-13T00:00:00+03:00",
    });
    expect(window.decisions.map((d) => d.ticket)).toEqual(["p2", "p1"]);
    expect((await store.decisions({ instance: "other" })).decisions).toEqual([]);
    expect(first.decisions[0]).toMatchObject({
      instance: "sev",
      pack: "sevastopol-miac",
      mode: "enforce",
      deliveryId: "page-4",
      outcome: "info",
      actions: [{ type: "setField", field: "priority", value: "immediate" }],
      at: "2026-03-14T06:00:00.000Z",
    });
  });

  it("write-back outcomes and ticket events", async () => {
    await store.write([
      ...historyRecords("sev", "9", {
        type: "writeback",
        at: "2026-03-02T12:00:00+03:00",
        deliveryId: "d-9",
        result: "partial",
        applied: 1,
        skipped: 0,
        refused: [
          {
            action: { type: "assign", to: "ivanov" },
            reason: "User does not have access right to handle issues",
          },
        ],
      }),
      ...historyRecords("sev", "9", {
        type: "own-change",
        at: "2026-03-02T12:00:01+03:00",
        deliveryId: "d-10",
        reason: "made by the bridge's account",
      }),
    ]);
    const [wb] = await store.db.query<Record<string, unknown>>(
      "SELECT result, applied, refused FROM writebacks",
    );
    expect(wb).toMatchObject({
      result: "partial",
      applied: 1,
      refused: [{ reason: "User does not have access right to handle issues" }],
    });
    expect(await store.count("ticket_event")).toBe(1);
  });
});

describe.each(backends)("history schema on %s", (_name, open) => {
  it("migrates up from the previous version, keeping what it holds", async () => {
    const { store, cleanup } = await open();
    try {
      const [first] = migrations;
      await store.db.query(
        "CREATE TABLE history_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
      );
      await store.db.script(
        `INSERT INTO history_migrations (version, name) VALUES (1, 'v1');\n${first!.sql}`,
      );
      await store.write(historyRecords("sev", "1", decided("old-1", "2026-01-10T10:00:00+03:00")));
      expect(await store.migrate()).toEqual([2]);
      expect(await store.appliedVersions()).toEqual([1, 2]);
      expect(await store.count("decision")).toBe(1);
      expect(await store.count("clock")).toBe(0);
    } finally {
      await store.close();
      await cleanup();
    }
  }, 120_000);
});

describe("personal data never reaches the history", () => {
  it("messages, notes and tracker answers are redacted before they are handed off", async () => {
    const { redactPersonalData } = await import("../../src/text/personal-data.js");
    const { redactRecord } = await import("../../src/history/records.js");
    const entry = decided("pd-1", "2026-03-02T10:00:00+03:00");
    if (entry.type === "decisions") {
      entry.decisions[0]!.message = "Пациент: СНИЛС 112-233-445 95, тел. +7 (391) 222-33-44";
      entry.decisions[0]!.actions = [
        { type: "comment", body: "Иванов Иван Иванович, 01.02.1960 г.р.", public: true },
      ];
    }
    const [record] = historyRecords("sev", "pd", entry).map((r) => redactRecord(r, redactPersonalData));
    const text = JSON.stringify(record);
    expect(text).not.toMatch(/112-233-445|222-33-44|Иванов|01\.02\.1960/);
    expect(text).toMatch(/\[snils\].*\[phone\]/);
  });
});

describe.each(backends)("retention on %s", (_name, open) => {
  it("deletes what is older than the retention, keeps the rest", async () => {
    const { store, cleanup } = await open();
    try {
      await store.migrate();
      await store.write([
        ...historyRecords("sev", "1", decided("old", "2020-01-10T10:00:00+03:00")),
        ...historyRecords("sev", "2", decided("new", "2026-03-10T10:00:00+03:00")),
      ]);
      expect(await store.prune("2025-01-01T00:00:00Z")).toBe(1);
      expect((await store.decisions()).decisions.map((d) => d.ticket)).toEqual(["2"]);
    } finally {
      await store.close();
      await cleanup();
    }
  }, 120_000);
});
