import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Guard } from "../access/guard.js";
import { Errors, isReglamentError } from "../errors/catalogue.js";
import { lazyRequestLogger, RequestLines } from "./logger.js";

export interface ReadinessCheck {
  name: string;
  /** Resolves true when the dependency answers; must not hang (give it its own deadline). */
  check: () => Promise<boolean>;
  /** What is wrong, when the check fails (else "failing" is shown). */
  explain?: () => string | undefined;
  /** Shown, but does not make the bridge not ready (a history store that is behind loses nothing). */
  advisory?: boolean;
}

export interface AppOptions {
  logger: Logger;
  bodyLimit: number;
  readiness: readonly ReadinessCheck[];
  metrics: Registry;
  /** Refreshes gauges that are read on demand (queue depths) before /metrics answers. */
  beforeMetrics?: () => Promise<void>;
  /** Guards every route but those that say they are open (health, webhooks, sign-in). */
  guard: Guard;
  /** Time limits on a request; a body trickled byte by byte is cut off, not buffered for minutes. */
  timeouts?: { requestMs: number; headersMs: number; keepAliveMs: number };
  /** Trust X-Forwarded-* of a reverse proxy (TLS termination): `true`, or addresses. */
  trustProxy?: boolean | string | string[];
}

const defaultTimeouts = { requestMs: 10_000, headersMs: 5_000, keepAliveMs: 65_000 };

/** Fastify's own refusals, said in the bridge's `{error, message}` shape with a REG_ code. */
const fastifyErrors: Record<string, { code: string; message: (bodyLimit: number) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: "REG_BODY_TOO_LARGE",
    message: (limit) =>
      `the body is larger than server.bodyLimit (${limit} bytes); raise it in the configuration if the tracker really sends that much`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: "REG_UNSUPPORTED_MEDIA_TYPE",
    message: () => "the content type is not one this route reads",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: "REG_BAD_REQUEST",
    message: () => "the body is empty though the content type says JSON",
  },
};

/**
 * The HTTP face of the bridge. Routes for webhooks and the decision API are added by
 * the runtime; this builds what every deployment has: health, readiness, metrics and
 * one error shape.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
    // A path with a broken %-escape is refused before routing, in the bridge's own words.
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      if (err.code !== "FST_ERR_BAD_URL") return reply.send(err);
      const refusal = Errors.BAD_URL("a %-escape is not two hexadecimal digits");
      return reply.status(400).send({ error: refusal.code, message: refusal.message });
    },
    // Node checks these every connectionsCheckingInterval; once a second keeps a slow client
    // from holding a connection much past its limit.
    requestTimeout: (options.timeouts ?? defaultTimeouts).requestMs,
    keepAliveTimeout: (options.timeouts ?? defaultTimeouts).keepAliveMs,
    http: {
      headersTimeout: (options.timeouts ?? defaultTimeouts).headersMs,
      connectionsCheckingInterval: 1000,
    },
    logController: new RequestLines(),
  });

  // A keep-alive connection that was busy when close() began would hold the server open
  // until its idle timeout; telling the client to close it lets shutdown finish promptly.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  options.guard.install(app);
  // Sign-in routes opt in with `config.rateLimit`; no other route pays for it.
  app.register(rateLimit, { global: false });

  app.setErrorHandler((err, request, reply) => {
    if (isReglamentError(err)) {
      // A Redis outage is logged once by its watcher, not once per refused delivery.
      // This is the request's one line (see RequestLines): it says what was asked.
      if (err.code === "REG_REDIS_UNAVAILABLE") request.log.debug({ code: err.code }, err.message);
      else request.log.warn({ req: request, code: err.code, details: err.details }, err.message);
      if (err.httpStatus === 503 && err.retryable) reply.header("retry-after", "5");
      if (err.httpStatus === 401) reply.header("www-authenticate", 'Bearer realm="reglament"');
      return reply
        .status(err.httpStatus)
        .send({ error: err.code, message: err.message, details: err.details });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ req: request, err }, "request failed");
    const known = fastifyErrors[(err as { code?: string }).code ?? ""];
    return reply.status(status).send({
      error: known?.code ?? (status >= 500 ? "REG_INTERNAL" : "REG_BAD_REQUEST"),
      message: known
        ? known.message(options.bodyLimit)
        : status >= 500
          ? "internal error; see the bridge's log"
          : (err as Error).message,
    });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: "REG_NOT_FOUND",
      message: `no ${request.method} ${request.url.split("?")[0]!.slice(0, 200)} here; the bridge answers /webhooks/<instance>, /api/tickets/<instance>/<id>/decisions, /api/decisions, /api/reports/sla, /api/audit, /api/queues, /console, /healthz, /readyz and /metrics`,
    }),
  );

  const open = { config: { access: "open" as const } };
  app.get("/healthz", open, async () => ({ status: "ok" }));

  app.get("/readyz", open, async (_request, reply) => {
    const results = await Promise.all(
      options.readiness.map(async (r) => ({ r, ok: await r.check().catch(() => false) })),
    );
    const checks = Object.fromEntries(
      results.map(({ r, ok }) => [r.name, ok ? "ok" : (r.explain?.() ?? "failing")]),
    );
    const ready = results.every(({ r, ok }) => ok || r.advisory);
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
  });

  app.get("/metrics", async (_request, reply) => {
    await options.beforeMetrics?.().catch((err) => app.log.warn({ err }, "could not read queue depths"));
    reply.header("content-type", options.metrics.contentType);
    return options.metrics.metrics();
  });

  return app;
}
