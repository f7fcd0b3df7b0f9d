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

  it("tells the watchers it begins before any closer runs", async () => {
    const order: string[] = [];
    const shutdown = new Shutdown(silentLogger, 1000);
    shutdown.add("redis", async () => void order.push("closed"));
    shutdown.onBegin(() => order.push("begun"));
    await shutdown.run("test");
    expect(order).toEqual(["begun", "closed"]);
  });

  it("takes a signal repeated meanwhile (npm passing on the terminal's Ctrl-C) for the same shutdown", async () => {
    const before = new Set(process.listeners("SIGINT"));
    const shutdown = new Shutdown(silentLogger, 1000);
    let closed = 0;
    shutdown.add("once", async () => void closed++);
    const exits: number[] = [];
    const exited = new Promise<void>((ok) =>
      shutdown.onSignals((status) => {
        exits.push(status);
        ok();
      }),
    );
    try {
      // Its own listeners only: the test runner's may listen too.
      const sigint = () => {
        for (const l of process.listeners("SIGINT")) if (!before.has(l)) l("SIGINT");
      };
      sigint();
      // Still listened to: a second SIGINT's default action would end the process mid-shutdown.
      expect(process.listeners("SIGINT").filter((l) => !before.has(l))).toHaveLength(1);
      sigint();
      await exited;
      await new Promise((r) => setTimeout(r, 50));
      expect(exits).toEqual([0]);
      expect(closed).toBe(1);
    } finally {
      for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
        for (const l of process.listeners(signal)) if (!before.has(l)) process.off(signal, l);
    }
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
