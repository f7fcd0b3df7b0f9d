import nock from "nock";
import { describe, expect, it } from "vitest";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import type { LogEntry, RetrySummary } from "../../src/queue/decision-log.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { bridgeTestEnvironment, testAuth, until } from "../helpers/bridge-http.js";
import { type FakeIssue, fakeIssue, fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";
import { silentLogger } from "../helpers/logger.js";
import { testRedisUrl } from "../helpers/redis.js";
import { statefulFakeTracker } from "../helpers/stateful-fake-tracker.js";

/**
 * Writes people can trust, through the whole pipeline on real Redis against a stateful
 * tracker stub over HTTP: converge on the ticket as it is now, one ticket at a time,
 * bounded retries, back-pressure and pace per tracker, partial refusals, the grace window.
 */
const TRACKER = "https://tracker.test";
const ALERTS = "https://alerts.test";
const redisUrl = testRedisUrl(11);

interface Knobs {
  mode?: "enforce" | "dry-run";
  retry?: Record<string, number>;
  writesPerSecond?: number;
  rules?: Record<string, unknown>;
}

const config = (prefix: string, k: Knobs = {}) =>
  fakeTrackerConfig(TRACKER, prefix, {
    ...k,
    retry: { backoffMs: 100, ...k.retry },
    writesPerSecond: k.writesPerSecond ?? 50,
    alerts: {
      endpoints: [
        {
          name: "admins",
          url: `${ALERTS}/hook`,
          secret: "alert-secret-123",
          events: ["policy.write_refused"],
        },
      ],
    },
  });

const bridges: RunningBridge[] = [];
let prefixCounter = 0;
async function start(k: Knobs = {}, prefix = `wb${process.pid}x${prefixCounter++}`) {
  const bridge = await startBridge({
    config: config(prefix, k),
    configFile: "/tmp/reglament-test.yaml",
    env: { REDIS_URL: redisUrl },
    logger: silentLogger,
    registry: new AdapterRegistry([fakeTrackerFactory]),
  });
  bridges.push(bridge);
  return bridge;
}
bridgeTestEnvironment(redisUrl, async () => {
  for (const b of bridges.splice(0)) await b.shutdown.run("test end");
});

const hook = (bridge: RunningBridge, delivery: string, issue: FakeIssue, change: Record<string, unknown>) =>
  bridge.app.inject({
    method: "POST",
    url: "/webhooks/shop",
    headers: { "content-type": "application/json", "x-test-token": "s3cret" },
    payload: JSON.stringify({ delivery, issue, change }),
  });
const created = { kind: "created", actor: { id: "ivanov" } };
const api = async (bridge: RunningBridge, id = "101") =>
  (
    await bridge.app.inject({ method: "GET", url: `/api/tickets/shop/${id}/decisions`, headers: testAuth })
  ).json() as {
    entries: LogEntry[];
    retries: RetrySummary[];
  };
const entries = async (bridge: RunningBridge, id = "101") => (await api(bridge, id)).entries;
const writebacks = (es: LogEntry[]) =>
  es.filter((e): e is Extract<LogEntry, { type: "writeback" }> => e.type === "writeback");
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

describe("converge, don't replay", () => {
  it("two events on the same state: one correction and one note, however they interleave", async () => {
    const tracker = statefulFakeTracker(TRACKER, [fakeIssue()]);
    const bridge = await start();
    await hook(bridge, "d-1", fakeIssue(), created);
    // The same state again, as a late hook of a person's earlier edit carries it.
    await hook(bridge, "d-2", fakeIssue(), {
      field: "priority",
      from: "high",
      to: "normal",
      actor: { id: "ivanov" },
    });
    await until(
      () => entries(bridge),
      (es) => writebacks(es).length === 2,
    );
    expect(tracker.writes().filter((w) => w.method === "PATCH")).toHaveLength(1);
    expect(tracker.issue("101").comments).toHaveLength(1);
    expect(tracker.issue("101").priority).toBe("immediate");
  });

  it("a person's edit made meanwhile supersedes the correction: nothing written, decided afresh", async () => {
    // The hook carries block/normal, but the reporter lowered the impact to "minor" since: normal fits.
    const tracker = statefulFakeTracker(TRACKER, [fakeIssue({ impact: "minor" })]);
    const bridge = await start();
    await hook(bridge, "d-stale", fakeIssue(), created);
    const log = await until(
      () => entries(bridge),
      (es) => es.filter((e) => e.type === "decisions").length >= 2,
    );
    expect(tracker.writes()).toEqual([]);
    expect(writebacks(log)).toEqual([expect.objectContaining({ result: "superseded", changed: ["impact"] })]);
    expect(log[0]).toMatchObject({ type: "decisions", writeback: "none", decisions: [] });
  });

  it("a refused part does not lose the rest: written one by one, the note says what and why, partial, alerted", async () => {
    const refusal = { status: 403, body: { message: "User does not have access right to handle issues" } };
    const tracker = statefulFakeTracker(TRACKER, [fakeIssue({ description: "" })], ({ method, body }) =>
      method === "PATCH" && body && "assignee" in body ? refusal : undefined,
    );
    const alert = nock(ALERTS)
      .post("/hook", (b) => b.type === "policy.write_refused" && /assign/.test(b.message))
      .reply(204);
    const bridge = await start();
    await hook(bridge, "d-partial", fakeIssue({ description: "" }), created);
    const log = await until(
      () => entries(bridge),
      (es) => writebacks(es).length > 0,
    );
    expect(writebacks(log)[0]).toMatchObject({
      result: "partial",
      refused: [{ action: { type: "assign", to: "ivanov" }, reason: "Forbidden" }],
    });
    const issue = tracker.issue("101");
    expect(issue).toMatchObject({ priority: "immediate", status: "feedback", assignee: "petrova" });
    const bodies = (issue.comments ?? []).map((c) => c.body);
    expect(bodies).toHaveLength(2);
    expect(
      bodies.filter((b) =>
        /Не удалось выполнить:\n- назначить ответственным @ivanov — ответ трекера: «Forbidden»/.test(b),
      ),
    ).toHaveLength(1);
    await until(async () => alert.isDone(), Boolean);
    expect(alert.isDone()).toBe(true);
  });
});

describe("the loop guard counts what was written", () => {
  const stale = (bridge: RunningBridge, delivery: string) =>
    hook(bridge, delivery, fakeIssue(), {
      field: "priority",
      from: "immediate",
      to: "normal",
      actor: { id: "ivanov" },
    });

  it("five events on one stale state: one correction, nothing held", async () => {
    const tracker = statefulFakeTracker(TRACKER, [fakeIssue()]);
    const bridge = await start();
    for (let i = 1; i <= 5; i++) await stale(bridge, `d-stale-${i}`);
    const log = await until(
      () => entries(bridge),
      (es) => writebacks(es).length === 5,
    );
    expect(tracker.writes().filter((w) => w.method === "PATCH")).toHaveLength(1);
    expect(log.filter((e) => e.type === "decisions" && e.writeback === "held")).toEqual([]);
  });

  it("a person who keeps reverting: three corrections written, the fourth held with a conflict", async () => {
    const tracker = statefulFakeTracker(TRACKER, [fakeIssue()]);
    const bridge = await start();
    for (let i = 1; i <= 4; i++) {
      tracker.edit("101", (issue) => {
        issue.priority = "normal";
      });
      await stale(bridge, `d-revert-${i}`);
      await until(
        () => entries(bridge),
        (es) =>
          es.filter((e) => e.type === "decisions").length === i && (i === 4 || writebacks(es).length === i),
      );
    }
    const log = await entries(bridge);
    expect(tracker.writes().filter((w) => w.method === "PATCH")).toHaveLength(3);
    expect(log[0]).toMatchObject({ type: "decisions", writeback: "held" });
  });
});

describe("one ticket at a time, in order", () => {
  it("a failed event holds the later events of its ticket back instead of being overtaken", async () => {
    let gets = 0;
    statefulFakeTracker(TRACKER, [fakeIssue({ priority: "immediate" })], ({ method }) =>
      method === "GET" && ++gets === 1 ? { status: 500 } : undefined,
    );
    const bridge = await start({ mode: "dry-run" });
    const ref = { tracker: "gitlab" as const, instance: "shop", project: "support", id: "101" };
    await bridge.pipeline.enqueue("shop", [{ deliveryId: "e-1", ref }], "reconcile");
    await bridge.pipeline.enqueue(
      "shop",
      [{ deliveryId: "e-2", ref, change: { kind: "commented", actor: { id: "ivanov" }, fields: [] } }],
      "reconcile",
    );
    const log = await until(
      () => entries(bridge),
      (es) => es.length >= 2,
    );
    expect(log.map((e) => e.deliveryId).reverse()).toEqual(["e-1", "e-2"]);
    expect((await api(bridge)).retries).toEqual([
      expect.objectContaining({ kind: "event", tries: 1, ended: "done" }),
    ]);
  });
});

describe("bounded retries and back-pressure", () => {
  it("a 503 with Retry-After that never ends: dead within the budget, one summary, the decisions kept", async () => {
    const tracker = statefulFakeTracker(TRACKER, [fakeIssue()], () => ({
      status: 503,
      headers: { "Retry-After": "1" },
    }));
    const bridge = await start({ retry: { attempts: 3, maxSeconds: 30 } });
    const started = Date.now();
    await hook(bridge, "d-503", fakeIssue(), created);
    const log = await until(
      () => entries(bridge),
      (es) => writebacks(es).length > 0,
      15_000,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(writebacks(log)).toEqual([
      expect.objectContaining({ result: "failed", error: expect.stringMatching(/gave up after 3 tries/) }),
    ]);
    expect(log.filter((e) => e.type === "decisions")).toHaveLength(1);
    expect((await api(bridge)).retries).toEqual([
      expect.objectContaining({
        kind: "writeback",
        tries: 3,
        ended: "dead",
        last: expect.stringMatching(/HTTP 503/),
      }),
    ]);
    expect(tracker.served.filter((s) => s.method === "GET")).toHaveLength(3);
    // The log entry is written as the job gives up; BullMQ moves it to the failed set a moment later.
    const failed = await until(
      () => bridge.pipeline.writebackQueueOf("shop")!.getFailed(),
      (jobs) => jobs.length > 0,
    );
    expect(failed.map((j) => j.failedReason)).toEqual([
      expect.stringMatching(/gave up after 3 tries over \d+ s/),
    ]);
  });

  it("a 429 with Retry-After pauses the instance's whole write-back queue, not only the job that got it", async () => {
    let refusedAt = 0;
    const tracker = statefulFakeTracker(
      TRACKER,
      [fakeIssue(), fakeIssue({ id: "102" })],
      ({ method, path }) => {
        if (refusedAt === 0 && method === "GET" && path.endsWith("/101")) {
          refusedAt = Date.now();
          return { status: 429, headers: { "Retry-After": "2" } };
        }
        return undefined;
      },
    );
    const bridge = await start();
    await hook(bridge, "d-a", fakeIssue(), created);
    // Once the 429 is handled (its retry summarised), another ticket's write-back is queued.
    await until(
      async () => (await api(bridge)).retries.length,
      (n) => n > 0,
    );
    const queuedAt = Date.now();
    await hook(bridge, "d-b", fakeIssue({ id: "102" }), created);
    await until(
      () => entries(bridge, "102"),
      (es) => writebacks(es).length > 0,
      10_000,
    );
    const during = tracker.served.filter((s) => s.at > queuedAt && s.at < refusedAt + 1900);
    expect(during).toEqual([]);
    expect(tracker.issue("102").priority).toBe("immediate");
  });

  it("writesPerSecond holds across two bridge processes", async () => {
    const ids = ["201", "202", "203", "204", "205", "206"];
    const tracker = statefulFakeTracker(
      TRACKER,
      ids.map((id) => fakeIssue({ id })),
    );
    const prefix = `wb${process.pid}pace`;
    const [a, b] = [await start({ writesPerSecond: 2 }, prefix), await start({ writesPerSecond: 2 }, prefix)];
    for (const [i, id] of ids.entries()) await hook(i % 2 ? a : b, `d-${id}`, fakeIssue({ id }), created);
    await until(
      async () => tracker.writes().length,
      (n) => n === ids.length * 2,
      20_000,
    );
    const times = tracker.writes().map((w) => w.at);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(busiest).toBeLessThanOrEqual(2);
  });
});

describe("the grace window", () => {
  const feedback = () => ({
    field: "status",
    from: "new",
    to: "feedback",
    actor: { id: "petrova" },
    at: new Date().toISOString(),
  });
  const rules = {
    "assignee-on-status": {
      requirements: [
        { status: "feedback", assignee: "reporter", requireComment: true, commentGraceSeconds: 1 },
      ],
    },
  };
  const inFeedback = fakeIssue({ status: "feedback", assignee: "ivanov", priority: "immediate" });

  it("a question note posted a moment after the status counts: nothing is asked", async () => {
    const tracker = statefulFakeTracker(TRACKER, [inFeedback]);
    const bridge = await start({ rules });
    await hook(bridge, "d-fb", inFeedback, feedback());
    const first = await until(
      () => entries(bridge),
      (es) => es.length > 0,
    );
    expect(first[0]).toMatchObject({
      deferred: [{ rule: "assignee-on-status", seconds: 1 }],
      writeback: "none",
    });
    tracker.edit("101", (i) => {
      i.comments = [
        { id: "n1", author: "petrova", body: "Уточните номер карты", created_at: new Date().toISOString() },
      ];
    });
    const log = await until(
      () => entries(bridge),
      (es) => es.length >= 2,
      5000,
    );
    expect(log[0]).toMatchObject({ deliveryId: "grace-d-fb", decisions: [] });
    await settle();
    expect(tracker.writes()).toEqual([]);
  });

  it("without the note, the request is posted once when the window ends", async () => {
    const tracker = statefulFakeTracker(TRACKER, [inFeedback]);
    const bridge = await start({ rules });
    await hook(bridge, "d-fb2", inFeedback, feedback());
    await until(
      () => entries(bridge),
      (es) => writebacks(es).length > 0,
      5000,
    );
    const comments = tracker.issue("101").comments ?? [];
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/нужно написать комментарий с вопросом/);
  });
});

describe("bad input found by fuzzing", () => {
  it("a body nested deeper than 64 levels is a 400 and never enqueued", async () => {
    const bridge = await start();
    const deep = `${"[".repeat(100)}${"]".repeat(100)}`;
    const res = await bridge.app.inject({
      method: "POST",
      url: "/webhooks/shop",
      headers: { "content-type": "application/json", "x-test-token": "s3cret" },
      payload: `{"delivery":"d","issue":${deep}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: "REG_WEBHOOK_INVALID",
      message: expect.stringMatching(/deeper than 64/),
    });
    for (const q of bridge.pipeline.queues.filter((queue) => queue.name !== "reconcile"))
      expect(await q.count()).toBe(0);
  });
});
