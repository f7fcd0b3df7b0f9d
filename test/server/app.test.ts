import { afterAll, describe, expect, it } from "vitest";
import { createMetricsRegistry } from "../../src/metrics/registry.js";
import { createRedis, pingWithin } from "../../src/redis/connection.js";
import { buildApp } from "../../src/server/app.js";
import { silentLogger } from "../helpers/logger.js";
import { deadRedisUrl, testRedisUrl } from "../helpers/redis.js";

const live = createRedis(testRedisUrl(1));
const dead = createRedis(deadRedisUrl);

function appWith(redis: typeof live) {
  return buildApp({
    logger: silentLogger,
    bodyLimit: 1024,
    metrics: createMetricsRegistry(),
    readiness: [{ name: "redis", check: () => pingWithin(redis, 500) }],
  });
}

afterAll(async () => {
  live.disconnect();
  dead.disconnect();
});

describe("server", () => {
  it("/healthz answers 200 while the process lives", async () => {
    const app = appWith(dead);
    const r = await app.inject({ method: "GET", url: "/healthz" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: "ok" });
  });

  it("/readyz is 200 when Redis answers", async () => {
    await live.connect();
    const r = await appWith(live).inject({ method: "GET", url: "/readyz" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: "ready", checks: { redis: "ok" } });
  });

  it("/readyz is 503 naming Redis when Redis is unreachable", async () => {
    await dead.connect().catch(() => {});
    const r = await appWith(dead).inject({ method: "GET", url: "/readyz" });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({ status: "not ready", checks: { redis: "failing" } });
  });

  it("/metrics speaks the Prometheus text format", async () => {
    const r = await appWith(dead).inject({ method: "GET", url: "/metrics" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/text\/plain/);
    expect(r.body).toMatch(/# TYPE reglament_process_cpu_user_seconds_total counter/);
  });
});
