import { EventEmitter } from "node:events";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import type { RedisClient } from "../../src/redis/connection.js";
import { RedisOutage } from "../../src/redis/outage.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { RedisProcess } from "../chaos/processes.js";
import { until } from "../helpers/bridge-http.js";
import { fakeIssue, fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";

/**
 * Redis going away under a running bridge (a private redis-server killed, then started
 * again on its append-only file): webhooks are answered 503 with Retry-After, the outage
 * is told once and its end once, and deliveries are accepted again when it is back.
 */
describe("a Redis outage", () => {
  it("503 with Retry-After while it lasts, one line when it starts and one when it ends, accepted again after", async () => {
    const redis = await RedisProcess.start();
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });
    let bridge: RunningBridge | undefined;
    try {
      bridge = await startBridge({
        config: fakeTrackerConfig("https://tracker.test", "outage", { mode: "dry-run" }),
        configFile: "/tmp/reglament-test.yaml",
        env: { REDIS_URL: redis.url },
        logger,
        registry: new AdapterRegistry([fakeTrackerFactory]),
      });
      const post = (delivery: string) =>
        bridge!.app.inject({
          method: "POST",
          url: "/webhooks/shop",
          headers: { "content-type": "application/json", "x-test-token": "s3cret" },
          payload: JSON.stringify({
            delivery,
            issue: fakeIssue(),
            change: { kind: "created", actor: { id: "ivanov" } },
          }),
        });
      expect((await post("before")).statusCode).toBe(202);

      await redis.kill();
      await until(
        async () => lines.filter((l) => /Redis went away/.test(l)).length,
        (n) => n === 1,
      );
      for (const d of ["during-1", "during-2", "during-3"]) {
        const res = await post(d);
        expect(res.statusCode).toBe(503);
        expect(res.headers["retry-after"]).toBe("5");
        expect(res.json()).toMatchObject({
          error: "REG_REDIS_UNAVAILABLE",
          message: expect.stringMatching(/send it again/),
        });
      }
      expect((await bridge.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
      await new Promise((r) => setTimeout(r, 1500));

      await redis.up();
      await until(
        async () => lines.filter((l) => /Redis is back after/.test(l)).length,
        (n) => n === 1,
        10_000,
      );
      const accepted = await until(
        async () => (await post("after")).statusCode,
        (s) => s === 202,
      );
      expect(accepted).toBe(202);
      const parsed = lines.map(
        (l) => JSON.parse(l) as { msg: string; level: number; outageSeconds?: number },
      );
      expect(parsed.filter((l) => /Redis went away/.test(l.msg))).toHaveLength(1);
      expect(parsed.find((l) => /Redis is back/.test(l.msg))?.outageSeconds).toBeGreaterThan(1);
      // No stack per failed command or job: connection errors are the outage line's.
      expect(parsed.filter((l) => /worker error|queue error/.test(l.msg))).toEqual([]);
      expect(parsed.filter((l) => l.level >= 50 && !/Redis went away/.test(l.msg))).toEqual([]);
    } finally {
      await bridge?.shutdown.run("test end");
      await redis.kill();
    }
  }, 60_000);

  it("Redis going away once the shutdown has begun is said at info, and still noted as down", () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const redis = Object.assign(new EventEmitter(), { status: "ready" }) as unknown as RedisClient;
    const outage = new RedisOutage(redis, logger, "redis://127.0.0.1:6379");
    outage.shuttingDown();
    redis.emit("close");
    expect(outage.down).toBe(true);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, "Redis went away during the shutdown; what is queued stays there"],
    ]);
  });

  it("a shutdown while Redis is away ends within seconds, not at the shutdown timeout", async () => {
    const redis = await RedisProcess.start();
    const bridge = await startBridge({
      config: fakeTrackerConfig("https://tracker.test", "outage-stop", { mode: "dry-run" }),
      configFile: "/tmp/reglament-test.yaml",
      env: { REDIS_URL: redis.url },
      logger: pino({ level: "silent" }),
      registry: new AdapterRegistry([fakeTrackerFactory]),
    });
    await redis.kill();
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    expect(await bridge.shutdown.run("test end")).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 30_000);
});
