import { spawn } from "node:child_process";
import { join } from "node:path";
import Fastify from "fastify";
import { pino } from "pino";
import { AccessControl } from "../src/access/tokens.js";
import { configSchema } from "../src/config/schema.js";
import { listPackIds } from "../src/engine/pack-catalogue.js";
import { pipelineMetrics } from "../src/metrics/pipeline-metrics.js";
import { createMetricsRegistry } from "../src/metrics/registry.js";
import { packageRoot } from "../src/paths.js";
import { Pipeline } from "../src/queue/pipeline.js";
import { connectRedis } from "../src/redis/connection.js";
import { loadDeploymentPacks } from "../src/runtime/deployment-packs.js";
import { buildApp } from "../src/server/app.js";
import { webhookRoutes } from "../src/server/webhooks.js";
import { fakeTrackerFactory } from "../test/helpers/fake-tracker.js";

/**
 * Webhook ingest with durable enqueue (verify, parse, add to the events queue, 202 after
 * Redis acknowledged), loaded by autocannon from a second process, side by side with a
 * bare fastify route that answers 202 without Redis — the same load generator and
 * connections. Targets: ≥ 0.5 × the bare route, and p99 at 1,000 webhooks/s ≤ 2 × the bare
 * route's p99.
 */
interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** Runs autocannon in a child process (asynchronously: the servers measured live in this one). */
async function cannon(url: string, extra: string[], seconds: number): Promise<CannonResult> {
  const body = JSON.stringify({
    delivery: "[<id>]",
    issue: {
      id: "[<id>]",
      project: "support",
      title: "t",
      status: "new",
      reporter: "ivanov",
      created_at: "2026-03-02T09:00:00+03:00",
    },
    change: { kind: "created", actor: { id: "ivanov" } },
  });
  const bin = join(packageRoot, "node_modules/autocannon/autocannon.js");
  const child = spawn(
    process.execPath,
    [
      bin,
      "-m",
      "POST",
      "-H",
      "content-type=application/json",
      "-H",
      "x-test-token=s3cret",
      "-b",
      body,
      "--idReplacement",
      "-d",
      String(seconds),
      "-c",
      "64",
      "-j",
      ...extra,
      url,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c));
  child.stderr.on("data", (c: Buffer) => (err += c));
  const code = await new Promise<number | null>((ok) => child.on("close", ok));
  if (code !== 0) throw new Error(`autocannon failed: ${err}`);
  return JSON.parse(out) as CannonResult;
}

export async function run(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/14";
  const redis = await connectRedis(redisUrl, { enableOfflineQueue: true, enableAutoPipelining: true });
  await redis.flushdb();
  const config = configSchema(listPackIds()).parse({
    redis: { keyPrefix: "bench-ingest" },
    trackers: {
      shop: {
        kind: "gitlab",
        baseUrl: "http://127.0.0.1:9",
        token: "t",
        webhookSecret: "s3cret",
        bridgeUser: "bot",
        projects: { support: { pack: "sevastopol-miac" } },
      },
    },
  });
  const logger = pino({ level: "silent" });
  const registry = createMetricsRegistry();
  const metrics = pipelineMetrics(registry);
  const adapters = new Map([["shop", fakeTrackerFactory.create("shop", config.trackers.shop!, { logger })]]);
  // Ingest alone: no workers take the events off the queues while it is measured.
  const pipeline = new Pipeline({
    config,
    adapters,
    packs: loadDeploymentPacks(config, "bench"),
    redis,
    logger,
    metrics,
  });
  const app = buildApp({
    logger,
    bodyLimit: config.server.bodyLimit,
    metrics: registry,
    readiness: [],
    access: new AccessControl(config.server.auth),
  });
  await webhookRoutes(app, { config, adapters, pipeline, metrics });
  const bridgeUrl = `${await app.listen({ host: "127.0.0.1", port: 0 })}/webhooks/shop`;

  const bare = Fastify();
  bare.post("/webhooks/shop", async (_req, reply) => reply.status(202).send({ status: "accepted" }));
  const bareUrl = `${await bare.listen({ host: "127.0.0.1", port: 0 })}/webhooks/shop`;

  const seconds = Number(process.env.INGEST_SECONDS ?? 5);
  const ours = await cannon(bridgeUrl, [], seconds);
  const baseline = await cannon(bareUrl, [], seconds);
  const paced = await cannon(bridgeUrl, ["--overallRate", "1000"], seconds);
  const pacedBare = await cannon(bareUrl, ["--overallRate", "1000"], seconds);
  const queued = await pipeline.inboxBacklog();

  const row = (name: string, r: CannonResult) =>
    `  ${name.padEnd(44)} ${Math.round(r.requests.average).toLocaleString("en-US").padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   p99 ${String(r.latency.p99).padStart(3)} ms   errors ${r.errors + r.non2xx}`;
  const ratio = ours.requests.average / baseline.requests.average;
  console.log(`bench/ingest — autocannon from a second process, 64 connections, ${seconds} s each`);
  console.log(row("reglament: verify, parse, durable enqueue", ours));
  console.log(row("bare fastify: 202 without Redis", baseline));
  console.log(row("reglament at 1,000 webhooks/s", paced));
  console.log(row("bare fastify at 1,000 webhooks/s", pacedBare));
  console.log(`  events durably queued: ${queued.toLocaleString("en-US")}`);
  const mark = (ok: boolean) => (ok ? "met" : "MISSED");
  console.log(
    `  ratio ${ratio.toFixed(2)} (target ≥ 0.5: ${mark(ratio >= 0.5)}); p99 at 1,000/s ${paced.latency.p99} ms against the bare route's ${pacedBare.latency.p99} ms (target ≤ 2×: ${mark(paced.latency.p99 <= 2 * pacedBare.latency.p99)})`,
  );

  await app.close();
  await bare.close();
  await pipeline.close();
  await redis.flushdb();
  redis.disconnect();
}
