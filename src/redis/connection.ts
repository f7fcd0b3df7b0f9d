import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import { redactUrl } from "../config/redact-url.js";
import type { RedisConfig } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";

/** A single Redis (standalone, or the master a Sentinel set names) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** How the bridge reaches its Redis, from the configuration and the environment. */
export type RedisTarget =
  | { kind: "url"; url: string }
  | { kind: "sentinel"; sentinel: NonNullable<RedisConfig["sentinel"]> }
  | { kind: "cluster"; cluster: NonNullable<RedisConfig["cluster"]> };

/** The options that matter here; for a Cluster they are split between it and its nodes. */
export type ConnectionOptions = Pick<
  RedisOptions,
  "maxRetriesPerRequest" | "enableOfflineQueue" | "enableAutoPipelining" | "lazyConnect"
>;

/** REDIS_URL, then redis.url, redis.sentinel or redis.cluster; undefined: the private redis-server. */
export function redisTarget(
  config: RedisConfig,
  env: NodeJS.ProcessEnv = process.env,
): RedisTarget | undefined {
  if (env.REDIS_URL) return { kind: "url", url: env.REDIS_URL };
  if (config.url) return { kind: "url", url: config.url };
  if (config.sentinel) return { kind: "sentinel", sentinel: config.sentinel };
  if (config.cluster) return { kind: "cluster", cluster: config.cluster };
  return undefined;
}

/** Where the target is, for the start-up line and messages; never a password. */
export function describeTarget(target: RedisTarget): string {
  const nodes = (list: readonly { host: string; port: number }[]) =>
    list.map((n) => `${n.host}:${n.port}`).join(", ");
  switch (target.kind) {
    case "url":
      return redactUrl(target.url);
    case "sentinel":
      return `master "${target.sentinel.name}" of the sentinels ${nodes(target.sentinel.sentinels)}`;
    case "cluster":
      return `Redis Cluster at ${nodes(target.cluster.nodes)}`;
  }
}

// A master demoted by a failover answers writes with READONLY until the connection is
// made again, to whichever node the sentinels now name.
const reconnectOnReadOnly = (err: Error) => err.message.startsWith("READONLY");

/**
 * A connection for the bridge's own commands. BullMQ needs `maxRetriesPerRequest: null`
 * on its connections; commands here fail fast instead, so readiness reports the truth.
 */
export function createRedisClient(target: RedisTarget, options: ConnectionOptions = {}): RedisClient {
  const base = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, ...options };
  let client: RedisClient;
  if (target.kind === "url") client = new Redis(target.url, base);
  else if (target.kind === "sentinel") {
    const s = target.sentinel;
    client = new Redis({
      ...base,
      name: s.name,
      sentinels: s.sentinels,
      db: s.db,
      reconnectOnError: reconnectOnReadOnly,
      ...(s.password ? { password: s.password } : {}),
      ...(s.sentinelPassword ? { sentinelPassword: s.sentinelPassword } : {}),
    });
  } else {
    const { maxRetriesPerRequest, ...clusterLevel } = base;
    client = new Cluster(target.cluster.nodes, {
      ...clusterLevel,
      redisOptions: {
        maxRetriesPerRequest,
        ...(target.cluster.password ? { password: target.cluster.password } : {}),
      },
    } satisfies ClusterOptions);
  }
  client.on("error", () => {});
  return client;
}

export function createRedis(url: string, options: ConnectionOptions = {}): RedisClient {
  return createRedisClient({ kind: "url", url }, options);
}

export async function connectRedisClient(
  target: RedisTarget,
  options: ConnectionOptions = {},
): Promise<RedisClient> {
  const redis = createRedisClient(target, options);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw Errors.REDIS_UNREACHABLE(describeTarget(target), (err as Error).message);
  }
  return redis;
}

export function connectRedis(url: string, options: ConnectionOptions = {}): Promise<RedisClient> {
  return connectRedisClient({ kind: "url", url }, options);
}

/** Another connection to the same Redis (or Cluster), with some options changed. */
export function duplicateConnection(redis: RedisClient, options: ConnectionOptions): RedisClient {
  let copy: RedisClient;
  if (redis instanceof Cluster) {
    const { maxRetriesPerRequest, ...clusterLevel } = options;
    copy = redis.duplicate(undefined, {
      ...clusterLevel,
      redisOptions: {
        ...redis.options.redisOptions,
        ...(maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest } : {}),
      },
    });
  } else copy = redis.duplicate(options);
  copy.on("error", () => {});
  return copy;
}

/** PING with a deadline, for readiness checks that must answer even when Redis hangs. */
export async function pingWithin(redis: RedisClient, timeoutMs: number): Promise<boolean> {
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
export function workerConnection(redis: RedisClient): RedisClient {
  return duplicateConnection(redis, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    enableAutoPipelining: false,
  });
}
