import axios from "axios";
import { type Job, Queue, Worker } from "bullmq";
import Fastify from "fastify";
import { keepAliveAgents } from "../adapters/support/keep-alive.js";
import { connectRedis, duplicateConnection, workerConnection } from "../src/redis/connection.js";
import { type LoadProcess, startLoad } from "./pipeline-load-process.js";

/**
 * The same-run baseline of bench/pipeline: the same webhooks from the same sender, through
 * a minimal BullMQ chain that makes the same tracker calls as the bridge's write-back
 * (read the ticket, read it again, patch the priority, post the note) and nothing else —
 * no verification, decision, order, loop guard, log or history. What the bridge adds on
 * top of the queue and the tracker is the ratio.
 */
export async function measureBaseline(count: number, concurrency: number) {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/13";
  const load: LoadProcess = await startLoad();
  const redis = await connectRedis(redisUrl, { enableOfflineQueue: true, enableAutoPipelining: true });
  await redis.flushdb();
  const connection = duplicateConnection(redis, {});
  const prefix = "{bench-baseline}";
  const events = new Queue("events", { connection, prefix });
  const writebacks = new Queue("writebacks", { connection, prefix });
  const tracker = axios.create({
    baseURL: load.trackerUrl,
    headers: { authorization: "Bearer t" },
    ...keepAliveAgents(),
  });
  const app = Fastify();
  app.post<{ Body: { delivery: string; issue: { id: string } } }>(
    "/webhooks/shop",
    async (request, reply) => {
      await events.add(
        "event",
        { id: request.body.issue.id },
        { jobId: request.body.delivery, removeOnComplete: true },
      );
      return reply.status(202).send({ status: "accepted" });
    },
  );
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const blocking = [workerConnection(redis), workerConnection(redis)];
  const workers = [
    new Worker(
      "events",
      async (job: Job<{ id: string }>) => {
        await writebacks.add("writeback", job.data, { jobId: `wb-${job.id}`, removeOnComplete: true });
      },
      { connection: blocking[0]!, prefix, concurrency },
    ),
    new Worker(
      "writebacks",
      async (job: Job<{ id: string }>) => {
        const path = `/issues/${job.data.id}`;
        await tracker.get(path);
        await tracker.get(path);
        await tracker.patch(path, { priority: "immediate" });
        await tracker.post(`${path}/comments`, { body: "приоритет исправлен" });
      },
      { connection: blocking[1]!, prefix, concurrency },
    ),
  ];
  try {
    return await load.run(`${address}/webhooks/shop`, count);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await app.close();
    await events.close();
    await writebacks.close();
    connection.disconnect();
    for (const c of blocking) c.disconnect();
    await redis.flushdb();
    redis.disconnect();
    load.stop();
  }
}
