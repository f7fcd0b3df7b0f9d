import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { pino } from "pino";
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

  it.skipIf(!binary)("refuses a second server on the same data folder, naming the running one", async () => {
    const dataDir = join(tmpdir(), `reglament-local-redis-twice-${process.pid}`);
    const first = await startLocalRedis({ dataDir });
    try {
      await expect(startLocalRedis({ dataDir })).rejects.toMatchObject({
        code: "REG_REDIS_DATA_DIR_IN_USE",
        message: expect.stringMatching(
          new RegExp(`port ${new URL(first.url).port}.*bridge with pid ${process.pid}`),
        ),
      });
    } finally {
      await first.stop();
    }
    const again = await startLocalRedis({ dataDir });
    await again.stop();
  });

  it.skipIf(!binary)("starts the server again on its append-only file when it dies", async () => {
    const dataDir = join(tmpdir(), `reglament-local-redis-dies-${process.pid}`);
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });
    const local = await startLocalRedis({ dataDir, logger });
    const client = new Redis(local.url, { maxRetriesPerRequest: null });
    client.on("error", () => {});
    try {
      await client.set("kept", "yes");
      const { redisPid } = JSON.parse(readFileSync(join(dataDir, "reglament-redis.lock"), "utf8"));
      process.kill(redisPid, "SIGKILL");
      expect(await client.get("kept")).toBe("yes");
      expect(lines.some((l) => /the private redis-server died/.test(l))).toBe(true);
      // The client may reconnect a moment before the restart's own line is written.
      for (let i = 0; i < 100 && !lines.some((l) => /runs again/.test(l)); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(lines.some((l) => /runs again/.test(l))).toBe(true);
    } finally {
      client.disconnect();
      await local.stop();
    }
  });
});
