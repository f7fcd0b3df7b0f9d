import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { type AccessControl, isProtectedPath } from "../access/tokens.js";
import { isReglamentError } from "../errors/catalogue.js";

export interface ReadinessCheck {
  name: string;
  /** Resolves true when the dependency answers; must not hang (give it its own deadline). */
  check: () => Promise<boolean>;
}

export interface AppOptions {
  logger: Logger;
  bodyLimit: number;
  readiness: readonly ReadinessCheck[];
  metrics: Registry;
  /** Refreshes gauges that are read on demand (queue depths) before /metrics answers. */
  beforeMetrics?: () => Promise<void>;
  /** Guards /api/*, /metrics and the console. */
  access: AccessControl;
}

/**
 * The HTTP face of the bridge. Routes for webhooks and the decision API are added by
 * the runtime; this builds what every deployment has: health, readiness, metrics and
 * one error shape.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
  });

  // A keep-alive connection that was busy when close() began would hold the server open
  // until its idle timeout; telling the client to close it lets shutdown finish promptly.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  options.access.protect(app, isProtectedPath);

  app.setErrorHandler((err, request, reply) => {
    if (isReglamentError(err)) {
      // A Redis outage is logged once by its watcher, not once per refused delivery.
      if (err.code === "REG_REDIS_UNAVAILABLE") request.log.debug({ code: err.code }, err.message);
      else request.log.warn({ code: err.code, details: err.details }, err.message);
      if (err.httpStatus === 503 && err.retryable) reply.header("retry-after", "5");
      if (err.httpStatus === 401) reply.header("www-authenticate", 'Bearer realm="reglament"');
      return reply
        .status(err.httpStatus)
        .send({ error: err.code, message: err.message, details: err.details });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err }, "request failed");
    return reply.status(status).send({
      error: (err as { code?: string }).code ?? "REG_INTERNAL",
      message: status >= 500 ? "internal error; see the bridge's log" : (err as Error).message,
    });
  });

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const results = await Promise.all(
      options.readiness.map(async (r) => [r.name, await r.check().catch(() => false)] as const),
    );
    const checks = Object.fromEntries(results.map(([name, ok]) => [name, ok ? "ok" : "failing"]));
    const ready = results.every(([, ok]) => ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
  });

  app.get("/metrics", async (_request, reply) => {
    await options.beforeMetrics?.().catch((err) => app.log.warn({ err }, "could not read queue depths"));
    reply.header("content-type", options.metrics.contentType);
    return options.metrics.metrics();
  });

  return app;
}
