import { pino } from "pino";
import { AdapterRegistry } from "../src/domain/adapter.js";
import type { BridgeRole } from "../src/runtime/roles.js";
import { startBridge } from "../src/runtime/serve.js";
import { fakeTrackerFactory } from "../test/helpers/fake-tracker.js";
import { benchConfig } from "./pipeline.js";

/**
 * A bridge in a process of its own, on the bench's Redis and stub tracker: the extra
 * `serve --role worker` processes of `bench/pipeline --processes`, and the bridge bench/soak
 * measures (BENCH_ROLE=all, its memory printed every BENCH_MEMORY_MS as a JSON line).
 */
const role = (process.env.BENCH_ROLE ?? "worker") as BridgeRole;
const bridge = await startBridge({
  config: benchConfig(process.env.BENCH_TRACKER!),
  configFile: "bench",
  env: { REDIS_URL: process.env.REDIS_URL! },
  logger: pino({ level: "silent" }),
  registry: new AdapterRegistry([fakeTrackerFactory]),
  role,
});
process.stdout.write(`ready ${bridge.address}\n`);
const every = Number(process.env.BENCH_MEMORY_MS ?? 0);
if (every)
  setInterval(() => {
    const m = process.memoryUsage();
    process.stdout.write(
      `${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })}\n`,
    );
  }, every).unref();
process.on("SIGTERM", () => void bridge.shutdown.run("bench end"));
