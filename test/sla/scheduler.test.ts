import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectRedis } from "../../src/redis/connection.js";
import { KeySpace } from "../../src/redis/key-space.js";
import { SlaScheduler } from "../../src/sla/scheduler.js";
import { silentLogger } from "../helpers/logger.js";
import { testRedisUrl } from "../helpers/redis.js";

const redis = await connectRedis(testRedisUrl(3));
const scheduler = new SlaScheduler(redis, new KeySpace("test-sla", 1), silentLogger);
const fired: { ticket: string; at: number; firedAt: number }[] = [];

beforeAll(() => {
  scheduler.start(async (ticket, at) => {
    fired.push({ ticket, at, firedAt: Date.now() });
  });
});
beforeEach(() => {
  fired.length = 0;
});
afterAll(async () => {
  await scheduler.close();
  await redis.flushdb();
  redis.disconnect();
});

const waitFor = async (predicate: () => boolean, ms: number) => {
  const until = Date.now() + ms;
  while (!predicate() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
};

describe("SlaScheduler (real Redis)", () => {
  it("fires a due job within 1 s of its moment", async () => {
    const at = Date.now() + 600;
    await scheduler.schedule("gitlab/1", at);
    expect(await scheduler.dueAt("gitlab/1")).toBe(at);
    await waitFor(() => fired.length > 0, 3000);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.firedAt - at).toBeGreaterThanOrEqual(-5);
    expect(fired[0]!.firedAt - at).toBeLessThan(1000);
    // The index is cleared once the handler has returned, a moment after it recorded the firing.
    let due = await scheduler.dueAt("gitlab/1");
    for (let i = 0; due !== undefined && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 20));
      due = await scheduler.dueAt("gitlab/1");
    }
    expect(due).toBeUndefined();
  });

  it("keeps one job per ticket: rescheduling moves it", async () => {
    const first = Date.now() + 400;
    const moved = Date.now() + 900;
    await scheduler.schedule("mantis/2", first);
    await scheduler.schedule("mantis/2", moved);
    expect(await scheduler.queue.getDelayedCount()).toBe(1);
    await waitFor(() => fired.length > 0, 3000);
    await new Promise((r) => setTimeout(r, 300));
    expect(fired.map((f) => f.at)).toEqual([moved]);
  });

  it("cancel removes the job", async () => {
    await scheduler.schedule("yandex/SUPPORT-3", Date.now() + 300);
    await scheduler.cancel("yandex/SUPPORT-3");
    await new Promise((r) => setTimeout(r, 700));
    expect(fired).toEqual([]);
    expect(await scheduler.dueAt("yandex/SUPPORT-3")).toBeUndefined();
  });

  it("a handler may schedule the ticket's next moment from inside its own job", async () => {
    const chained = new SlaScheduler(redis, new KeySpace("test-sla-chain", 1), silentLogger);
    const seen: number[] = [];
    const start = Date.now();
    chained.start(async (ticket, at) => {
      seen.push(at);
      if (seen.length === 1) await chained.schedule(ticket, start + 700);
    });
    await chained.schedule("gitlab/9", start + 200);
    await waitFor(() => seen.length >= 2, 3000);
    expect(seen).toEqual([start + 200, start + 700]);
    await chained.close();
  });
});
