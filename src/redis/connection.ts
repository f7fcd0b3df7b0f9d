import { Redis, type RedisOptions } from "ioredis";
import { Errors } from "../errors/catalogue.js";

/** Hides the password of a redis:// URL for logs and messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

/**
 * A connection for the bridge's own commands. BullMQ needs `maxRetriesPerRequest: null`
 * on its connections; commands here fail fast instead, so readiness reports the truth.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    ...options,
  });
  redis.on("error", () => {});
  return redis;
}

export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = createRedis(url, options);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw Errors.REDIS_UNREACHABLE(redactUrl(url), (err as Error).message);
  }
  return redis;
}

/** PING with a deadline, for readiness checks that must answer even when Redis hangs. */
export async function pingWithin(redis: Redis, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((ok) => {
      timer = setTimeout(() => ok(false), timeoutMs);
    });
    const ping = redis.ping().then(
      (r) => r === "PONG",
      () => false,
    );
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A connection for a BullMQ worker: blocking commands need `maxRetriesPerRequest: null`,
 * and must not be auto-pipelined behind other commands.
 */
export function workerConnection(redis: Redis): Redis {
  return redis.duplicate({
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    enableAutoPipelining: false,
  });
}
