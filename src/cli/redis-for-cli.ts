import type { Config } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";
import type { RedisClient } from "../redis/connection.js";
import { connectRedisClient, redisTarget } from "../redis/connection.js";
import { assertKeyLayout } from "../redis/key-layout.js";
import { keySpaceOf } from "../redis/key-space.js";
import { runningLocalRedis } from "../redis/local-server.js";

/**
 * The Redis a running bridge uses, for commands that inspect it: REDIS_URL, redis.url,
 * redis.sentinel or redis.cluster, or the private redis-server a bridge started on this
 * configuration's data folder.
 */
export async function redisForCli(config: Config, command: string, env = process.env): Promise<RedisClient> {
  const local = runningLocalRedis(config.redis.dataDir);
  const target = redisTarget(config.redis, env) ?? (local ? { kind: "url" as const, url: local } : undefined);
  if (!target) throw Errors.REDIS_URL_REQUIRED(command);
  const redis = await connectRedisClient(target, { enableOfflineQueue: true });
  try {
    await assertKeyLayout(redis, keySpaceOf(config));
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return redis;
}
