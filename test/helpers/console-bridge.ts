import { Queue } from "bullmq";
import nock from "nock";
import { afterAll, afterEach, beforeAll } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import type { RedisClient } from "../../src/redis/connection.js";
import { connectRedis } from "../../src/redis/connection.js";
import { KeySpace } from "../../src/redis/key-space.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { SlaScheduler } from "../../src/sla/scheduler.js";
import { testToken } from "./auth.js";
import { type FakeIssue, fakeIssue, fakeTrackerFactory } from "./fake-tracker.js";
import { silentLogger } from "./logger.js";
import { deleteKeysOf } from "./redis.js";
import { statefulFakeTracker } from "./stateful-fake-tracker.js";

export const CONSOLE_TRACKER = "https://console-tracker.test";
export const viewerToken = "test-viewer-token";
export { testToken as operatorToken };

/** A Krasnoyarsk «Ошибка» of high priority, opened on Monday 2 March 2026 at 10:00 Krasnoyarsk time. */
export function krasnoyarskIssue(over: Partial<FakeIssue> = {}): FakeIssue {
  return fakeIssue({
    id: "701",
    type: "Ошибка",
    impact: undefined,
    priority: "high",
    status: "new",
    reporter: "clinic",
    assignee: "ivanov",
    created_at: "2026-03-02T10:00:00+07:00",
    ...over,
  });
}

export interface ConsoleBridge {
  bridge: RunningBridge;
  tracker: ReturnType<typeof statefulFakeTracker>;
  /** The bridge's clock, moved by the test. */
  setNow(iso: string): void;
  /** Lets the SLA scheduler's due jobs whose moment has come (by the bridge's clock) run now, as time passing would. */
  fireDue(): Promise<number>;
  webhook(delivery: string, issue: FakeIssue, change?: Record<string, unknown>): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A bridge with the console, on a real port: the fake tracker (nock) under the Krasnoyarsk
 * pack, a viewer's and an operator's token, and a clock the test moves.
 */
export async function startConsoleBridge(o: {
  redisUrl: string;
  prefix: string;
  issues: FakeIssue[];
  mode?: "dry-run" | "enforce";
  history?: Record<string, unknown>;
  answer?: Parameters<typeof statefulFakeTracker>[2];
  tokens?: { name: string; role: "viewer" | "operator"; token: string }[];
  /** More of `server:` (timeouts, trustProxy). */
  server?: Record<string, unknown>;
}): Promise<ConsoleBridge> {
  let now = Date.parse("2026-03-02T10:05:00+07:00");
  const tracker = statefulFakeTracker(CONSOLE_TRACKER, o.issues, o.answer);
  const config = configSchema(listPackIds()).parse({
    history: o.history ?? { enabled: false },
    server: {
      host: "127.0.0.1",
      port: 0,
      logLevel: "silent",
      ...o.server,
      auth: {
        tokens: o.tokens ?? [
          { name: "operators", role: "operator", token: testToken },
          { name: "wall", role: "viewer", token: viewerToken },
        ],
      },
    },
    redis: { keyPrefix: o.prefix },
    pipeline: { partitions: 2, retry: { backoffMs: 200, attempts: 1, maxSeconds: 1 } },
    trackers: {
      shop: {
        kind: "gitlab",
        baseUrl: CONSOLE_TRACKER,
        token: "t",
        webhookSecret: "s3cret",
        bridgeUser: "reglament-bot",
        reconcileIntervalSeconds: 3600,
        writesPerSecond: 50,
        projects: { support: { pack: "krasnoyarsk-kmiac" } },
      },
    },
    actors: { shop: { ivanov: { role: "line1", line: 1 }, petrova: { role: "line2", line: 2 } } },
    packs: { "krasnoyarsk-kmiac": { mode: o.mode ?? "dry-run" } },
  });
  const bridge = await startBridge({
    config,
    configFile: "/tmp/reglament-test.yaml",
    env: { REDIS_URL: o.redisUrl },
    logger: silentLogger,
    registry: new AdapterRegistry([fakeTrackerFactory]),
    clock: () => now,
  });
  const redis: RedisClient = await connectRedis(o.redisUrl);
  const sla = new Queue("sla", { connection: redis, prefix: new KeySpace(o.prefix, 1).queuePrefix("sla") });
  return {
    bridge,
    tracker,
    setNow: (iso) => {
      now = Date.parse(iso);
    },
    async fireDue() {
      let fired = 0;
      const due = await redis.hgetall(`${o.prefix}:sla:due`);
      for (const [ticket, at36] of Object.entries(due)) {
        const at = Number.parseInt(at36, 36);
        if (at > now) continue;
        const job = await sla.getJob(SlaScheduler.jobId(ticket, at));
        if (job && (await job.getState()) === "delayed") {
          await job.promote();
          fired++;
        }
      }
      return fired;
    },
    async webhook(delivery, issue, change = { kind: "created", actor: { id: "clinic" } }) {
      const res = await fetch(`${bridge.address}/webhooks/shop`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-token": "s3cret" },
        body: JSON.stringify({ delivery, issue, change }),
      });
      return res.status;
    },
    async stop() {
      await sla.close();
      await bridge.shutdown.run("test end");
      await deleteKeysOf(redis, o.prefix);
      redis.disconnect();
    },
  };
}

/**
 * A console test file: only loopback network (the browser and fetch reach the bridge, the
 * tracker answers through nock); after each test `cleanUp` runs and the mocks are dropped.
 */
export function consoleTestEnvironment(cleanUp: () => Promise<void>): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(async () => {
    await cleanUp();
    nock.cleanAll();
  });
  afterAll(() => nock.enableNetConnect());
}

/**
 * Console bridges for one test file, on the shared DB 2 (each removes only its own keys):
 * `start` makes one with the Krasnoyarsk issue, stopped after each test.
 */
export function consoleBridges(name: string, redisUrl: string) {
  let n = 0;
  let current: ConsoleBridge | undefined;
  consoleTestEnvironment(async () => {
    await current?.stop();
    current = undefined;
  });
  return {
    async start(o: Partial<Parameters<typeof startConsoleBridge>[0]> = {}): Promise<ConsoleBridge> {
      current = await startConsoleBridge({
        redisUrl,
        prefix: `${name}${process.pid}x${n++}`,
        issues: [krasnoyarskIssue()],
        ...o,
      });
      return current;
    },
    get current(): ConsoleBridge | undefined {
      return current;
    },
  };
}
