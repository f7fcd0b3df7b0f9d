import type { FastifyInstance } from "fastify";
import type { Config } from "../config/schema.js";
import type { TrackerAdapter } from "../domain/adapter.js";
import { Errors } from "../errors/catalogue.js";
import type { PipelineMetrics } from "../metrics/pipeline-metrics.js";
import type { Pipeline } from "../queue/pipeline.js";
import { jsonDepthExceeds, maxJsonDepth } from "./json-depth.js";

/**
 * `POST /webhooks/:instance`. The adapter verifies and parses the raw body; a valid
 * delivery is answered 202 only after Redis holds its jobs. Unknown instance → 404, bad
 * secret → 401, over the body limit → 413, not a known shape or nested deeper than 64
 * levels → 400 — none enqueued; Redis not answering → 503 with Retry-After. An
 * event type or project the bridge does not handle is 202 and a log line, never an error
 * that would make the tracker disable its hook.
 */
/** The 202 answer's shape: serialised by a compiled function, not a generic JSON.stringify. */
const answer = {
  type: "object",
  properties: {
    status: { type: "string" },
    reason: { type: "string" },
    accepted: { type: "integer" },
    duplicates: { type: "integer" },
  },
  required: ["status"],
} as const;

export async function webhookRoutes(
  app: FastifyInstance,
  deps: {
    config: Config;
    adapters: ReadonlyMap<string, TrackerAdapter>;
    pipeline: Pipeline;
    metrics: PipelineMetrics;
  },
): Promise<void> {
  const { config, adapters, pipeline, metrics } = deps;
  // The labelled counters of the hot path, looked up once instead of hashed on every delivery.
  const counted = new Map<string, { inc(): void }>();
  const count = (instance: string, result: string, reason = "") => {
    const key = `${instance}\u0000${result}\u0000${reason}`;
    let child = counted.get(key);
    if (!child) {
      child = metrics.webhooks.labels(instance, result, reason);
      counted.set(key, child);
    }
    child.inc();
  };
  // A Map, so that no name a caller sends (`__proto__`, `constructor`) reads as an instance.
  const trackers = new Map(Object.entries(config.trackers));
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

    // Before the body is read: a delivery to no instance, or without the instance's secret,
    // is refused while only its headers have arrived, so a stranger cannot make the bridge
    // buffer bodies. The instance is not named back, nor the configured ones listed.
    scope.addHook<{ Params: { instance: string } }>("onRequest", (request, _reply, done) => {
      const { instance } = request.params;
      if (!trackers.has(instance)) {
        // Not labelled with the name asked for: a caller could mint a series per request.
        count("(unknown)", "rejected", "unknown-instance");
        return done(Errors.WEBHOOK_NO_INSTANCE());
      }
      try {
        adapters.get(instance)?.verifyWebhookHeaders?.(request.headers);
      } catch (err) {
        count(instance, "rejected", "unauthorized");
        return done(err as Error);
      }
      done();
    });

    scope.post<{ Params: { instance: string } }>(
      "/webhooks/:instance",
      { schema: { response: { 202: answer } }, config: { access: "open" } },
      async (request, reply) => {
        const { instance } = request.params;
        const tracker = trackers.get(instance)!;
        const adapter = adapters.get(instance);
        if (!adapter) {
          count(instance, "rejected", "adapter-unavailable");
          throw Errors.ADAPTER_UNAVAILABLE(instance, tracker.kind);
        }
        const webhook = {
          headers: request.headers,
          rawBody: (request.body as Buffer | undefined) ?? Buffer.alloc(0),
        };
        try {
          adapter.verifyWebhook(webhook);
        } catch (err) {
          count(instance, "rejected", "unauthorized");
          throw err;
        }
        if (jsonDepthExceeds(webhook.rawBody, maxJsonDepth)) {
          count(instance, "rejected", "invalid");
          throw Errors.WEBHOOK_INVALID(
            instance,
            `the body nests deeper than ${maxJsonDepth} levels; no tracker sends that, so it is refused unread`,
          );
        }
        let parsed: ReturnType<TrackerAdapter["parseWebhook"]>;
        try {
          parsed = adapter.parseWebhook(webhook);
        } catch (err) {
          count(instance, "rejected", "invalid");
          throw err;
        }
        if (!parsed.handled) {
          count(instance, "ignored", "not-handled");
          request.log.info({ instance, reason: parsed.reason }, "webhook not handled; acknowledged");
          return reply.status(202).send({ status: "ignored", reason: parsed.reason });
        }
        const governed = parsed.events.filter(
          (e) => e.ref.project !== undefined && Object.hasOwn(tracker.projects, e.ref.project),
        );
        if (governed.length < parsed.events.length) {
          const projects = [
            ...new Set(parsed.events.filter((e) => !governed.includes(e)).map((e) => e.ref.project)),
          ];
          request.log.warn(
            { instance, projects },
            "webhook for a project no pack governs; acknowledged and ignored",
          );
        }
        if (governed.length === 0) {
          count(instance, "ignored", "unknown-project");
          return reply.status(202).send({ status: "ignored", reason: "no configured project" });
        }
        let enqueued: { accepted: number; duplicates: number };
        try {
          enqueued = await pipeline.enqueue(instance, governed);
        } catch (err) {
          count(instance, "rejected", "redis-unavailable");
          request.log.debug({ err }, "enqueue failed");
          throw Errors.REDIS_UNAVAILABLE();
        }
        const { accepted, duplicates } = enqueued;
        count(instance, accepted ? "accepted" : "duplicate");
        return reply.status(202).send({ status: accepted ? "accepted" : "duplicate", accepted, duplicates });
      },
    );
  });
}
