import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import { connectRedis } from "../../src/redis/connection.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { testAuth, until } from "../helpers/bridge-http.js";
import { type FakeIssue, fakeIssue, fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";
import { silentLogger } from "../helpers/logger.js";
import { deleteKeysOf, testRedisUrl } from "../helpers/redis.js";
import { statefulFakeTracker } from "../helpers/stateful-fake-tracker.js";

/** The audit through the API: started in the background by an operator, its progress and report read back. */
const TRACKER = "https://tracker.test";
// DB 2 is shared and never flushed: this file removes only its own keys.
const redisUrl = testRedisUrl(2);
const prefix = `auditapi${process.pid}`;
let bridge: RunningBridge | undefined;
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterEach(async () => {
  await bridge?.shutdown.run("test end");
  bridge = undefined;
  nock.cleanAll();
});
afterAll(async () => {
  const redis = await connectRedis(redisUrl);
  await deleteKeysOf(redis, prefix);
  redis.disconnect();
  nock.enableNetConnect();
});
/** The test tracker's listing, which the audit reads (reconciliation is not started here). */
const listing = (issues: FakeIssue[]) =>
  nock(TRACKER).get("/issues").query(true).reply(200, { issues, next: "" });

describe("POST /api/audit", () => {
  it("runs in the background; GET /api/audit/:id gives progress, then the report; nothing is written", async () => {
    const issues = [
      fakeIssue({ id: "501", updated_at: "2026-11-20T10:00:00+03:00" }),
      fakeIssue({ id: "502", impact: "minor", priority: "normal", updated_at: "2026-11-21T10:00:00+03:00" }),
    ];
    const tracker = statefulFakeTracker(TRACKER, issues);
    bridge = await startBridge({
      config: fakeTrackerConfig(TRACKER, prefix, { writesPerSecond: 50 }),
      configFile: "/tmp/reglament-test.yaml",
      env: { REDIS_URL: redisUrl },
      logger: silentLogger,
      registry: new AdapterRegistry([fakeTrackerFactory]),
    });
    const post = (payload: unknown, headers: Record<string, string> = testAuth) =>
      bridge!.app.inject({ method: "POST", url: "/api/audit", headers, payload: payload as object });
    listing(issues);
    const started = await post({ instance: "shop", since: "2026-11-01", until: "2026-12-01" });
    expect(started.statusCode).toBe(202);
    const { id } = started.json() as { id: string };
    const done = await until(
      async () =>
        (await bridge!.app.inject({ method: "GET", url: `/api/audit/${id}`, headers: testAuth })).json(),
      (j) => j.status !== "running",
    );
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ status: "done", instance: "shop", report: { tickets: 2 } });
    expect(done.report.findings).toEqual([
      expect.objectContaining({ ticket: "501", rule: "impact-priority-matrix", outcome: "violation" }),
    ]);
    expect(tracker.writes()).toEqual([]);

    expect((await post({ instance: "nope", since: "30d" })).json()).toMatchObject({
      error: "REG_UNKNOWN_INSTANCE",
    });
    expect((await post({ instance: "shop", since: "last week" })).json()).toMatchObject({
      error: "REG_QUERY_INVALID",
    });
    expect(
      (await bridge.app.inject({ method: "GET", url: "/api/audit/none", headers: testAuth })).statusCode,
    ).toBe(404);
  });
});
