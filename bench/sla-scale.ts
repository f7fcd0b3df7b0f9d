import { pino } from "pino";
import { connectRedis } from "../src/redis/connection.js";
import { KeySpace } from "../src/redis/key-space.js";
import { SlaScheduler } from "../src/sla/scheduler.js";

/**
 * Schedules the clocks of 100,000 open tickets on real Redis (REDIS_URL, else the local
 * 6379, DB 15, flushed before and after) and prints the memory each ticket costs and the
 * total time. Targets: ≤ 1 KB per ticket, ≤ 10 s in all.
 */
export async function run(): Promise<void> {
  const count = Number(process.env.SLA_SCALE_TICKETS ?? 100_000);
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/15";
  const redis = await connectRedis(url);
  await redis.flushdb();
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))![1]);
  const scheduler = new SlaScheduler(redis, new KeySpace("bench", 1), pino({ level: "silent" }));
  await scheduler.queue.waitUntilReady();
  const before = await usedMemory();

  const now = Date.now();
  const entries = Array.from({ length: count }, (_, i) => ({
    ticket: `gitlab-erecipe/${100_000 + i}`,
    // Due moments spread over the next four weeks, as open tickets' clocks are.
    at: now + 3_600_000 + ((i * 7919) % (28 * 24)) * 3_600_000,
  }));
  const started = performance.now();
  await scheduler.scheduleMany(entries, now);
  const seconds = (performance.now() - started) / 1000;
  const delayed = await scheduler.queue.getDelayedCount();
  const perTicket = ((await usedMemory()) - before) / count;

  console.log(
    `bench/sla-scale — ${count.toLocaleString("en-US")} open tickets scheduled on ${url.replace(/\/\/[^@]*@/, "//")}`,
  );
  console.log(`  delayed jobs in Redis      ${delayed.toLocaleString("en-US")}`);
  console.log(
    `  total time                 ${seconds.toFixed(2)} s  (target ≤ 10 s: ${seconds <= 10 ? "met" : "MISSED"})`,
  );
  console.log(
    `  memory per ticket          ${Math.round(perTicket)} B  (target ≤ 1024 B: ${perTicket <= 1024 ? "met" : "MISSED"})`,
  );

  await scheduler.close();
  await redis.flushdb();
  redis.disconnect();
}
