import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pino } from "pino";
import { configSchema } from "../src/config/schema.js";
import { AdapterRegistry } from "../src/domain/adapter.js";
import { listPackIds } from "../src/engine/pack-catalogue.js";
import { packageRoot } from "../src/paths.js";
import { connectRedis } from "../src/redis/connection.js";
import { startBridge } from "../src/runtime/serve.js";
import { fakeTrackerFactory } from "../test/helpers/fake-tracker.js";

/**
 * Events per second from webhook to completed write-back: N tickets created with a
 * priority that contradicts their impact are posted to the bridge (enforce mode), and each
 * is corrected on a local stub tracker (read, patch, comment). Target: ≥ 1,000 events/s.
 */
export interface PipelineRun {
  count: number;
  acceptedMs: number;
  doneMs: number;
  corrected: number;
  rate: number;
}

/** One run of the pipeline; `history` is the config's history section (off unless given). */
export async function measurePipeline(
  count: number,
  history: Record<string, unknown> = { enabled: false },
): Promise<PipelineRun> {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/13";

  // The stub tracker and the webhook sender run in a second process, as they would in life.
  const load = spawn(process.execPath, ["--import", "tsx", join(packageRoot, "bench/pipeline-load.ts")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: load.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => String((await lines.next()).value ?? "");
  const trackerUrl = (await nextLine()).replace(/^tracker /, "");

  const redis = await connectRedis(redisUrl);
  await redis.flushdb();
  const config = configSchema(listPackIds()).parse({
    server: { port: 0, logLevel: "silent" },
    redis: { keyPrefix: "bench-pipeline" },
    history,
    pipeline: { partitions: 16 },
    trackers: {
      shop: {
        kind: "gitlab",
        baseUrl: trackerUrl,
        token: "t",
        webhookSecret: "s3cret",
        bridgeUser: "bot",
        writesPerSecond: 100_000,
        reconcileIntervalSeconds: 3600,
        projects: { support: { pack: "sevastopol-miac" } },
      },
    },
    actors: { shop: { ivanov: { role: "line1", line: 1 } } },
    packs: { "sevastopol-miac": { mode: "enforce", params: { headOfLine2: "petrova" } } },
  });
  const bridge = await startBridge({
    config,
    configFile: "bench",
    env: { REDIS_URL: redisUrl },
    logger: pino({ level: "silent" }),
    registry: new AdapterRegistry([fakeTrackerFactory]),
  });

  load.stdin!.write(`go ${bridge.address}/webhooks/shop ${count}\n`);
  const { acceptedMs, doneMs, corrected } = JSON.parse(await nextLine()) as {
    acceptedMs: number;
    doneMs: number;
    corrected: number;
  };
  await bridge.shutdown.run("bench end");
  load.kill();
  await redis.flushdb();
  redis.disconnect();
  return { count, acceptedMs, doneMs, corrected, rate: corrected / (doneMs / 1000) };
}

export async function run(): Promise<void> {
  const { count, acceptedMs, doneMs, corrected, rate } = await measurePipeline(
    Number(process.env.PIPELINE_EVENTS ?? 3000),
  );
  const seconds = doneMs / 1000;
  console.log(
    `bench/pipeline — ${count.toLocaleString("en-US")} events, webhook → decision → write-back on a stub tracker (sender and tracker in a second process)`,
  );
  console.log(`  all webhooks accepted after     ${(acceptedMs / 1000).toFixed(2)} s`);
  console.log(
    `  write-backs completed           ${corrected.toLocaleString("en-US")} in ${seconds.toFixed(2)} s`,
  );
  console.log(
    `  throughput                      ${Math.round(rate).toLocaleString("en-US")} events/s  (target ≥ 1,000/s: ${rate >= 1000 ? "met" : "MISSED"})`,
  );
}
