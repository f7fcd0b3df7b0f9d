import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClockRecord, recordKey } from "../../src/history/records.js";
import { packageRoot } from "../../src/paths.js";
import { until } from "../helpers/bridge-http.js";
import { cli, type ServeProcess, startServe } from "../helpers/cli.js";
import { seededHistoryBridge } from "../helpers/history-bridge.js";
import { deleteKeysOf, testRedisUrl } from "../helpers/redis.js";

/**
 * While the bridge holds the embedded history, `reglament report sla` reads the report
 * through its GET /api/reports/sla — the same output as the local path, in every format —
 * and `history export`, which has no API, says what to do.
 */
const dir = mkdtempSync(join(tmpdir(), "reglament-report-bridge-"));
const file = join(dir, "reglament.yaml");
const prefix = `cli-report-bridge-${process.pid}`;
const token = "a-viewer-token-for-the-report-test-0123456789";
const formats = ["text", "csv", "json", "html"] as const;
const local = new Map<string, string>();
let serve: ServeProcess;

const clock = (
  ticket: string,
  state: string,
  start: string,
  stoppedAt: string,
  elapsedH: number,
): ClockRecord => ({
  kind: "clock",
  key: recordKey("sev", ticket, "clock", "resolution", state),
  at: stoppedAt,
  instance: "sev",
  project: "1",
  ticket,
  url: null,
  pack: "krasnoyarsk-kmiac",
  clock: "resolution",
  clockKind: "resolution",
  title: "Срок решения",
  type: "Ошибка",
  priority: "high",
  line: 1,
  start,
  state,
  targetMs: 4 * 3_600_000,
  elapsedMs: elapsedH * 3_600_000,
  pausedMs: 0,
  due: new Date(Date.parse(start) + 4 * 3_600_000).toISOString(),
  stoppedAt,
});

const report = (format: string, ...more: string[]) =>
  cli(
    "report",
    "sla",
    "--config",
    file,
    "--pack",
    "krasnoyarsk-kmiac",
    "--from",
    "2026-03-01",
    "--to",
    "2026-04-01",
    "--format",
    format,
    ...more,
  );

// The HTML page says when it was generated: the one line that differs between two runs.
const undated = (html: string) => html.replace(/generated \S+\./, "generated ….");

beforeAll(async () => {
  const store = await seededHistoryBridge({ file, dir, prefix, pack: "krasnoyarsk-kmiac" });
  await store.write([
    clock("1", "met", "2026-03-10T09:00:00+07:00", "2026-03-10T11:00:00+07:00", 2),
    clock("2", "breached", "2026-03-11T09:00:00+07:00", "2026-03-12T12:00:00+07:00", 11),
  ]);
  await store.close();
  // The local path, while nothing holds the store.
  for (const format of formats) {
    const r = await report(format);
    expect(r.code, r.err).toBe(0);
    local.set(format, r.out);
  }
  serve = await startServe(
    process.execPath,
    [join(packageRoot, "bin/reglament.js"), "serve", "--config", file, "--role", "ingest"],
    { env: { REDIS_URL: testRedisUrl(2), REGLAMENT_TEST_VIEWER_TOKEN: token } },
  );
  // The bridge opens its history in the background: the CLI must not take it first.
  const lock = join(dir, "history", "reglament-history.lock");
  const held = async () => existsSync(lock) && readFileSync(lock, "utf8").includes(`${serve.pid}`);
  expect(await until(held, Boolean, 30_000)).toBe(true);
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  const redis = new Redis(testRedisUrl(2));
  await deleteKeysOf(redis, prefix);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function withToken<T>(env: string | undefined, run: () => Promise<T>): Promise<T> {
  const before = process.env.REGLAMENT_TEST_VIEWER_TOKEN;
  if (env === undefined) delete process.env.REGLAMENT_TEST_VIEWER_TOKEN;
  else process.env.REGLAMENT_TEST_VIEWER_TOKEN = env;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.REGLAMENT_TEST_VIEWER_TOKEN;
    else process.env.REGLAMENT_TEST_VIEWER_TOKEN = before;
  }
}

describe("report sla and history export while the bridge holds the embedded history", () => {
  it("report sla through the bridge prints what the local path printed, in every format; --out too", async () => {
    const json = JSON.parse(local.get("json")!) as { clock: string; met: number; breached: number }[];
    expect(json.find((r) => r.clock === "resolution")).toMatchObject({ met: 1, breached: 1 });
    for (const format of formats) {
      const r = await withToken(token, () => report(format, "--bridge-url", serve.address));
      expect(r.err).not.toMatch(/REG_/);
      expect(r.code).toBe(0);
      if (format === "html") expect(undated(r.out)).toBe(undated(local.get(format)!));
      else expect(r.out).toBe(local.get(format));
    }
    const out = join(dir, "report.csv");
    const r = await withToken(token, () => report("csv", "--bridge-url", serve.address, "--out", out));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(`written: ${out}\n`);
    expect(readFileSync(out, "utf8")).toBe(local.get("csv"));
  });

  it("report sla without a token to show: REG_HISTORY_IN_USE and how to give one", async () => {
    const r = await withToken(undefined, () => report("text", "--bridge-url", serve.address));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^REG_HISTORY_IN_USE: /m);
    expect(r.err).toMatch(/server\.auth\.tokens with its token from the environment/);
  });

  it("history export says it cannot read through the bridge and what to do", async () => {
    const r = await withToken(token, () =>
      cli("history", "export", "--config", file, "--since", "2026-03-01T00:00:00+07:00"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^REG_HISTORY_IN_USE: the embedded history store in .* is in use by the process with pid \d+ \(one process at a time\)\n/,
    );
    expect(r.err).not.toMatch(/GET \/api\/decisions/);
    expect(r.err).toMatch(/stop the bridge .*, run this export, then start the bridge again/);
    expect(r.err).toMatch(/history\.url to a PostgreSQL database/);
  });
});
