import type { Redis } from "ioredis";
import type { Config } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";
import { connectRedis } from "../redis/connection.js";

/** The Redis a running bridge uses, for commands that inspect it. */
export async function redisForCli(config: Config, command: string, env = process.env): Promise<Redis> {
  const url = env.REDIS_URL || config.redis.url;
  if (!url) throw Errors.REDIS_URL_REQUIRED(command);
  return connectRedis(url, { enableOfflineQueue: true });
}
