import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import { connectRedis } from "../../src/redis/connection.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { testAuth } from "../helpers/bridge-http.js";
import { fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";
import { silentLogger } from "../helpers/logger.js";
import { deleteKeysOf, testRedisUrl } from "../helpers/redis.js";

/**
 * An instance a request names is looked up among the configured ones only: a name every
 * JavaScript object inherits is as unknown as any other, a 404, never a lookup that
 * finds Object.prototype's member and goes on (or fails with a 500).
 */
// DB 2 is shared and never flushed: this file removes only its own keys.
const redisUrl = testRedisUrl(2);
const prefix = `unknownnames${process.pid}`;
let bridge: RunningBridge;

beforeAll(async () => {
  bridge = await startBridge({
    config: fakeTrackerConfig("https://tracker.test", prefix),
    configFile: "/tmp/reglament-test.yaml",
    env: { REDIS_URL: redisUrl },
    logger: silentLogger,
    registry: new AdapterRegistry([fakeTrackerFactory]),
  });
});
afterAll(async () => {
  await bridge?.shutdown.run("test end");
  const redis = await connectRedis(redisUrl);
  await deleteKeysOf(redis, prefix);
  redis.disconnect();
});

describe("an instance named after an inherited member", () => {
  for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
    it(`"${name}": 404 REG_UNKNOWN_INSTANCE on every API route that takes an instance`, async () => {
      const requests = [
        { method: "GET", url: `/api/tickets/${name}/1/decisions` },
        { method: "GET", url: `/api/queues?instance=${name}` },
        { method: "GET", url: `/api/queues?ticket=${name}/1` },
        { method: "POST", url: "/api/audit", payload: { instance: name, since: "30d" } },
      ] as const;
      for (const request of requests) {
        const r = await bridge.app.inject({ ...request, headers: testAuth });
        expect(r.statusCode, `${request.method} ${request.url}`).toBe(404);
        expect(r.json(), `${request.method} ${request.url}`).toMatchObject({ error: "REG_UNKNOWN_INSTANCE" });
      }
    });
  }

  it("the configured instance is still found", async () => {
    const r = await bridge.app.inject({
      method: "GET",
      url: "/api/tickets/shop/1/decisions",
      headers: testAuth,
    });
    expect(r.statusCode).toBe(200);
  });
});
