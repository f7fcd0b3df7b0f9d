import { spawn } from "node:child_process";
import { join } from "node:path";
import Fastify from "fastify";
import { destination, pino } from "pino";
import { Guard } from "../src/access/guard.js";
import { AccessControl } from "../src/access/tokens.js";
import { pipelineMetrics } from "../src/metrics/pipeline-metrics.js";
import { createMetricsRegistry } from "../src/metrics/registry.js";
import { exampleConfigPath, packageRoot } from "../src/paths.js";
import { Pipeline } from "../src/queue/pipeline.js";
import { connectRedis } from "../src/redis/connection.js";
import { createAdapters, defaultAdapterRegistry } from "../src/runtime/adapters.js";
import { loadDeploymentConfig } from "../src/runtime/deployment-config.js";
import { loadDeploymentPacks } from "../src/runtime/deployment-packs.js";
import { buildApp } from "../src/server/app.js";
import { loggerOptions } from "../src/server/logger.js";
import { webhookRoutes } from "../src/server/webhooks.js";

/**
 * Webhook ingest with durable enqueue (verify, parse, add to the inbox, 202 after Redis
 * acknowledged) through the real GitLab adapter, loaded by autocannon from a second process
 * with real Issue Hooks (bench/ingest-load.ts), side by side with a bare fastify route that
 * parses the same JSON and answers 202 without Redis — the same load generator, payloads
 * and connections. Targets: ≥ 0.5 × the bare route, and p99 at 1,000 webhooks/s ≤ 2 × the bare
 * route's p99.
 */
const instance = "erecipe-gitlab";

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

interface Measured {
  result: CannonResult;
  /** This process's CPU time per answered request: the server's cost, whatever the machine's noise. */
  cpuMicros: number;
}

async function measured(load: () => Promise<CannonResult>): Promise<Measured> {
  const before = process.cpuUsage();
  const result = await load();
  const used = process.cpuUsage(before);
  const answered = Math.max(1, result.requests.total);
  return { result, cpuMicros: (used.user + used.system) / answered };
}

function median(values: Measured[], by: (m: Measured) => number): Measured {
  const sorted = [...values].sort((a, b) => by(a) - by(b));
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One load run from bench/ingest-load.ts in its own process (the servers measured live in this one). */
async function cannon(url: string, seconds: number, rate = 0): Promise<CannonResult> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(packageRoot, "bench/ingest-load.ts"), url, String(seconds), String(rate)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c));
  child.stderr.on("data", (c: Buffer) => (err += c));
  const code = await new Promise<number | null>((ok) => child.on("close", ok));
  if (code !== 0) throw new Error(`the load generator failed: ${err}`);
  return JSON.parse(out) as CannonResult;
}

export async function run(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/14";
  const redis = await connectRedis(redisUrl, { enableOfflineQueue: true, enableAutoPipelining: true });
  await redis.flushdb();
  // The shipped example's GitLab instance, with the real adapter: what a deployment runs.
  const example = loadDeploymentConfig(exampleConfigPath, { GITLAB_WEBHOOK_SECRET: "bench-secret" }).config;
  const config = { ...example, redis: { ...example.redis, keyPrefix: "bench-ingest" } };
  // The deployment's logger (info, with its redaction), its lines thrown away.
  const logger = pino(loggerOptions("info"), destination("/dev/null"));
  const registry = createMetricsRegistry();
  const metrics = pipelineMetrics(registry);
  const adapters = createAdapters(config, defaultAdapterRegistry(), logger);
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
    guard: new Guard(new AccessControl(config.server.auth), undefined),
  });
  await webhookRoutes(app, { config, adapters, pipeline, metrics });
  const bridgeUrl = `${await app.listen({ host: "127.0.0.1", port: 0 })}/webhooks/${instance}`;

  const bare = Fastify();
  bare.post(`/webhooks/${instance}`, async (_req, reply) => reply.status(202).send({ status: "accepted" }));
  const bareUrl = `${await bare.listen({ host: "127.0.0.1", port: 0 })}/webhooks/${instance}`;

  // This class of machine is shared and noisy: one bridge run beside one bare run can differ
  // twofold for no reason of theirs. So both are warmed up, then measured in alternating
  // rounds, and the median round of each is compared; CPU per request is printed as well,
  // being steadier than requests per second.
  const seconds = Number(process.env.INGEST_SECONDS ?? 3);
  const rounds = Number(process.env.INGEST_ROUNDS ?? 5);
  await cannon(bridgeUrl, 1);
  await cannon(bareUrl, 1);
  const full = { ours: [] as Measured[], bare: [] as Measured[] };
  const paced = { ours: [] as Measured[], bare: [] as Measured[] };
  for (let r = 0; r < rounds; r++) {
    full.ours.push(await measured(() => cannon(bridgeUrl, seconds)));
    full.bare.push(await measured(() => cannon(bareUrl, seconds)));
  }
  for (let r = 0; r < rounds; r++) {
    paced.ours.push(await measured(() => cannon(bridgeUrl, seconds, 1000)));
    paced.bare.push(await measured(() => cannon(bareUrl, seconds, 1000)));
  }
  const queued = await pipeline.inboxBacklog();

  const ours = median(full.ours, (m) => m.result.requests.average);
  const baseline = median(full.bare, (m) => m.result.requests.average);
  const pacedOurs = median(paced.ours, (m) => m.result.latency.p99);
  const pacedBare = median(paced.bare, (m) => m.result.latency.p99);
  const row = (name: string, m: Measured) =>
    `  ${name.padEnd(44)} ${Math.round(m.result.requests.average).toLocaleString("en-US").padStart(8)} req/s   p50 ${String(m.result.latency.p50).padStart(3)} ms   p99 ${String(m.result.latency.p99).padStart(3)} ms   ${String(Math.round(m.cpuMicros)).padStart(4)} µs CPU/req   errors ${m.result.errors + m.result.non2xx}`;
  const ratio = ours.result.requests.average / baseline.result.requests.average;
  console.log(
    `bench/ingest — GitLab Issue Hooks (4 KB) from autocannon in a second process, 64 connections; the median of ${rounds} alternating rounds of ${seconds} s`,
  );
  console.log(row("reglament: verify, parse, durable enqueue", ours));
  console.log(row("bare fastify: 202 without Redis", baseline));
  console.log(row("reglament at 1,000 webhooks/s", pacedOurs));
  console.log(row("bare fastify at 1,000 webhooks/s", pacedBare));
  console.log(
    `  rounds, req/s: reglament ${full.ours.map((m) => Math.round(m.result.requests.average)).join(", ")}; bare ${full.bare.map((m) => Math.round(m.result.requests.average)).join(", ")}`,
  );
  console.log(`  events durably queued: ${queued.toLocaleString("en-US")}`);
  const mark = (ok: boolean) => (ok ? "met" : "MISSED");
  const p99 = pacedOurs.result.latency.p99;
  const bareP99 = pacedBare.result.latency.p99;
  console.log(
    `  ratio ${ratio.toFixed(2)} (target ≥ 0.5: ${mark(ratio >= 0.5)}); p99 at 1,000/s ${p99} ms against the bare route's ${bareP99} ms (target ≤ 2×: ${mark(p99 <= 2 * bareP99)})`,
  );

  await app.close();
  await bare.close();
  await pipeline.close();
  await redis.flushdb();
  redis.disconnect();
}
