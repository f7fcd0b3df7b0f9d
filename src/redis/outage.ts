import type { Logger } from "pino";
import type { RedisClient } from "./connection.js";

/**
 * Tells a Redis outage once: one log line when the bridge's connection goes away, one
 * when it is back with how long it lasted — instead of a stack for every command and job
 * that fails meanwhile. Connection errors of workers and queues are left to it.
 */
export class RedisOutage {
  #downSince: number | undefined;
  #wasReady = false;
  #stopped = false;
  #shuttingDown = false;

  constructor(
    redis: RedisClient,
    private readonly logger: Logger,
    where: string,
  ) {
    this.#wasReady = redis.status === "ready";
    redis.on("ready", () => {
      if (this.#downSince !== undefined) {
        const seconds = Math.round((Date.now() - this.#downSince) / 100) / 10;
        this.logger.warn({ redis: where, outageSeconds: seconds }, `Redis is back after ${seconds} s`);
      }
      this.#downSince = undefined;
      this.#wasReady = true;
    });
    redis.on("close", () => {
      if (this.#stopped || !this.#wasReady || this.#downSince !== undefined) return;
      this.#downSince = Date.now();
      if (this.#shuttingDown)
        this.logger.info({ redis: where }, "Redis went away during the shutdown; what is queued stays there");
      else
        this.logger.error(
          { redis: where },
          "Redis went away: webhooks are answered 503 with Retry-After, and queued work waits until it is back",
        );
    });
  }

  get down(): boolean {
    return this.#downSince !== undefined;
  }

  /**
   * The bridge is shutting down: Redis may be stopped by the same signal (`docker compose
   * down`), which is no outage to raise an alarm over — but it is still noted as down, so
   * that nothing waits on it.
   */
  shuttingDown(): void {
    this.#shuttingDown = true;
  }

  /** The bridge closes the connection itself (shutdown): that is no outage. */
  stop(): void {
    this.#stopped = true;
  }
}

const connectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

/** True for the errors a lost Redis connection causes (what the outage line already says). */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string } | undefined;
  if (!e) return false;
  if (e.code && connectionCodes.has(e.code)) return true;
  return /Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|ECONNREFUSED|enableOfflineQueue/.test(
    `${e.name ?? ""} ${e.message ?? ""}`,
  );
}
