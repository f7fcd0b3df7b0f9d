import { describe, expect, it } from "vitest";
import { Guard } from "../../src/access/guard.js";
import { AccessControl, AuthConfig } from "../../src/access/tokens.js";
import { createMetricsRegistry } from "../../src/metrics/registry.js";
import { Shutdown } from "../../src/runtime/shutdown.js";
import { buildApp } from "../../src/server/app.js";
import { silentLogger } from "../helpers/logger.js";

describe("Shutdown", () => {
  it("lets an in-flight request finish, then refuses new connections", async () => {
    const app = buildApp({
      logger: silentLogger,
      bodyLimit: 1024,
      metrics: createMetricsRegistry(),
      readiness: [],
      guard: new Guard(new AccessControl(AuthConfig.parse({})), undefined),
    });
    app.get("/slow", { config: { access: "open" } }, async () => {
      await new Promise((r) => setTimeout(r, 400));
      return { done: true };
    });
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const shutdown = new Shutdown(silentLogger, 5000);
    shutdown.add("http server", () => app.close());

    const inFlight = fetch(`${address}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const status = shutdown.run("test");

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(await status).toBe(0);
    await expect(fetch(`${address}/healthz`)).rejects.toThrow();
  });

  it("closes in reverse order of registration, once", async () => {
    const order: string[] = [];
    const shutdown = new Shutdown(silentLogger, 1000);
    shutdown.add("redis", async () => void order.push("redis"));
    shutdown.add("server", async () => void order.push("server"));
    const [a, b] = await Promise.all([shutdown.run("one"), shutdown.run("two")]);
    expect(order).toEqual(["server", "redis"]);
    expect([a, b]).toEqual([0, 0]);
  });

  it("gives up after its budget with status 1 when a closer hangs", async () => {
    const shutdown = new Shutdown(silentLogger, 200);
    shutdown.add("hangs", () => new Promise(() => {}));
    const started = Date.now();
    expect(await shutdown.run("test")).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reports a failing closer with status 1 and still runs the others", async () => {
    const closed: string[] = [];
    const shutdown = new Shutdown(silentLogger, 1000);
    shutdown.add("last", async () => void closed.push("last"));
    shutdown.add("fails", async () => {
      throw new Error("boom");
    });
    expect(await shutdown.run("test")).toBe(1);
    expect(closed).toEqual(["last"]);
  });
});
