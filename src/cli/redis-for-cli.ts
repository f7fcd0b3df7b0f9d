import type { Redis } from "ioredis";
import type { Config } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";
import { connectRedis } from "../redis/connection.js";
import { runningLocalRedis } from "../redis/local-server.js";

/**
 * The Redis a running bridge uses, for commands that inspect it: REDIS_URL, redis.url, or
 * the private redis-server a bridge started on this configuration's data folder.
 */
export async function redisForCli(config: Config, command: string, env = process.env): Promise<Redis> {
  const url = env.REDIS_URL || config.redis.url || runningLocalRedis(config.redis.dataDir);
  if (!url) throw Errors.REDIS_URL_REQUIRED(command);
  return connectRedis(url, { enableOfflineQueue: true });
}
