import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Guard } from "../../src/access/guard.js";
import { AccessControl, AuthConfig } from "../../src/access/tokens.js";
import { createMetricsRegistry } from "../../src/metrics/registry.js";
import { buildApp } from "../../src/server/app.js";
import { loggerOptions } from "../../src/server/logger.js";

/** The deployment's logger (info, redaction), its lines kept for the test to read. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino(loggerOptions("info"), sink);
  let children = 0;
  // Counted on the way through, each child still made by the logger it is asked of.
  const child = logger.child;
  logger.child = function (this: typeof logger, ...args: Parameters<typeof logger.child>) {
    children++;
    return child.apply(this, args);
  } as typeof logger.child;
  return { logger, lines, children: () => children };
}

const open = { config: { access: "open" as const } };

function appWith(logger: ReturnType<typeof capturedLogger>["logger"]) {
  const app = buildApp({
    logger,
    bodyLimit: 1024,
    metrics: createMetricsRegistry(),
    readiness: [],
    guard: new Guard(new AccessControl(AuthConfig.parse({ tokens: [] })), undefined),
  });
  app.post("/webhooks/quiet", open, async (_request, reply) =>
    reply.status(202).send({ status: "accepted" }),
  );
  app.post("/webhooks/talks", open, async (request, reply) => {
    request.log.warn({ instance: "gl", headers: { authorization: "Bearer s3cret" } }, "refused");
    request.log.debug("not at info");
    return reply.status(202).send({ status: "ignored" });
  });
  return app;
}

describe("a request's logger", () => {
  it("is not made for a request that writes no line", async () => {
    const log = capturedLogger();
    const app = appWith(log.logger);
    await app.ready();
    const before = log.children();
    for (let i = 0; i < 5; i++) {
      expect((await app.inject({ method: "POST", url: "/webhooks/quiet", payload: {} })).statusCode).toBe(
        202,
      );
    }
    expect(log.children() - before).toBe(0);
    expect(log.lines.filter((l) => l.msg !== "Server listening")).toEqual([]);
    await app.close();
  });

  it("writes with the request's id and the redaction when the request logs", async () => {
    const log = capturedLogger();
    const app = appWith(log.logger);
    await app.ready();
    const before = log.children();
    await app.inject({ method: "POST", url: "/webhooks/talks", payload: {} });
    await app.inject({ method: "POST", url: "/webhooks/talks", payload: {} });
    const refused = log.lines.filter((l) => l.msg === "refused");
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({ level: 40, instance: "gl", headers: { authorization: "[redacted]" } });
    expect(refused[0]!.reqId).toBeDefined();
    expect(refused[0]!.reqId).not.toBe(refused[1]!.reqId);
    expect(log.lines.some((l) => l.msg === "not at info")).toBe(false);
    expect(log.children() - before).toBe(2);
    await app.close();
  });

  it("writes one line for a request that ended: refusals at info, what succeeded and probes at debug", async () => {
    const log = capturedLogger();
    const app = appWith(log.logger);
    await app.inject({ method: "GET", url: "/healthz" });
    await app.inject({ method: "GET", url: "/console/nope?key=abc123" });
    const lines = log.lines.filter((l) => l.msg !== "Server listening");
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: "GET /console/nope?key=[redacted] 404",
        statusCode: 404,
        req: expect.objectContaining({
          method: "GET",
          url: "/console/nope?key=[redacted]",
          remoteAddress: "127.0.0.1",
        }),
      }),
    ]);
    expect(lines[0]!.reqId).toBeDefined();
    await app.close();
  });

  it("says a refusal once, with what was asked, and a readiness probe's 503 only at debug", async () => {
    const log = capturedLogger();
    const app = buildApp({
      logger: log.logger,
      bodyLimit: 1024,
      metrics: createMetricsRegistry(),
      readiness: [{ name: "redis", check: async () => false }],
      guard: new Guard(new AccessControl(AuthConfig.parse({ tokens: [] })), undefined),
    });
    expect((await app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    expect((await app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
    const lines = log.lines.filter((l) => l.msg !== "Server listening");
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        code: "REG_UNAUTHORIZED",
        req: expect.objectContaining({ url: "/metrics" }),
      }),
    ]);
    await app.close();
  });

  it("at debug, writes the one line of a request that succeeded", async () => {
    const log = capturedLogger();
    log.logger.level = "debug";
    const app = appWith(log.logger);
    await app.inject({ method: "GET", url: "/healthz" });
    expect(log.lines.filter((l) => l.msg === "GET /healthz 200")).toEqual([
      expect.objectContaining({ level: 20, statusCode: 200, responseTime: expect.any(Number) }),
    ]);
    expect(log.lines.filter((l) => /incoming request|request completed/.test(String(l.msg)))).toEqual([]);
    await app.close();
  });
});
