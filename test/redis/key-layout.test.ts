import { createHash } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { isReglamentError } from "../../src/errors/catalogue.js";
import { connectRedis } from "../../src/redis/connection.js";
import { checkKeyLayout, firstLayoutTarget } from "../../src/redis/key-layout.js";
import { KeySpace, partitionOf } from "../../src/redis/key-space.js";
import { silentLogger } from "../helpers/logger.js";
import { deleteKeysOf, testRedisUrl } from "../helpers/redis.js";

// DB 2 is shared by several files; each uses its own prefix.
const redis = await connectRedis(testRedisUrl(2));
const prefix = `layout${process.pid}`;
afterAll(async () => {
  await deleteKeysOf(redis, prefix);
  redis.disconnect();
});

describe("the key space", () => {
  const keys = new KeySpace("rg", 8);
  it("tags every key of a ticket, and its events queue, with its partition's slot", () => {
    const p = keys.partitionOf("shop/101");
    expect(keys.ticket("shop/101", "snapshot")).toBe(`{rg:${p}}:snapshot:shop/101`);
    expect(keys.ticket("shop/101", "order", "events-3")).toBe(`{rg:${p}}:order:shop/101:events-3`);
    expect(keys.queuePrefix(`events-${p}`)).toBe(`{rg:${p}}`);
    expect(keys.queuePrefix("writeback-shop")).toBe("{rg:writeback-shop}");
    expect(keys.plain("refs")).toBe("rg:refs");
  });

  it("keeps every ticket in the partition it has always had: the first four bytes of its SHA-1", () => {
    // Data in Redis is filed by these numbers; a change of the hash would orphan it.
    for (let i = 0; i < 2000; i++) {
      const ticket = `erecipe-gitlab/FHIR-BY/ehr.platform.support#${i}`;
      const digest = createHash("sha1").update(ticket).digest();
      expect(partitionOf(ticket, 8)).toBe(digest.readUInt32BE(0) % 8);
      expect(partitionOf(ticket, 256)).toBe(digest.readUInt32BE(0) % 256);
    }
    expect([partitionOf("shop/101", 8), partitionOf("mantis/4711", 8), partitionOf("шоп/1", 16)]).toEqual([
      7, 7, 14,
    ]);
  });

  it("names the first layout's keys by their new names, and leaves the plain ones", () => {
    const p = keys.partitionOf("shop/7");
    expect(firstLayoutTarget(keys, "snapshot:shop:7")).toBe(`{rg:${p}}:snapshot:shop/7`);
    expect(firstLayoutTarget(keys, "order:writeback-shop:{shop/7}:at")).toBe(
      `{rg:${p}}:order:shop/7:writeback-shop:at`,
    );
    expect(firstLayoutTarget(keys, "delivery:{shop/7}:d-1")).toBe(`{rg:${p}}:delivery:shop/7:d-1`);
    expect(firstLayoutTarget(keys, "events-5:12")).toBe("{rg:5}:events-5:12");
    expect(firstLayoutTarget(keys, "sla:wait")).toBe("{rg:sla}:sla:wait");
    for (const plain of ["sla:due", "sla:done:x", "alerts:seen:a:b", "refs", "cursor:shop", "layout"])
      expect(firstLayoutTarget(keys, plain)).toBeUndefined();
  });
});

describe("the layout recorded in Redis", () => {
  it("moves a Redis of the first layout, queued jobs included, then refuses another number of partitions", async () => {
    const keys = new KeySpace(prefix, 4);
    const ticket = "shop/101";
    const p = keys.partitionOf(ticket);
    // What a bridge of the first layout left: a queued event, a snapshot, the board, the history.
    const old = new Queue(`events-${p}`, { connection: redis, prefix });
    await old.add("event", { ref: { instance: "shop", id: "101" } }, { jobId: "d-old" });
    await old.close();
    await redis.set(`${prefix}:snapshot:shop:101`, '{"status":"new"}');
    await redis.hset(`${prefix}:sla:board`, ticket, '{"key":"shop/101"}');
    await redis.xadd(`${prefix}:history`, "*", "r", "[]");
    await redis.hset(`${prefix}:sla:due`, ticket, "zz");

    await checkKeyLayout(redis, keys, silentLogger);

    const moved = new Queue(`events-${p}`, { connection: redis, prefix: keys.queuePrefix(`events-${p}`) });
    expect((await moved.getJob("d-old"))?.data).toEqual({ ref: { instance: "shop", id: "101" } });
    expect(await moved.getWaitingCount()).toBe(1);
    await moved.close();
    expect(await redis.get(keys.ticket(ticket, "snapshot"))).toBe('{"status":"new"}');
    expect(await redis.hget(keys.ofPartition(p, "sla:board"), ticket)).toBe('{"key":"shop/101"}');
    expect(await redis.xlen(keys.ofPartition(0, "history"))).toBe(1);
    expect(await redis.hget(`${prefix}:sla:due`, ticket)).toBe("zz");
    expect(await redis.exists(`${prefix}:snapshot:shop:101`, `${prefix}:sla:board`)).toBe(0);

    // A second start finds the layout recorded and moves nothing.
    await checkKeyLayout(redis, keys, silentLogger);
    const wrong = await checkKeyLayout(redis, new KeySpace(prefix, 8), silentLogger).catch((e: unknown) => e);
    expect(isReglamentError(wrong) && wrong.code).toBe("REG_REDIS_LAYOUT_MISMATCH");
    expect((wrong as Error).message).toMatch(
      /laid out for 4 partitions.*pipeline\.partitions: 8.*set pipeline\.partitions back to 4/,
    );
  });
});
