import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { type Logger, pino } from "pino";
import type { Config } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";
import { createMetricsRegistry } from "../metrics/registry.js";
import { connectRedis, pingWithin, redactUrl } from "../redis/connection.js";
import { startLocalRedis } from "../redis/local-server.js";
import { buildApp } from "../server/app.js";
import { loggerOptions } from "../server/logger.js";
import { Shutdown } from "./shutdown.js";

export interface BridgeOptions {
  config: Config;
  configFile: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export interface RunningBridge {
  app: FastifyInstance;
  /** http://host:port the server listens on. */
  address: string;
  redis: Redis;
  /** Where Redis came from, for the start-up line: the URL (password hidden) or the private server. */
  redisSource: string;
  logger: Logger;
  shutdown: Shutdown;
}

/**
 * The composition root: Redis (given, or a private redis-server), the HTTP server and
 * the shutdown order. Everything started here is registered with the Shutdown so a
 * failure half-way stops what already started.
 */
export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const { config } = options;
  const env = options.env ?? process.env;
  const logger = options.logger ?? pino(loggerOptions(config.server.logLevel));
  const shutdown = new Shutdown(logger, config.server.shutdownTimeoutMs);

  try {
    const givenUrl = env.REDIS_URL || config.redis.url;
    let redisUrl: string;
    let redisSource: string;
    if (givenUrl) {
      redisUrl = givenUrl;
      redisSource = redactUrl(givenUrl);
    } else {
      const local = await startLocalRedis({ dataDir: config.redis.dataDir });
      shutdown.add("private redis-server", () => local.stop());
      redisUrl = local.url;
      redisSource = `private redis-server at ${local.url} (data in ${local.dataDir})`;
    }

    const redis = await connectRedis(redisUrl);
    shutdown.add("redis", async () => {
      await redis.quit().catch(() => redis.disconnect());
    });

    const app = buildApp({
      logger,
      bodyLimit: config.server.bodyLimit,
      metrics: createMetricsRegistry(),
      readiness: [{ name: "redis", check: () => pingWithin(redis, 1000) }],
    });
    shutdown.add("http server", () => app.close());

    let address: string;
    try {
      address = await app.listen({ host: config.server.host, port: config.server.port });
    } catch (err) {
      throw Errors.SERVER_LISTEN_FAILED(
        `${config.server.host}:${config.server.port}`,
        (err as Error).message,
      );
    }
    return { app, address, redis, redisSource, logger, shutdown };
  } catch (err) {
    await shutdown.run("start-up failed");
    throw err;
  }
}
