import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { findOnPath, startLocalRedis } from "../../src/redis/local-server.js";

const binary = findOnPath("redis-server");
if (!binary) console.warn("skipping the private redis-server tests: no redis-server binary on PATH");

describe("private redis-server", () => {
  it.skipIf(!binary)("starts on a loopback port, answers, keeps an AOF, and is stopped", async () => {
    const dataDir = join(tmpdir(), `reglament-local-redis-${process.pid}`);
    const local = await startLocalRedis({ dataDir });
    const client = new Redis(local.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on("error", () => {});
    await client.connect();
    expect(await client.ping()).toBe("PONG");
    expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
    client.disconnect();

    await local.stop();
    const after = new Redis(local.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    after.on("error", () => {});
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });

  it("names the three ways out when there is no redis-server binary", async () => {
    const attempt = startLocalRedis({ dataDir: tmpdir(), searchPath: "/nonexistent" });
    await expect(attempt).rejects.toMatchObject({ code: "REG_REDIS_BINARY_MISSING", exitCode: 2 });
    await expect(attempt).rejects.toThrow(/apt-get install redis-server.*REDIS_URL.*docker compose up/);
  });
});
