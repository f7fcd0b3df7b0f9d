import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Guard } from "../../src/access/guard.js";
import { AccessControl, AuthConfig } from "../../src/access/tokens.js";
import { createMetricsRegistry } from "../../src/metrics/registry.js";
import { createRedis, pingWithin } from "../../src/redis/connection.js";
import { buildApp } from "../../src/server/app.js";
import { silentLogger } from "../helpers/logger.js";
import { deadRedisUrl, testRedisUrl } from "../helpers/redis.js";

const live = createRedis(testRedisUrl(1));
const dead = createRedis(deadRedisUrl);

const viewer = "viewer-token-0123456789";
const operatorSha = createHash("sha256").update("operator-token-0123456789").digest("hex");
function appWith(
  redis: typeof live,
  auth: unknown = { tokens: [{ name: "wall", role: "viewer", token: viewer }] },
) {
  const app = buildApp({
    logger: silentLogger,
    bodyLimit: 1024,
    metrics: createMetricsRegistry(),
    readiness: [{ name: "redis", check: () => pingWithin(redis, 500) }],
    guard: new Guard(new AccessControl(AuthConfig.parse(auth)), undefined),
  });
  app.get("/api/things", async () => ({ things: [] }));
  app.post("/api/things", async () => ({ done: true }));
  return app;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

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
    const r = await appWith(dead).inject({ method: "GET", url: "/metrics", headers: bearer(viewer) });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/text\/plain/);
    expect(r.body).toMatch(/# TYPE reglament_process_cpu_user_seconds_total counter/);
  });

  it("/api/* and /metrics need a configured token: 401 without, 200 for a viewer's, 403 when a viewer acts", async () => {
    const app = appWith(dead, {
      tokens: [
        { name: "wall", role: "viewer", token: viewer },
        { name: "ops", role: "operator", sha256: operatorSha },
        { name: "unset", role: "operator", token: "" },
      ],
    });
    for (const url of ["/api/things", "/metrics"]) {
      const none = await app.inject({ method: "GET", url });
      expect(none.statusCode).toBe(401);
      expect(none.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(none.json()).toMatchObject({
        error: "REG_UNAUTHORIZED",
        message: expect.stringMatching(/Authorization: Bearer/),
      });
      expect((await app.inject({ method: "GET", url, headers: bearer("wrong") })).statusCode).toBe(401);
      expect((await app.inject({ method: "GET", url, headers: bearer(viewer) })).statusCode).toBe(200);
    }
    const acting = await app.inject({ method: "POST", url: "/api/things", headers: bearer(viewer) });
    expect(acting.statusCode).toBe(403);
    expect(acting.json()).toMatchObject({
      error: "REG_FORBIDDEN",
      message: expect.stringMatching(/operator's token/),
    });
    const operator = await app.inject({
      method: "POST",
      url: "/api/things",
      headers: bearer("operator-token-0123456789"),
    });
    expect(operator.statusCode).toBe(200);
    // An entry whose token is empty (an unset variable) is off, not a key that opens with "".
    expect(
      (await app.inject({ method: "GET", url: "/api/things", headers: { authorization: "Bearer " } }))
        .statusCode,
    ).toBe(401);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  it("no token configured: closed, and the answer says how to open it; a proxy's user header is trusted only when configured", async () => {
    const closed = appWith(dead, {});
    const r = await closed.inject({
      method: "GET",
      url: "/api/things",
      headers: { "x-forwarded-user": "petrova" },
    });
    expect(r.statusCode).toBe(401);
    expect(r.json().message).toMatch(/no token is configured; add one under server.auth.tokens/);
    const sso = appWith(dead, { proxy: { userHeader: "X-Forwarded-User" } });
    expect(
      (await sso.inject({ method: "GET", url: "/api/things", headers: { "x-forwarded-user": "petrova" } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await sso.inject({ method: "POST", url: "/api/things", headers: { "x-forwarded-user": "petrova" } }))
        .statusCode,
    ).toBe(403);
  });
});
