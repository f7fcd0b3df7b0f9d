import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../src/history/database.js";
import { historyRecords } from "../../src/history/records.js";
import { HistoryStore } from "../../src/history/store.js";
import { cli } from "../helpers/cli.js";
import { testDatabase } from "../helpers/postgres.js";

/** `reglament decisions` across tickets and `reglament history` against a PostgreSQL history. */
const file = join(tmpdir(), `reglament-history-cli-${process.pid}.yaml`);
let drop: () => Promise<void>;

beforeAll(async () => {
  const db = await testDatabase("reglament_history_cli");
  drop = db.drop;
  writeFileSync(
    file,
    `history: { url: "${db.url}" }\ntrackers:\n  sev: { kind: mantis, baseUrl: "https://mantis.test", token: t, bridgeUser: reglament, projects: { "1": { pack: sevastopol-miac } } }\n`,
  );
  const migrated = await cli("history", "migrate", "--config", file);
  expect(migrated.out).toMatch(/schema at version 2 \(migrations 1, 2\)/);
  const store = new HistoryStore(await openPostgres(db.url));
  const decided = (id: string, at: string, rule: string, message: string) =>
    historyRecords("sev", id, {
      type: "decisions",
      at,
      deliveryId: `d-${id}`,
      pack: "sevastopol-miac",
      mode: "enforce",
      writeback: "queued",
      decisions: [
        {
          rule,
          pack: "sevastopol-miac",
          outcome: "violation",
          message,
          citation: "п. 3.2",
          actions: [],
          alerts: [],
        },
      ],
    });
  await store.write([
    ...decided(
      "1",
      "2026-03-02T10:00:00+03:00",
      "impact-priority-matrix",
      "Приоритет исправлен на «Неотложный»",
    ),
    ...decided("2", "2026-03-09T10:00:00+03:00", "impact-priority-matrix", 'Ответ "да",\nи ещё'),
    ...decided("3", "2026-03-10T10:00:00+03:00", "required-fields", "Заполните «Тема»"),
  ]);
  await store.close();
}, 60_000);
afterAll(async () => drop());

describe("decisions across tickets, from the history", () => {
  it("by rule and since a date in the pack's zone, newest first", async () => {
    const r = await cli(
      "decisions",
      "--config",
      file,
      "--rule",
      "impact-priority-matrix",
      "--since",
      "2026-03-05",
      "--pack",
      "sevastopol-miac",
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/--since 2026-03-05 has no offset; read in the pack's zone Europe\/Simferopol/);
    expect(r.out).toMatch(/^2026-03-09T07:00:00\.000Z sev\/2 — sevastopol-miac \(enforce\)/);
    expect(r.out).not.toMatch(/sev\/1 |sev\/3 /);
  });

  it("CSV for a spreadsheet: a BOM, Cyrillic, quotes and line breaks intact", async () => {
    const r = await cli("decisions", "--config", file, "--format", "csv");
    expect(
      r.out.startsWith(
        "\uFEFFat,instance,ticket,pack,mode,rule,outcome,message,citation,actions,writeback\r\n",
      ),
    ).toBe(true);
    expect(r.out).toMatch(/,"Ответ ""да"",\nи ещё",/);
    expect(r.out.split("\r\n").filter(Boolean)).toHaveLength(4);
  });

  it("history export writes a table as CSV or JSON lines", async () => {
    const out = join(tmpdir(), `reglament-export-${process.pid}.csv`);
    const r = await cli(
      "history",
      "export",
      "--config",
      file,
      "--since",
      "2026-03-01T00:00:00+03:00",
      "--out",
      out,
    );
    expect(r.err).toBe(`3 rows of decisions written to ${out}\n`);
    const csv = readFileSync(out, "utf8");
    expect(csv).toMatch(
      /^\uFEFFkey,seq,at,instance,project,ticket,pack,mode,delivery_id,rule,outcome,message/,
    );
    const json = await cli(
      "history",
      "export",
      "--config",
      file,
      "--since",
      "2026-03-09T00:00:00+03:00",
      "--format",
      "json",
    );
    const lines = json.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.ticket)).toEqual(["2", "3"]);
    expect(
      (await cli("history", "export", "--config", file, "--since", "2026-03-01", "--table", "nope")).err,
    ).toMatch(/Allowed choices are ticket_versions, decisions/);
  });
});

describe("a date without an offset is read in the pack's zone, never in UTC", () => {
  // Ticket 2's decision is at 07:00Z: 10:00 in Simferopol (+03), 14:00 in Krasnoyarsk (+07).
  it("decisions: the configuration's only pack's zone, with no --pack", async () => {
    const r = await cli("decisions", "--config", file, "--until", "2026-03-09T09:30", "--format", "json");
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      "note: --until 2026-03-09T09:30 has no offset; read in the pack's zone Europe/Simferopol: 2026-03-09T09:30:00+03:00\n",
    );
    expect(JSON.parse(r.out).map((d: { ticket: string }) => d.ticket)).toEqual(["1"]);
  });

  it("decisions: with several packs, --pack's zone, else the first pack's, and the note says which", async () => {
    const several = join(tmpdir(), `reglament-history-cli-packs-${process.pid}.yaml`);
    writeFileSync(several, `${readFileSync(file, "utf8")}packs: { krasnoyarsk-kmiac: {} }\n`);
    const first = await cli(
      "decisions",
      "--config",
      several,
      "--until",
      "2026-03-09T13:30",
      "--format",
      "json",
    );
    expect(first.err).toBe(
      "note: --until 2026-03-09T13:30 has no offset; read in the zone of krasnoyarsk-kmiac, the first of the configuration's packs (--pack names another), Asia/Krasnoyarsk: 2026-03-09T13:30:00+07:00\n",
    );
    expect(JSON.parse(first.out).map((d: { ticket: string }) => d.ticket)).toEqual(["1"]);
    const named = await cli(
      "decisions",
      ...[
        "--config",
        several,
        "--until",
        "2026-03-09T13:30",
        "--pack",
        "sevastopol-miac",
        "--format",
        "json",
      ],
    );
    expect(named.err).toMatch(/read in the pack's zone Europe\/Simferopol: 2026-03-09T13:30:00\+03:00/);
    expect(JSON.parse(named.out).map((d: { ticket: string }) => d.ticket)).toEqual(["2", "1"]);
  });

  it("history export: the same", async () => {
    const r = await cli(
      "history",
      ...["export", "--config", file, "--since", "2026-03-09T09:30", "--format", "json"],
    );
    expect(r.err).toMatch(
      /^note: --since 2026-03-09T09:30 has no offset; read in the pack's zone Europe\/Simferopol: 2026-03-09T09:30:00\+03:00\n/,
    );
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.ticket)).toEqual(["2", "3"]);
  });
});
