import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { build } from "esbuild";
import { packageRoot } from "../src/paths.js";
import { connectRedis } from "../src/redis/connection.js";
import { recommendedNodeOptions } from "../src/runtime/heap.js";
import { startLoad } from "./pipeline-load-process.js";

/**
 * The bridge under the pipeline benchmark's load for SOAK_MINUTES (default 10), in a
 * process of its own, compiled and with the heap limit as in production
 * (`--max-old-space-size=256 --max-semi-space-size=4`, as `npm start` and the image set it; SOAK_NODE_OPTIONS gives
 * other V8 flags, `SOAK_NODE_OPTIONS=` none): rounds of 500 new tickets, one
 * after another, each corrected on the stub tracker. Prints the bridge's RSS and heap every 30 s (SOAK_EVERY_S), then whether
 * RSS stayed at or under 150 MB and flat after the warm-up (the first minute): the last
 * third of the samples no more than 10 % above the first sample after it.
 */
export async function run(): Promise<void> {
  const minutes = Number(process.env.SOAK_MINUTES ?? 10);
  const everyS = Number(process.env.SOAK_EVERY_S ?? 30);
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/13";
  const redis = await connectRedis(redisUrl);
  await redis.flushdb();
  const load = await startLoad();
  // The bridge runs compiled, as `serve` does in production, not through the TypeScript loader.
  const worker = join(packageRoot, "bench/.build/pipeline-worker.mjs");
  await build({
    entryPoints: [join(packageRoot, "bench/pipeline-worker.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile: worker,
    logLevel: "warning",
  });
  const nodeOptions = process.env.SOAK_NODE_OPTIONS ?? recommendedNodeOptions;
  const bridge = spawn(process.execPath, [worker], {
    env: {
      ...process.env,
      NODE_OPTIONS: nodeOptions,
      REDIS_URL: redisUrl,
      BENCH_TRACKER: load.trackerUrl,
      BENCH_ROLE: "all",
      BENCH_MEMORY_MS: String(everyS * 1000),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: bridge.stdout! });
  const address = await new Promise<string>((ok) => lines.once("line", (l) => ok(l.replace(/^ready /, ""))));
  const started = Date.now();
  const samples: { at: number; rss: number; heapUsed: number; heapTotal: number; external: number }[] = [];
  let events = 0;
  const mb = (b: number) => (b / 1048576).toFixed(0).padStart(4);
  console.log(
    `bench/soak — the bridge under load for ${minutes} min; its memory every ${everyS} s${nodeOptions ? ` (node ${nodeOptions})` : ""}`,
  );
  lines.on("line", (l) => {
    const m = JSON.parse(l) as { rss: number; heapUsed: number; heapTotal: number; external: number };
    const at = (Date.now() - started) / 1000;
    samples.push({ at, ...m });
    console.log(
      `  ${at.toFixed(0).padStart(5)} s   RSS ${mb(m.rss)} MB   heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB   external ${mb(m.external)} MB   ${events.toLocaleString("en-US")} events done`,
    );
  });
  try {
    while (Date.now() - started < minutes * 60_000) {
      const r = await load.run(`${address}/webhooks/shop`, 500);
      events += r.corrected;
    }
  } finally {
    bridge.kill("SIGTERM");
    load.stop();
    await redis.flushdb();
    redis.disconnect();
  }
  const settled = samples.filter((s) => s.at >= 60);
  if (settled.length < 3) {
    console.log("  too short to judge flatness: run at least 3 minutes (SOAK_MINUTES)");
    return;
  }
  const peak = Math.max(...settled.map((s) => s.rss));
  const first = settled[0]!.rss;
  const tail = settled.slice(Math.floor((settled.length * 2) / 3));
  const tailMean = tail.reduce((a, s) => a + s.rss, 0) / tail.length;
  const growth = tailMean / first - 1;
  console.log(
    `  ${events.toLocaleString("en-US")} events in ${minutes} min; RSS after warm-up ${mb(first)} MB, peak ${mb(peak)} MB, last third ${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)} % — ≤ 150 MB: ${peak <= 150 * 1048576 ? "met" : "MISSED"}; flat (≤ +10 %): ${growth <= 0.1 ? "met" : "MISSED"}`,
  );
}
