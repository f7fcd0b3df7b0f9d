import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { configSchema } from "../src/config/schema.js";
import { AdapterRegistry } from "../src/domain/adapter.js";
import { listPackIds } from "../src/engine/pack-catalogue.js";
import { connectRedis } from "../src/redis/connection.js";
import { startBridge } from "../src/runtime/serve.js";
import { fakeIssue, fakeTrackerFactory } from "../test/helpers/fake-tracker.js";

/**
 * Events per second from webhook to completed write-back: N tickets created with a
 * priority that contradicts their impact are posted to the bridge (enforce mode), and each
 * is corrected on a local stub tracker (read, patch, comment). Target: ≥ 1,000 events/s.
 */
export async function run(): Promise<void> {
  const count = Number(process.env.PIPELINE_EVENTS ?? 3000);
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/13";
  const issue = (id: string) => fakeIssue({ id });

  let corrected = 0;
  let finished: () => void = () => {};
  const allDone = new Promise<void>((ok) => (finished = ok));
  const tracker = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = /\/issues\/([^/?]+)/.exec(req.url ?? "")?.[1] ?? "0";
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(issue(id)));
        return;
      }
      if (req.method === "POST" && req.url?.endsWith("/comments") && ++corrected === count) finished();
      res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((ok) => tracker.listen(0, "127.0.0.1", ok));
  const trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;

  const redis = await connectRedis(redisUrl);
  await redis.flushdb();
  const config = configSchema(listPackIds()).parse({
    server: { port: 0, logLevel: "silent" },
    redis: { keyPrefix: "bench-pipeline" },
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

  const started = performance.now();
  let next = 0;
  const sender = async () => {
    while (next < count) {
      const id = String(10_000 + next++);
      await fetch(`${bridge.address}/webhooks/shop`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-token": "s3cret" },
        body: JSON.stringify({
          delivery: `bench-${id}`,
          issue: issue(id),
          change: { kind: "created", actor: { id: "ivanov" } },
        }),
      });
    }
  };
  await Promise.all(Array.from({ length: 32 }, sender));
  const accepted = performance.now();
  await Promise.race([allDone, new Promise((r) => setTimeout(r, 120_000))]);
  const seconds = (performance.now() - started) / 1000;
  const rate = corrected / seconds;

  console.log(
    `bench/pipeline — ${count.toLocaleString("en-US")} events, webhook → decision → write-back on a local stub tracker`,
  );
  console.log(`  all webhooks accepted after     ${((accepted - started) / 1000).toFixed(2)} s`);
  console.log(
    `  write-backs completed           ${corrected.toLocaleString("en-US")} in ${seconds.toFixed(2)} s`,
  );
  console.log(
    `  throughput                      ${Math.round(rate).toLocaleString("en-US")} events/s  (target ≥ 1,000/s: ${rate >= 1000 ? "met" : "MISSED"})`,
  );

  await bridge.shutdown.run("bench end");
  tracker.close();
  await redis.flushdb();
  redis.disconnect();
}
