import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import type { WorkItem } from "../../src/queue/inspect.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { bridgeTestEnvironment, testAuth, until } from "../helpers/bridge-http.js";
import { cli } from "../helpers/cli.js";
import { fakeIssue, fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";
import { silentLogger } from "../helpers/logger.js";
import { testRedisUrl } from "../helpers/redis.js";
import { statefulFakeTracker } from "../helpers/stateful-fake-tracker.js";

/** Stuck work is visible without reading Redis: `GET /api/queues`, `reglament events`, `reglament decisions`. */
const TRACKER = "https://tracker.test";
const redisUrl = testRedisUrl(13);
let bridge: RunningBridge | undefined;

bridgeTestEnvironment(redisUrl, async () => {
  await bridge?.shutdown.run("test end");
  bridge = undefined;
});

const queues = async (query = "") =>
  (await bridge!.app.inject({ method: "GET", url: `/api/queues${query}`, headers: testAuth })).json() as {
    queues: { queue: string; delayed: number; failed: number }[];
    jobs: WorkItem[];
  };

describe("stuck work", () => {
  it("an event whose tracker fetch keeps failing: retrying with its last answer, then dead; retried and dropped from the CLI", async () => {
    statefulFakeTracker(TRACKER, [fakeIssue()], ({ method }) =>
      method === "GET" ? { status: 500 } : undefined,
    );
    const prefix = `inspect${process.pid}`;
    bridge = await startBridge({
      config: fakeTrackerConfig(TRACKER, prefix, { retry: { attempts: 3, backoffMs: 1500 } }),
      configFile: "/tmp/reglament-test.yaml",
      env: { REDIS_URL: redisUrl },
      logger: silentLogger,
      registry: new AdapterRegistry([fakeTrackerFactory]),
    });
    const ref = { tracker: "gitlab" as const, instance: "shop", project: "support", id: "101" };
    await bridge.pipeline.enqueue("shop", [{ deliveryId: "stuck-1", ref }], "reconcile");

    const retrying = await until(
      () => queues(),
      (q) => q.jobs.some((j) => j.state === "retrying"),
    );
    expect(retrying.jobs).toEqual([
      expect.objectContaining({
        kind: "event",
        instance: "shop",
        ticket: "101",
        deliveryId: "stuck-1",
        state: "retrying",
        tries: 1,
        lastError: expect.stringMatching(/get issue failed with HTTP 500/),
      }),
    ]);

    const file = join(tmpdir(), `reglament-inspect-${process.pid}.yaml`);
    writeFileSync(
      file,
      `redis: { url: "${redisUrl}", keyPrefix: ${prefix} }\npipeline: { partitions: 2 }\ntrackers:\n  shop: { kind: gitlab, baseUrl: "${TRACKER}", token: t, bridgeUser: reglament-bot, projects: { support: { pack: sevastopol-miac } } }\n`,
    );
    const listed = await cli("events", "list", "--config", file);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(
      /^retrying\tevent\tshop\t101\t\S+\tqueued \S+, 1 failed try since \S+ — last: .*HTTP 500/m,
    );
    const decisions = await cli("decisions", "--ticket", "shop/101", "--config", file);
    expect(decisions.out).toMatch(/^pending: retrying\tevent\tshop\t101/m);
    expect(decisions.out).toMatch(/event retrying after 1 failed try/);

    const dead = await until(
      () => queues("?state=failed"),
      (q) => q.jobs.length === 1,
      15_000,
    );
    expect(dead.jobs[0]).toMatchObject({
      state: "dead",
      tries: 3,
      lastError: expect.stringMatching(/gave up after 3 tries/),
    });
    expect((await cli("events", "list", "--state", "failed", "--config", file)).out).toMatch(
      /^dead\tevent\tshop\t101/m,
    );
    expect((await cli("events", "list", "--state", "paused", "--config", file)).code).toBe(2);
    expect((await cli("events", "retry", "--all", "--config", file)).out).toBe("queued again: 1\n");
    await until(
      () => queues("?state=failed"),
      (q) => q.jobs.length === 1 && q.jobs[0]!.tries === 1,
      15_000,
    );
    await until(
      () => queues("?state=failed"),
      (q) => q.jobs.length === 1,
      15_000,
    );
    expect((await cli("events", "drop", "--all", "--config", file)).out).toBe("deleted: 1\n");
    expect((await cli("events", "list", "--config", file)).out).toBe(
      "no event or write-back is waiting, retrying or dead\n",
    );
    expect((await cli("events", "retry", "nope", "--config", file)).code).toBe(2);
    expect(
      (await bridge.app.inject({ method: "GET", url: "/api/queues?state=bogus", headers: testAuth }))
        .statusCode,
    ).toBe(400);
  }, 60_000);
});
