import { spawn } from "node:child_process";
import { join } from "node:path";
import { pino } from "pino";
import { configSchema } from "../src/config/schema.js";
import { AdapterRegistry } from "../src/domain/adapter.js";
import { listPackIds } from "../src/engine/pack-catalogue.js";
import { packageRoot } from "../src/paths.js";
import { connectRedis } from "../src/redis/connection.js";
import { startBridge } from "../src/runtime/serve.js";
import { fakeTrackerFactory } from "../test/helpers/fake-tracker.js";
import { measureBaseline } from "./pipeline-baseline.js";
import { type LoadRun, startLoad } from "./pipeline-load-process.js";

/**
 * Events per second from webhook to completed write-back: N tickets created with a
 * priority that contradicts their impact are posted to the bridge (enforce mode), and each
 * is corrected on a local stub tracker (read, patch, comment) — beside the same-run
 * baseline (bench/pipeline-baseline.ts). Targets: ≥ 0.6 × the baseline, ≥ 1,000 events/s
 * (steady RSS ≤ 150 MB is bench/soak's, measured on the bridge as shipped). `--processes 1,2` runs the bridge as that many processes (the
 * extra ones `serve --role worker`) to show the scaling.
 */
const PARTITIONS = 16;

export function benchConfig(trackerUrl: string, history: Record<string, unknown> = { enabled: false }) {
  return configSchema(listPackIds()).parse({
    server: { port: 0, logLevel: "silent" },
    redis: { keyPrefix: "bench-pipeline" },
    history,
    pipeline: { partitions: PARTITIONS },
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
}

export interface PipelineRun extends LoadRun {
  /** The bridge process's largest RSS while the load ran, in MB. */
  rssMb: number;
}

/** One run of the pipeline; `history` is the config's history section (off unless given). */
export async function measurePipeline(
  count: number,
  history: Record<string, unknown> = { enabled: false },
  processes = 1,
): Promise<PipelineRun> {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/13";
  const load = await startLoad();
  const redis = await connectRedis(redisUrl);
  await redis.flushdb();
  const config = benchConfig(load.trackerUrl, history);
  const bridge = await startBridge({
    config,
    configFile: "bench",
    env: { REDIS_URL: redisUrl },
    logger: pino({ level: "silent" }),
    registry: new AdapterRegistry([fakeTrackerFactory]),
  });
  const helpers = Array.from({ length: processes - 1 }, () =>
    spawn(process.execPath, ["--import", "tsx", join(packageRoot, "bench/pipeline-worker.ts")], {
      env: { ...process.env, REDIS_URL: redisUrl, BENCH_TRACKER: load.trackerUrl },
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  await Promise.all(helpers.map((h) => new Promise<void>((ok) => h.stdout!.once("data", () => ok()))));
  let rss = process.memoryUsage().rss;
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 250);
  try {
    const result = await load.run(`${bridge.address}/webhooks/shop`, count);
    return { ...result, rssMb: rss / 1048576 };
  } finally {
    clearInterval(sampler);
    for (const h of helpers) h.kill("SIGTERM");
    await bridge.shutdown.run("bench end");
    load.stop();
    await redis.flushdb();
    redis.disconnect();
  }
}

const mark = (ok: boolean) => (ok ? "met" : "MISSED");

export async function run(): Promise<void> {
  const count = Number(process.env.PIPELINE_EVENTS ?? 3000);
  const flag = process.argv.indexOf("--processes");
  const counts = flag > 0 ? process.argv[flag + 1]!.split(",").map(Number) : [1];
  console.log(
    `bench/pipeline — ${count.toLocaleString("en-US")} events, webhook → decision → write-back on a stub tracker (sender and tracker in a second process)`,
  );
  const baseline = await measureBaseline(count, PARTITIONS);
  const row = (name: string, r: LoadRun, extra = "") =>
    console.log(
      `  ${name.padEnd(40)} ${Math.round(r.rate).toLocaleString("en-US").padStart(6)} events/s   all accepted after ${(r.acceptedMs / 1000).toFixed(2)} s, done after ${(r.doneMs / 1000).toFixed(2)} s${extra}`,
    );
  row("baseline: BullMQ chain, same tracker calls", baseline);
  let first: PipelineRun | undefined;
  for (const processes of counts) {
    const r = await measurePipeline(count, { enabled: false }, processes);
    first ??= r;
    row(
      `reglament, ${processes} process${processes > 1 ? "es" : ""}`,
      r,
      `, RSS ≤ ${Math.round(r.rssMb)} MB${r.corrected < count ? ` — only ${r.corrected} corrected` : ""}`,
    );
    if (processes > 1) console.log(`    scaling ×${(r.rate / first.rate).toFixed(2)} against 1 process`);
  }
  const ratio = first!.rate / baseline.rate;
  console.log(
    `  ratio ${ratio.toFixed(2)} (target ≥ 0.6: ${mark(ratio >= 0.6)}); ≥ 1,000 events/s: ${mark(first!.rate >= 1000)}; RSS above is this bench's own process (tsx, the baseline's leftovers, Node's default heap) — the memory target is bench/soak's, the bridge as shipped`,
  );
}
