import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { bridgeTestEnvironment, testAuth, until } from "../helpers/bridge-http.js";
import { fakeIssue, fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";
import { silentLogger } from "../helpers/logger.js";
import { testDatabase } from "../helpers/postgres.js";
import { testRedisUrl } from "../helpers/redis.js";
import { statefulFakeTracker } from "../helpers/stateful-fake-tracker.js";

/**
 * The pipeline hands its records to the history through Redis and never waits for the
 * database: decisions reach PostgreSQL (or the embedded store), a database outage loses
 * nothing and stores nothing twice, and /readyz names a history that is behind.
 */
const TRACKER = "https://tracker.test";
const redisUrl = testRedisUrl(14);
let bridge: RunningBridge | undefined;
let n = 0;

bridgeTestEnvironment(redisUrl, async () => {
  await bridge?.shutdown.run("test end");
  bridge = undefined;
});

const ref = (id: string) => ({ tracker: "gitlab" as const, instance: "shop", project: "support", id });
async function start(history: Record<string, unknown>, alerts?: Record<string, unknown>) {
  bridge = await startBridge({
    config: fakeTrackerConfig(TRACKER, `hist${process.pid}x${n++}`, {
      mode: "dry-run",
      history,
      ...(alerts ? { alerts } : {}),
    }),
    configFile: "/tmp/reglament-test.yaml",
    env: { REDIS_URL: redisUrl },
    logger: silentLogger,
    registry: new AdapterRegistry([fakeTrackerFactory]),
  });
  return bridge;
}
const api = async (url: string) =>
  (await bridge!.app.inject({ method: "GET", url, headers: testAuth })).json() as {
    decisions: { ticket: string; rule: string; outcome: string; mode: string }[];
    next?: string;
    status?: string;
    checks?: Record<string, string>;
    error?: string;
  };

describe("history through the pipeline", () => {
  const db = testDatabase("reglament_pipeline_history");
  afterAll(async () => (await db).drop());

  it("PostgreSQL: every decision is stored once, also across an outage of the database during the load", async () => {
    const { url, setConnections } = await db;
    const ids = Array.from({ length: 12 }, (_, i) => String(200 + i));
    statefulFakeTracker(
      TRACKER,
      ids.map((id) => fakeIssue({ id })),
    );
    // The supervisors' endpoint hears once that the history is behind.
    const heard: { type: string; message: string }[] = [];
    const endpoint = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        heard.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((ok) => endpoint.listen(0, "127.0.0.1", ok));
    const port = (endpoint.address() as AddressInfo).port;
    await start(
      { url, batchSize: 5, alertBacklog: 3 },
      {
        endpoints: [
          {
            name: "supervisors",
            url: `http://127.0.0.1:${port}/hook`,
            secret: "supervisor-secret",
            events: ["history.behind"],
          },
        ],
      },
    );
    await bridge!.pipeline.enqueue(
      "shop",
      ids.slice(0, 4).map((id) => ({ deliveryId: `a-${id}`, ref: ref(id) })),
      "reconcile",
    );
    await until(
      () => api("/api/decisions?rule=impact-priority-matrix&limit=100"),
      (p) => p.decisions?.length === 4,
      30_000,
    );

    // The database goes away; the bridge keeps deciding, the records wait in Redis.
    await setConnections(false);
    try {
      await bridge!.pipeline.enqueue(
        "shop",
        ids.slice(4).map((id) => ({ deliveryId: `b-${id}`, ref: ref(id) })),
        "reconcile",
      );
      const behind = await until(
        async () => await bridge!.app.inject({ method: "GET", url: "/readyz" }),
        (r) => /behind: \d+ records wait in Redis/.test(r.json().checks?.history ?? ""),
        30_000,
      );
      // A history that is behind loses nothing: the bridge stays ready.
      expect(behind.statusCode).toBe(200);
    } finally {
      await setConnections(true);
    }
    const all = await until(
      () => api("/api/decisions?rule=impact-priority-matrix&limit=100"),
      (p) => p.decisions?.length === 12,
      60_000,
    );
    expect(new Set(all.decisions.map((d) => d.ticket))).toEqual(new Set(ids));
    expect(all.decisions.every((d) => d.outcome === "violation" && d.mode === "dry-run")).toBe(true);
    // The same deliveries again (a replay): nothing stored twice.
    await bridge!.pipeline.enqueue(
      "shop",
      ids.slice(0, 4).map((id) => ({ deliveryId: `a-${id}`, ref: ref(id) })),
      "reconcile",
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      (await api("/api/decisions?limit=1000")).decisions.filter((d) => d.rule === "impact-priority-matrix"),
    ).toHaveLength(12);
    expect((await api("/readyz")).checks?.history).toBe("ok");
    expect(heard).toEqual([
      expect.objectContaining({
        type: "history.behind",
        message: expect.stringMatching(/records wait in Redis/),
      }),
    ]);
    endpoint.close();
  }, 120_000);

  it("the embedded store keeps the history across restarts; bad queries are named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reglament-pipeline-history-"));
    try {
      statefulFakeTracker(TRACKER, [fakeIssue({ id: "301" })]);
      await start({ dataDir: dir });
      await bridge!.pipeline.enqueue("shop", [{ deliveryId: "e-301", ref: ref("301") }], "reconcile");
      await until(
        () => api("/api/decisions?ticket=301"),
        (p) => (p.decisions?.length ?? 0) > 0,
        60_000,
      );
      await bridge!.shutdown.run("restart");

      await start({ dataDir: dir });
      const again = await until(
        () => api("/api/decisions?ticket=301"),
        (p) => (p.decisions?.length ?? 0) > 0,
        60_000,
      );
      // The per-ticket view carries the history beside the Redis cache.
      const perTicket = (
        await bridge!.app.inject({ method: "GET", url: "/api/tickets/shop/301/decisions", headers: testAuth })
      ).json();
      expect(perTicket.history.decisions[0]).toMatchObject({ ticket: "301", rule: "impact-priority-matrix" });
      expect(again.decisions[0]).toMatchObject({ ticket: "301", rule: "impact-priority-matrix" });
      expect(await api("/api/decisions?since=yesterday")).toMatchObject({ error: "REG_QUERY_INVALID" });
      expect(await api("/api/decisions?limit=0")).toMatchObject({ error: "REG_QUERY_INVALID" });
      expect(await api("/api/decisions?outcome=bad")).toMatchObject({ error: "REG_QUERY_INVALID" });
      const unauthorised = await bridge!.app.inject({ method: "GET", url: "/api/decisions" });
      expect(unauthorised.statusCode).toBe(401);
    } finally {
      await bridge?.shutdown.run("test end");
      bridge = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
