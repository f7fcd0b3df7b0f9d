import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AdapterRegistry, type TrackerAdapter } from "../../src/domain/adapter.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { connectRedis } from "../../src/redis/connection.js";
import { freeLoopbackPort } from "../../src/redis/local-server.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { TrackerHealth } from "../../src/runtime/tracker-health.js";
import { until } from "../helpers/bridge-http.js";
import { fakeIssue, fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";
import { capturingLogger } from "../helpers/logger.js";
import { deleteKeysOf, testRedisUrl } from "../helpers/redis.js";
import { statefulFakeTracker } from "../helpers/stateful-fake-tracker.js";

/** What an adapter throws: `status` null for no HTTP answer at all. */
const unavailable = (reason = "Service Unavailable", status: number | null = 503) =>
  new TrackerRequestError({
    instance: "shop",
    what: "get issue",
    ...(status ? { status } : {}),
    reason,
    retryable: status === null || status >= 500 || status === 429,
  });

/** An adapter whose fetchTicket answers what the test queues: a value, or an error to throw. */
function scriptedAdapter() {
  const answers: (Error | "ok" | Promise<"ok">)[] = [];
  const adapter = {
    kind: "gitlab",
    instance: "shop",
    isBridgeActor: () => false,
    async fetchTicket() {
      const next = await answers.shift();
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as TrackerAdapter;
  return { adapter, answers };
}

function watched(trackers: Record<string, { example?: boolean; token?: string }> = { shop: {} }) {
  const { logger, lines } = capturingLogger("debug");
  const { adapter, answers } = scriptedAdapter();
  let now = Date.parse("2026-03-02T10:00:00Z");
  const health = new TrackerHealth(logger, () => now);
  const shop = health.observe(new Map([["shop", adapter]]), trackers).get("shop")!;
  const fetch = () =>
    shop.fetchTicket({ tracker: "gitlab", instance: "shop", id: "1" }).catch(() => undefined);
  return {
    health,
    shop,
    answers,
    lines,
    fetch,
    advance: (ms: number) => {
      now += ms;
    },
    /** What /readyz shows. */
    check: async () => {
      const [check] = health.readiness();
      return (await check!.check()) ? "ok" : check!.explain?.();
    },
  };
}

describe("TrackerHealth", () => {
  it("tells an outage once when it starts and once when it ends, with why and for how long", async () => {
    const t = watched();
    t.answers.push("ok", unavailable(), unavailable("Bad Gateway", 502), unavailable(), "ok", "ok");
    await t.fetch();
    expect(await t.check()).toBe("ok");
    await t.fetch();
    t.advance(42_000);
    await t.fetch();
    await t.fetch();
    expect(await t.check()).toBe(
      "unreachable since 2026-03-02T10:00:00.000Z: get issue failed with HTTP 503: Service Unavailable",
    );
    expect(t.health.statuses()).toEqual([
      {
        instance: "shop",
        kind: "gitlab",
        state: "unreachable",
        since: Date.parse("2026-03-02T10:00:00Z"),
        lastError: "get issue failed with HTTP 503: Service Unavailable",
      },
    ]);
    await t.fetch();
    await t.fetch();
    expect(t.lines.map((l) => [l.level, l.msg])).toEqual([
      [
        40,
        "tracker shop is unreachable (get issue failed with HTTP 503: Service Unavailable): webhooks are still accepted, and what must be read from or written to it waits and is retried",
      ],
      [30, "tracker shop is reachable again, after 42 s unreachable"],
    ]);
    expect(t.lines[1]).toMatchObject({ instance: "shop", downSeconds: 42 });
    expect(t.health.statuses()).toEqual([{ instance: "shop", kind: "gitlab", state: "reachable" }]);
  });

  it("an answer to a call begun before the latest failure does not end the outage", async () => {
    const t = watched();
    let answerSlow: (v: "ok") => void = () => {};
    t.answers.push(new Promise<"ok">((ok) => (answerSlow = ok)), unavailable());
    const slow = t.fetch();
    await t.fetch();
    answerSlow("ok");
    await slow;
    expect(t.health.statuses()[0]!.state).toBe("unreachable");
  });

  it("takes a 4xx or a 429 for the tracker answering, and an error of the bridge's own for nothing", async () => {
    const t = watched();
    const stateAfter = async (answer: Error | "ok") => {
      t.answers.push(answer);
      await t.fetch();
      return t.health.statuses()[0]!.state;
    };
    expect(await stateAfter(new Error("a bug"))).toBe("unknown");
    expect(await stateAfter(unavailable("Too Many Requests", 429))).toBe("reachable");
    expect(await stateAfter(unavailable())).toBe("unreachable");
    expect(await stateAfter(unavailable("Not Found", 404))).toBe("reachable");
    expect(await stateAfter(unavailable())).toBe("unreachable");
    expect(await stateAfter(new Error("a bug"))).toBe("unreachable");
  });

  it("shows the last failure on one line, without the token or a URL's password", async () => {
    const t = watched({ shop: { token: "glpat-secret-token" } });
    t.answers.push(
      unavailable(
        "connect ECONNREFUSED\n  at https://bot:hunter22@gitlab.example/api?private_token=glpat-secret-token",
        null,
      ),
    );
    await t.fetch();
    const { lastError } = t.health.statuses()[0]!;
    expect(lastError).toBe(
      "get issue failed: connect ECONNREFUSED at https://***@gitlab.example/api?private_token=***",
    );
    expect(t.lines[0]!.reason).toBe(lastError);
  });

  it("says of an example tracker that it is not contacted", async () => {
    const t = watched({ shop: { example: true } });
    expect(await t.check()).toBe("an example (trackers.shop.example: true): not contacted");
    expect(t.health.readiness()[0]).toMatchObject({ name: "trackers.shop", advisory: true });
  });
});

describe("a tracker's state in a running bridge", () => {
  const TRACKER = "https://health-tracker.test";
  const redisUrl = testRedisUrl(2);
  const prefix = `trackerhealth${process.pid}`;
  let bridge: RunningBridge | undefined;
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(async () => {
    await bridge?.shutdown.run("test end");
    bridge = undefined;
    nock.cleanAll();
    const redis = await connectRedis(redisUrl);
    await deleteKeysOf(redis, prefix);
    redis.disconnect();
  });
  afterAll(() => nock.enableNetConnect());

  const readyz = async () =>
    (await bridge!.app.inject({ method: "GET", url: "/readyz" })).json() as {
      status: string;
      checks: Record<string, string>;
    };

  it("503 for a while, then 200: /readyz says so (ready all along), one line when it goes and one when it is back", async () => {
    let down = true;
    const answer = () => (down ? { status: 503 } : undefined);
    statefulFakeTracker(TRACKER, [fakeIssue()], (req) => (req.method === "GET" ? answer() : undefined));
    // Reconciliation lists the tracker's changes as soon as the bridge starts.
    nock(TRACKER)
      .persist()
      .get("/issues")
      .query((q) => q.since !== undefined)
      .reply(() => (down ? [503, "down"] : [200, { issues: [], next: "" }]));
    const { logger, lines } = capturingLogger("debug");
    bridge = await startBridge({
      config: fakeTrackerConfig(TRACKER, prefix, { retry: { backoffMs: 100, attempts: 50 } }),
      configFile: "/tmp/reglament-test.yaml",
      env: { REDIS_URL: redisUrl },
      logger,
      registry: new AdapterRegistry([fakeTrackerFactory]),
    });
    const res = await bridge.app.inject({
      method: "POST",
      url: "/webhooks/shop",
      headers: { "content-type": "application/json", "x-test-token": "s3cret" },
      payload: JSON.stringify({
        delivery: "health-1",
        issue: fakeIssue(),
        change: { kind: "created", actor: { id: "ivanov" } },
      }),
    });
    expect(res.statusCode).toBe(202);

    const during = await until(readyz, (r) => r.checks["trackers.shop"] !== "not contacted yet");
    expect(during.status).toBe("ready");
    expect(during.checks["trackers.shop"]).toMatch(
      /^unreachable since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z: (get issue|list issues) failed with HTTP 503: /,
    );
    // Retried while it is down, each try's failure only at debug.
    const failed = await until(
      async () => lines.filter((l) => l.msg === "job failed").map((l) => l.level),
      (levels) => levels.length >= 2,
    );
    expect(failed.slice(0, 2)).toEqual([20, 20]);

    down = false;
    const after = await until(readyz, (r) => r.checks["trackers.shop"] === "ok", 15_000);
    expect(after).toEqual({ status: "ready", checks: { redis: "ok", "trackers.shop": "ok" } });
    const said = (re: RegExp) => lines.filter((l) => re.test(l.msg)).map((l) => l.level);
    expect(said(/^tracker shop is unreachable/)).toEqual([40]);
    expect(said(/^tracker shop is reachable again/)).toEqual([30]);
  }, 30_000);

  it("a tracker refusing connections: /readyz names the refusal, from the first reconciliation", async () => {
    // A port just found free: nothing listens there.
    const port = await freeLoopbackPort();
    bridge = await startBridge({
      config: fakeTrackerConfig(`http://127.0.0.1:${port}`, prefix),
      configFile: "/tmp/reglament-test.yaml",
      env: { REDIS_URL: redisUrl },
      logger: capturingLogger("silent").logger,
      registry: new AdapterRegistry([fakeTrackerFactory]),
    });
    const r = await until(readyz, (x) => x.checks["trackers.shop"] !== "not contacted yet");
    expect(r.status).toBe("ready");
    expect(r.checks["trackers.shop"]).toMatch(
      /^unreachable since \S+: (get issue|list issues) failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );
  }, 30_000);
});
