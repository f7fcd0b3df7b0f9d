import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import type { LogEntry } from "../../src/queue/decision-log.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { bridgeTestEnvironment, testAuth, until } from "../helpers/bridge-http.js";
import { cli } from "../helpers/cli.js";
import { type FakeIssue, fakeIssue, fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";
import { silentLogger } from "../helpers/logger.js";

const TRACKER = "https://tracker.test";

/** Where the suite's bridges keep their queues: a Redis, a Sentinel set or a Cluster. */
export interface SuiteRedis {
  /** The redis section of the bridge's configuration, but its keyPrefix. */
  redis: Partial<Config["redis"]>;
  /** The same in YAML, for the CLI's configuration file. */
  yaml: string;
  /** After the file's tests. */
  cleanup: () => Promise<void>;
}

/**
 * The pipeline end to end — webhook, decision, write-back, retries, dead letters, loop
 * prevention, a worker's crash, dry-run, bad deliveries, reconciliation, metrics — on the
 * Redis `target` gives.
 */
export function pipelineSuite(target: SuiteRedis): void {
  const config = (mode: "enforce" | "dry-run", prefix: string) => {
    const c = fakeTrackerConfig(TRACKER, prefix, { mode, server: { bodyLimit: 4096 } });
    return { ...c, redis: { ...c.redis, ...target.redis } };
  };

  const issue = (over: Partial<FakeIssue> = {}) => fakeIssue(over);
  const createdHook = (delivery: string, over: Partial<FakeIssue> = {}) => ({
    delivery,
    issue: issue(over),
    change: { kind: "created", actor: { id: "ivanov" } },
  });

  let bridge: RunningBridge;
  let prefixCounter = 0;
  async function start(mode: "enforce" | "dry-run" = "enforce") {
    const prefix = `pipe${process.pid}x${prefixCounter++}`;
    bridge = await startBridge({
      config: config(mode, prefix),
      configFile: "/tmp/reglament-test.yaml",
      env: {},
      logger: silentLogger,
      registry: new AdapterRegistry([fakeTrackerFactory]),
    });
    return bridge;
  }
  const post = (
    body: unknown,
    headers: Record<string, string> = { "x-test-token": "s3cret" },
    instance = "shop",
  ) =>
    bridge.app.inject({
      method: "POST",
      url: `/webhooks/${instance}`,
      headers: { "content-type": "application/json", ...headers },
      payload: typeof body === "string" ? body : JSON.stringify(body),
    });
  const entries = async (id = "101") =>
    (
      (
        await bridge.app.inject({
          method: "GET",
          url: `/api/tickets/shop/${id}/decisions`,
          headers: testAuth,
        })
      ).json() as {
        entries: LogEntry[];
      }
    ).entries;
  const writebackDone = (es: LogEntry[]) => es.some((e) => e.type === "writeback");

  bridgeTestEnvironment(target.cleanup, async () => bridge?.shutdown.run("test end"));

  /**
   * The exact calls a correction of block/normal makes: read (the write-back's look at the
   * ticket as it is now, then the writer's), patch the priority, post the note.
   */
  function expectCorrection(times = 2) {
    return nock(TRACKER)
      .get("/issues/101")
      .times(times)
      .reply(200, issue())
      .patch("/issues/101", { priority: "immediate" })
      .reply(200, {})
      .post(
        "/issues/101/comments",
        (b: { body: string }) =>
          /приоритет исправлен на «Неотложный»/.test(b.body) &&
          /п\. 3\.2/.test(b.body) &&
          /reglament:/.test(b.body),
      )
      .reply(201, {});
  }

  describe("webhook → decision → write-back (enforce)", () => {
    it("posts the exact correction, and the same delivery twice changes nothing", async () => {
      await start();
      const scope = expectCorrection();
      const first = await post(createdHook("d-1"));
      expect(first.statusCode).toBe(202);
      expect(first.json()).toEqual({ status: "accepted", accepted: 1, duplicates: 0 });
      const log = await until(entries, writebackDone);
      expect(log.find((e) => e.type === "decisions")).toMatchObject({ writeback: "queued", mode: "enforce" });
      expect(log.find((e) => e.type === "writeback")).toMatchObject({ result: "applied" });
      scope.done();

      const again = await post(createdHook("d-1"));
      expect(again.json()).toEqual({ status: "duplicate", accepted: 0, duplicates: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect((await entries()).filter((e) => e.type === "decisions")).toHaveLength(1);
    });

    it("does not react to the bridge's own change coming back", async () => {
      await start();
      const own = {
        delivery: "d-own",
        issue: issue({ priority: "immediate" }),
        change: { field: "priority", from: "normal", to: "immediate", actor: { id: "reglament-bot" } },
      };
      expect((await post(own)).statusCode).toBe(202);
      const log = await until(entries, (es) => es.length > 0);
      expect(log).toEqual([
        expect.objectContaining({ type: "own-change", reason: "made by the bridge's account" }),
      ]);
    });

    it("retries a tracker 500 and writes once", async () => {
      await start();
      nock(TRACKER).get("/issues/101").reply(500, "down");
      const scope = expectCorrection();
      await post(createdHook("d-500"));
      const log = await until(entries, (es) =>
        es.some((e) => e.type === "writeback" && e.result === "applied"),
      );
      expect(log.filter((e) => e.type === "writeback").map((e) => (e as { result: string }).result)).toEqual([
        "applied",
      ]);
      // The retry is one summary beside the log, never an entry that could push decisions out.
      const { retries } = (
        await bridge.app.inject({ method: "GET", url: "/api/tickets/shop/101/decisions", headers: testAuth })
      ).json() as { retries: { kind: string; tries: number; ended?: string; last: string }[] };
      expect(retries).toEqual([
        expect.objectContaining({
          kind: "writeback",
          tries: 1,
          ended: "done",
          last: expect.stringMatching(/HTTP 500/),
        }),
      ]);
      scope.done();
    });

    it("honours Retry-After on 429: no retry before 2 s", async () => {
      await start();
      let refusedAt = 0;
      let retriedAt = 0;
      nock(TRACKER)
        .get("/issues/101")
        .reply(() => {
          refusedAt = Date.now();
          return [429, "slow down", { "Retry-After": "2" }];
        });
      nock(TRACKER)
        .get("/issues/101")
        .reply(() => {
          retriedAt = Date.now();
          return [200, issue()];
        })
        .patch("/issues/101")
        .reply(200, {})
        .post("/issues/101/comments")
        .reply(201, {});
      await post(createdHook("d-429"));
      await until(entries, (es) => es.some((e) => e.type === "writeback" && e.result === "applied"), 10_000);
      expect(retriedAt - refusedAt).toBeGreaterThanOrEqual(1900);
    });

    it("sends a permanent refusal to the dead-letter set with its reason", async () => {
      await start();
      nock(TRACKER).get("/issues/101").reply(403, "forbidden");
      await post(createdHook("d-403"));
      const log = await until(entries, writebackDone);
      expect(log.find((e) => e.type === "writeback")).toMatchObject({
        result: "failed",
        error: expect.stringMatching(/HTTP 403/),
      });
      // The log entry is written as the job fails; BullMQ moves it to the failed set a moment later.
      const failed = await until(
        () => bridge.pipeline.writebackQueueOf("shop")!.getFailed(),
        (jobs) => jobs.length > 0,
      );
      expect(failed.map((j) => j.failedReason)).toEqual([
        expect.stringMatching(/get issue failed with HTTP 403/),
      ]);
    });
  });

  describe("the dead-letter set and the decision log from the CLI", () => {
    it("lists, retries and drops a refused write-back; prints a ticket's decisions", async () => {
      await start();
      nock(TRACKER).get("/issues/101").reply(403, "forbidden");
      await post(createdHook("d-cli"));
      await until(entries, writebackDone);
      const file = join(tmpdir(), `reglament-cli-${process.pid}.yaml`);
      writeFileSync(
        file,
        `redis: { ${target.yaml}, keyPrefix: ${bridge.pipeline.prefix} }\npipeline: { partitions: 2 }\ntrackers:\n  shop: { kind: gitlab, baseUrl: "${TRACKER}", token: t, bridgeUser: reglament-bot, projects: { support: { pack: sevastopol-miac } } }\n`,
      );
      const list = await cli("dlq", "list", "--config", file);
      expect(list.out).toMatch(/^shop\t\S+\tticket 101\t2 action\(s\)\t.*get issue failed with HTTP 403/m);
      const decisions = await cli("decisions", "--ticket", "shop/101", "--config", file);
      expect(decisions.out).toMatch(/write-back failed: .*HTTP 403/);
      expect(decisions.out).toMatch(/violation \[impact-priority-matrix\]/);

      nock(TRACKER).get("/issues/101").reply(403, "forbidden");
      expect((await cli("dlq", "retry", "--all", "--config", file)).out).toBe("queued again: 1\n");
      await until(
        async () => (await bridge.pipeline.writebackQueueOf("shop")!.getFailed()).length,
        (n) => n === 1,
      );
      expect((await cli("dlq", "drop", "--all", "--config", file)).out).toBe("deleted: 1\n");
      expect((await cli("dlq", "list", "--config", file)).out).toBe("the dead-letter set is empty\n");
      expect((await cli("dlq", "retry", "nope", "--config", file)).code).toBe(2);
    });
  });

  describe("loop prevention", () => {
    it("holds back a field the bridge keeps rewriting, with a conflict decision", async () => {
      await start("dry-run");
      for (let i = 1; i <= 4; i++) {
        const revert = {
          delivery: `d-revert-${i}`,
          issue: issue({ status: "assigned" }),
          change: { field: "priority", from: "immediate", to: "normal", actor: { id: "ivanov" } },
        };
        await post(revert);
      }
      const log = await until(entries, (es) => es.filter((e) => e.type === "decisions").length === 4);
      const newest = log[0] as Extract<LogEntry, { type: "decisions" }>;
      expect(newest.writeback).toBe("held");
      expect(newest.decisions.map((d) => d.rule)).toEqual(["impact-priority-matrix", "loop-guard"]);
      expect(newest.decisions[1]).toMatchObject({
        outcome: "violation",
        alerts: ["policy.violation"],
        conflict: expect.stringMatching(/held back/),
      });
      expect(log.filter((e) => e.type === "decisions" && e.writeback === "dry-run")).toHaveLength(3);
    });

    it("recognises the echo of what it wrote even under another account", async () => {
      await start();
      expectCorrection();
      await post(createdHook("d-echo-1"));
      await until(entries, writebackDone);
      const echo = {
        delivery: "d-echo-2",
        issue: issue({ priority: "immediate" }),
        change: { field: "priority", from: "normal", to: "immediate", actor: { id: "integration-user" } },
      };
      await post(echo);
      const log = await until(entries, (es) => es[0]?.type === "own-change");
      expect(log[0]).toMatchObject({ type: "own-change", reason: "matches what the bridge just wrote" });
    });
  });

  describe("a worker stopped in the middle of a job", () => {
    it("leaves the job to another worker, which completes it; nothing is lost", async () => {
      const prefix = `pipe${process.pid}handoff`;
      const options = {
        config: config("enforce", prefix),
        configFile: "/tmp/reglament-test.yaml",
        env: {},
        logger: silentLogger,
        registry: new AdapterRegistry([fakeTrackerFactory]),
        locks: { lockDurationMs: 1000, stalledIntervalMs: 500 },
      };
      const first = await startBridge(options);
      bridge = first;
      // The first worker's call to the tracker never comes back: it is stopped mid-job.
      nock(TRACKER).get("/issues/101").delay(60_000).reply(200, issue());
      await post(createdHook("d-handoff"));
      const queue = first.pipeline.writebackQueueOf("shop")!;
      await until(
        () => queue.getActiveCount(),
        (n) => n === 1,
      );
      await first.pipeline.close(true);

      const scope = expectCorrection();
      const second = await startBridge(options);
      bridge = second;
      const log = await until(
        entries,
        (es) => es.some((e) => e.type === "writeback" && e.result === "applied"),
        10_000,
      );
      expect(log.filter((e) => e.type === "writeback" && e.result === "applied")).toHaveLength(1);
      scope.done();
      await first.shutdown.run("test end");
    });
  });

  describe("dry-run", () => {
    it("records what it would do with the full payload and sends nothing", async () => {
      await start("dry-run");
      await post(createdHook("d-dry"));
      const log = await until(entries, (es) => es.length > 0);
      expect(log[0]).toMatchObject({ type: "decisions", mode: "dry-run", writeback: "dry-run" });
      expect((log[0] as { wouldDo: unknown[] }).wouldDo).toContainEqual({
        type: "setField",
        field: "priority",
        value: "immediate",
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(nock.pendingMocks()).toEqual([]);
    });
  });

  describe("bad deliveries are refused and never enqueued", () => {
    it("answers 404, 401, 400, 413 with a JSON error and leaves the queues empty", async () => {
      await start();
      const unknown = await post(createdHook("x"), { "x-test-token": "s3cret" }, "nowhere");
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({
        error: "REG_UNKNOWN_INSTANCE",
        message: expect.stringMatching(/\/webhooks\/<instance>/),
      });
      // A stranger is not told which instances there are.
      expect(unknown.body).not.toMatch(/shop/);
      const unauthorized = await post(createdHook("x"), { "x-test-token": "wrong" });
      expect(unauthorized.statusCode).toBe(401);
      expect(unauthorized.json().error).toBe("REG_WEBHOOK_UNAUTHORIZED");
      const invalid = await post("{not json");
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().message).toMatch(/not JSON/);
      const oversize = await post({ ...createdHook("x"), padding: "x".repeat(5000) });
      expect(oversize.statusCode).toBe(413);
      expect(oversize.json()).toEqual({
        error: "REG_BODY_TOO_LARGE",
        message: expect.stringMatching(/larger than server.bodyLimit \(4096 bytes\)/),
      });
      const nowhere = await bridge.app.inject({ method: "GET", url: "/nowhere?x=1" });
      expect(nowhere.statusCode).toBe(404);
      expect(nowhere.json()).toEqual({
        error: "REG_NOT_FOUND",
        message: expect.stringMatching(/^no GET \/nowhere here/),
      });
      for (const q of bridge.pipeline.queues.filter((queue) => queue.name !== "reconcile")) {
        const counts = await q.getJobCounts("waiting", "active", "delayed", "completed", "failed");
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
      }
    });

    it("acknowledges events it does not handle and projects it does not govern", async () => {
      await start();
      expect((await post({ kind: "ping" })).json()).toEqual({ status: "ignored", reason: "ping event" });
      const other = await post(createdHook("d-other", { project: "sales" }));
      expect(other.statusCode).toBe(202);
      expect(other.json()).toEqual({ status: "ignored", reason: "no configured project" });
    });
  });

  describe("reconciliation", () => {
    it("picks up a ticket changed while no webhook arrived", async () => {
      await start("dry-run");
      nock(TRACKER)
        .get("/issues")
        .query({ since: "" })
        .reply(200, {
          issues: [issue({ id: "202", updated_at: "2026-03-02T10:00:00+03:00" })],
          next: "2026-03-02T10:00:00+03:00",
        })
        .get("/issues")
        .query({ since: "2026-03-02T10:00:00+03:00" })
        .reply(200, { issues: [], next: "2026-03-02T10:00:00+03:00" })
        .get("/issues/202")
        .reply(200, issue({ id: "202" }));
      expect(await bridge.pipeline.reconcile("shop")).toBe(1);
      const log = await until(
        () => entries("202"),
        (es) => es.length > 0,
      );
      expect(log[0]).toMatchObject({
        type: "decisions",
        deliveryId: expect.stringMatching(/^reconcile-shop-202-/),
      });
      expect((log[0] as { decisions: { rule: string }[] }).decisions.map((d) => d.rule)).toContain(
        "impact-priority-matrix",
      );
    });
  });

  describe("operations", () => {
    it("/metrics counts webhooks and decisions", async () => {
      await start("dry-run");
      await post(createdHook("d-m"));
      await until(entries, (es) => es.length > 0);
      const metrics = (await bridge.app.inject({ method: "GET", url: "/metrics", headers: testAuth })).body;
      expect(metrics).toMatch(/reglament_webhooks_total\{instance="shop",result="accepted",reason=""\} 1/);
      expect(metrics).toMatch(
        /reglament_decisions_total\{pack="sevastopol-miac",rule="impact-priority-matrix",outcome="violation"\} 1/,
      );
      expect(metrics).toMatch(/reglament_queue_jobs\{queue="writeback-shop",state="waiting"\} 0/);
    });
  });
}
