import Fastify from "fastify";
import { ruleCatalogue } from "../policies/rules/index.js";
import { configSchema } from "../src/config/schema.js";
import { AdapterRegistry } from "../src/domain/adapter.js";
import { Ticket } from "../src/domain/ticket.js";
import { listPackIds } from "../src/engine/pack-catalogue.js";
import { loadPack } from "../src/engine/pack-loader.js";
import { connectRedis } from "../src/redis/connection.js";
import { KeySpace } from "../src/redis/key-space.js";
import { startBridge } from "../src/runtime/serve.js";
import { boardEntry, boardIndexKey, boardTickets } from "../src/sla/board-index.js";
import { evaluateClocks } from "../src/sla/clocks.js";
import { packTime } from "../src/sla/pack-sla.js";
import { consoleCookie } from "../test/helpers/console-session.js";
import { fakeTrackerFactory } from "../test/helpers/fake-tracker.js";
import { silentLogger } from "../test/helpers/logger.js";

/**
 * The console's SLA board with 10,000 open tickets in the index (two or three counting
 * clocks each, spread over three lines, four priorities, a day of creation times): the
 * board page and its live fragment over real HTTP, beside a bare fastify route sending a
 * page of the same size in the same run. Target: the board answers in ≤ 100 ms (p95).
 */
const TICKETS = 10_000;
const REQUESTS = 200;
const prefix = "bench-console";
// The configuration below keeps the default number of partitions.
const keys = new KeySpace(prefix, 8);
const token = "bench-viewer";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(url: string, headers: Record<string, string>): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.text();
    ms.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 200)}`);
    bytes = body.length;
  }
  return { ms: ms.sort((a, b) => a - b), bytes };
}

export async function run(): Promise<void> {
  console.log(`\nbench/console — the SLA board with ${TICKETS.toLocaleString("en-US")} open tickets`);
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/12";
  const redis = await connectRedis(redisUrl);
  await redis.flushdb();

  const pack = loadPack("krasnoyarsk-kmiac", { rules: ruleCatalogue });
  const time = packTime(pack);
  const now = Date.parse("2026-03-03T12:00:00+07:00");
  const priorities = ["urgent", "high", "normal", "low"];
  const started = performance.now();
  const tx = redis.pipeline();
  for (let i = 0; i < TICKETS; i++) {
    const ticket = Ticket.parse({
      ref: { tracker: "gitlab", instance: "shop", project: "support", id: String(10_000 + i) },
      title: "t",
      type: i % 5 === 0 ? "Консультация" : "Ошибка",
      priority: priorities[i % 4],
      status: i % 11 === 0 ? "waiting" : "inProgress",
      line: (i % 3) + 1,
      reporter: { id: "clinic" },
      assignee: { id: `executor${i % 40}` },
      createdAt: new Date(now - ((i * 37) % 86_400) * 1000).toISOString(),
    });
    const reports = evaluateClocks(ticket, {
      calendar: time.calendar,
      spec: time.sla!,
      statuses: pack.statuses,
      now,
    });
    const entry = boardEntry(ticket, pack, reports, now);
    if (entry) tx.hset(boardIndexKey(keys, entry.key), entry.key, JSON.stringify(entry));
  }
  await tx.exec();
  const indexed = (await boardTickets(redis, keys)).length;
  console.log(
    `  index: ${indexed.toLocaleString("en-US")} tickets written in ${Math.round(performance.now() - started)} ms`,
  );

  const config = configSchema(listPackIds()).parse({
    history: { enabled: false },
    server: { port: 0, logLevel: "silent", auth: { tokens: [{ name: "bench", role: "viewer", token }] } },
    redis: { keyPrefix: prefix },
    pipeline: { partitions: 2 },
    trackers: {
      shop: {
        kind: "gitlab",
        baseUrl: "https://tracker.bench",
        token: "t",
        webhookSecret: "s",
        bridgeUser: "bot",
        example: true,
        projects: { support: { pack: "krasnoyarsk-kmiac" } },
      },
    },
  });
  const bridge = await startBridge({
    config,
    configFile: "/tmp/reglament-bench.yaml",
    env: { REDIS_URL: redisUrl },
    logger: silentLogger,
    registry: new AdapterRegistry([fakeTrackerFactory]),
    clock: () => now,
  });
  const headers = { cookie: await consoleCookie(bridge.address, token) };
  try {
    const page = await timed(`${bridge.address}/console`, headers);
    const fragment = await timed(`${bridge.address}/console?fragment=1`, headers);
    const filtered = await timed(`${bridge.address}/console?line=2&state=at_risk&order=desc`, headers);

    const body = "x".repeat(page.bytes);
    const bare = Fastify();
    bare.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(body));
    const bareAddress = await bare.listen({ host: "127.0.0.1", port: 0 });
    const baseline = await timed(bareAddress, {});
    await bare.close();

    const line = (name: string, r: { ms: number[]; bytes: number }) =>
      `  ${name.padEnd(34)} p50 ${percentile(r.ms, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(r.ms, 95).toFixed(1).padStart(6)} ms  p99 ${percentile(r.ms, 99).toFixed(1).padStart(6)} ms  ${(r.bytes / 1024).toFixed(0)} KiB`;
    console.log(line("bare route, same page size", baseline));
    console.log(line("board page (50 rows per line)", page));
    console.log(line("board live fragment", fragment));
    console.log(line("board, line 2 at risk, desc", filtered));
    const p95 = Math.max(percentile(page.ms, 95), percentile(fragment.ms, 95), percentile(filtered.ms, 95));
    console.log(
      `  board p95 ${p95.toFixed(1)} ms = ${(p95 / percentile(baseline.ms, 95)).toFixed(1)}× the bare route  (target ≤ 100 ms: ${p95 <= 100 ? "met" : "MISSED"})`,
    );
  } finally {
    await bridge.shutdown.run("bench end");
    await redis.flushdb();
    redis.disconnect();
  }
}
