import { Errors } from "../errors/catalogue.js";
import type { RedisClient } from "./connection.js";

/**
 * Redis WAIT for what this connection wrote, shared by everyone who asks in the same
 * moment: one WAIT covers every write the connection sent before it, so the webhooks
 * answered together wait for their replicas together instead of one after another.
 * A replica that does not confirm in time fails the wait (the sender is told 503 and sends
 * again; the delivery id makes the repeat harmless).
 */
export class ReplicaAck {
  #pending: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly replicas: number,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves once `replicas` replicas hold everything this connection wrote before the call. */
  settle(): Promise<void> {
    this.#pending ??= Promise.resolve().then(async () => {
      this.#pending = undefined;
      const confirmed = Number(await this.redis.wait(this.replicas, this.timeoutMs));
      if (confirmed < this.replicas)
        throw Errors.REDIS_NOT_REPLICATED(confirmed, this.replicas, this.timeoutMs);
    });
    return this.#pending;
  }
}
