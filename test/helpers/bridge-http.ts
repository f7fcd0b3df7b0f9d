import type { FastifyInstance } from "fastify";
import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import type { LogEntry } from "../../src/queue/decision-log.js";
import { connectRedis } from "../../src/redis/connection.js";
import { defaultAdapterRegistry } from "../../src/runtime/adapters.js";
import { testAuth, testServerAuth } from "./auth.js";

/** The operator token every test bridge accepts (`server.auth.tokens` of the test configurations). */
export { testAuth, testServerAuth, testToken } from "./auth.js";

/** Polls until `ok` holds (or the time is up) and returns the last value. */
export async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await get();
  }
  return v;
}

/** A ticket's decision log as `GET /api/tickets/:instance/:id/decisions` returns it. */
export async function decisionLog(app: FastifyInstance, instance: string, id: string): Promise<LogEntry[]> {
  const res = await app.inject({
    method: "GET",
    url: `/api/tickets/${instance}/${encodeURIComponent(id)}/decisions`,
    headers: testAuth,
  });
  return (res.json() as { entries: LogEntry[] }).entries;
}

/** No real network; every mock a test set up must have been called. */
export function strictNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());
}

/**
 * A test file that runs bridges: only loopback network (trackers answer through nock),
 * each test's bridge stopped and its mocks dropped after it, the file's Redis DB emptied
 * at the end.
 */
export function bridgeTestEnvironment(
  redis: string | (() => Promise<void>),
  stopBridge: () => Promise<unknown>,
): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(async () => {
    await stopBridge();
    nock.cleanAll();
  });
  afterAll(async () => {
    if (typeof redis === "string") {
      const client = await connectRedis(redis);
      await client.flushdb();
      client.disconnect();
    } else await redis();
    nock.enableNetConnect();
  });
}

/**
 * A configuration for a bridge under test, validated as a file would be (adapter options
 * included): silent, on an ephemeral port, under its own key prefix, two partitions and
 * short retry delays; `rest` gives trackers, actors, packs, alerts.
 */
export function testBridgeConfig(prefix: string, rest: Record<string, unknown>) {
  return configSchema(listPackIds(), defaultAdapterRegistry().optionSchemas()).parse({
    server: { port: 0, logLevel: "silent", auth: testServerAuth },
    redis: { keyPrefix: prefix },
    pipeline: { partitions: 2, retry: { backoffMs: 200 } },
    // The history's own tests turn it on, with a database of their own.
    history: { enabled: false },
    ...rest,
  });
}
