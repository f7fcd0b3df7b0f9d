import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { historyRecords } from "../../src/history/records.js";
import { packageRoot } from "../../src/paths.js";
import { freeLoopbackPort } from "../../src/redis/local-server.js";
import { until } from "../helpers/bridge-http.js";
import { cli, type ServeProcess, startServe } from "../helpers/cli.js";
import { seededHistoryBridge } from "../helpers/history-bridge.js";
import { deleteKeysOf, testRedisUrl } from "../helpers/redis.js";

/**
 * The embedded history store is the running bridge's (one process at a time): cross-ticket
 * `reglament decisions` then asks that bridge's GET /api/decisions with a token of the
 * configuration, and says what to do when it has none.
 */
const dir = mkdtempSync(join(tmpdir(), "reglament-decisions-bridge-"));
const file = join(dir, "reglament.yaml");
const prefix = `cli-bridge-${process.pid}`;
const token = "a-viewer-token-for-the-cli-test-0123456789";
let serve: ServeProcess;

beforeAll(async () => {
  const store = await seededHistoryBridge({ file, dir, prefix, pack: "sevastopol-miac" });
  await store.write(
    historyRecords("sev", "7", {
      type: "decisions",
      at: "2026-03-09T10:00:00+03:00",
      deliveryId: "d-7",
      pack: "sevastopol-miac",
      mode: "dry-run",
      writeback: "none",
      decisions: [
        {
          rule: "impact-priority-matrix",
          pack: "sevastopol-miac",
          outcome: "violation",
          message: "Приоритет должен быть «Неотложный»",
          citation: "п. 3.2",
          actions: [],
          alerts: [],
        },
      ],
    }),
  );
  await store.close();
  serve = await startServe(
    process.execPath,
    [join(packageRoot, "bin/reglament.js"), "serve", "--config", file, "--role", "ingest"],
    { env: { REDIS_URL: testRedisUrl(2), REGLAMENT_TEST_VIEWER_TOKEN: token } },
  );
  // The bridge opens the store a moment after it listens: a CLI call in that gap would take it first.
  const lock = join(dir, "history", "reglament-history.lock");
  const held = async () => existsSync(lock) && readFileSync(lock, "utf8").includes(`${serve!.pid}`);
  expect(await until(held, Boolean, 30_000)).toBe(true);
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  const redis = new Redis(testRedisUrl(2));
  await deleteKeysOf(redis, prefix);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function decisions(env: string | undefined, ...args: string[]) {
  return withToken(env, () => cli("decisions", "--config", file, "--bridge-url", serve.address, ...args));
}

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

describe("decisions while the bridge holds the embedded history", () => {
  it("reads them through the bridge's API with the configuration's viewer token", async () => {
    const r = await decisions(
      token,
      "--rule",
      "impact-priority-matrix",
      "--since",
      "2026-03-09T00:00:00+03:00",
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^2026-03-09T07:00:00\.000Z sev\/7 — sevastopol-miac \(dry-run\)/);
    expect(r.out).toMatch(/violation \[impact-priority-matrix\] Приоритет должен быть «Неотложный»/);
  });

  it("without a token to show, says why it cannot and how to give one", async () => {
    const r = await decisions(undefined, "--rule", "impact-priority-matrix");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^REG_HISTORY_IN_USE: the embedded history store in .* is in use by the process with pid \d+/,
    );
    expect(r.err).toMatch(
      /server\.auth\.tokens with its token from the environment, set for both the bridge and this command/,
    );
  });

  it("a bridge that does not answer where it is looked for: exit 3, and how to point elsewhere", async () => {
    const nobody = `http://127.0.0.1:${await freeLoopbackPort()}`;
    const r = await withToken(token, () =>
      cli("decisions", "--config", file, "--bridge-url", nobody, "--rule", "impact-priority-matrix"),
    );
    expect(r.code).toBe(3);
    expect(r.err).toMatch(
      /^REG_HISTORY_UNAVAILABLE: the history store \(embedded, held by the bridge at http:\/\/127\.0\.0\.1:\d+\) does not answer: .*ECONNREFUSED.*--bridge-url gives another/,
    );
  });

  it("a token the bridge does not know: the refusal, named", async () => {
    const r = await decisions("another-token-entirely", "--rule", "impact-priority-matrix");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/refused the token of server\.auth\.tokens "cli" \(401\)/);
  });
});
