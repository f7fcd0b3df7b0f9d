import { createHash } from "node:crypto";
import { Queue, Worker } from "bullmq";
import type { Logger } from "pino";
import type { RedisClient } from "../redis/connection.js";
import { workerConnection } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import { isConnectionError } from "../redis/outage.js";

export interface DueJob {
  ticket: string;
}

export type DueHandler = (ticket: string, at: number) => Promise<void>;

// Kept small on purpose: every open ticket holds one such job in Redis. A failing handler
// is retried by the worker rescheduling the ticket, not by BullMQ attempts.
const jobOptions = { removeOnComplete: true } as const;
const RETRY_AFTER_FAILURE_MS = 60_000;

/**
 * One delayed BullMQ job per open ticket, at the next moment one of its clocks changes
 * state: rescheduled whenever the ticket changes, removed when it closes. Nothing ever
 * scans all tickets; Redis holds one small job per open ticket (and one hash field with
 * its moment) and BullMQ promotes it when its moment comes.
 */
export class SlaScheduler {
  readonly queue: Queue<DueJob>;
  #worker: Worker<DueJob> | undefined;
  #workerConnection: RedisClient | undefined;

  constructor(
    private readonly connection: RedisClient,
    private readonly keys: KeySpace,
    private readonly logger: Logger,
  ) {
    this.queue = new Queue<DueJob>("sla", {
      connection,
      prefix: keys.queuePrefix("sla"),
      streams: { events: { maxLen: 1000 } },
    });
    this.queue.on("error", (err) => {
      if (!isConnectionError(err)) this.logger.error({ err }, "SLA queue error");
    });
  }

  /**
   * The job id of a ticket's due moment. It carries the moment, so a handler can schedule
   * the ticket's next moment while its own job is still active; the digest keeps any
   * ticket key a valid, short job id.
   */
  static jobId(ticket: string, at: number): string {
    return `d${createHash("sha1").update(ticket).digest("hex").slice(0, 16)}-${at.toString(36)}`;
  }

  /** ticket → its due moment (base 36), the one job the ticket has. */
  get #index(): string {
    return this.keys.plain("sla:due");
  }

  async #current(ticket: string): Promise<number | undefined> {
    const at = await this.connection.hget(this.#index, ticket);
    return at ? Number.parseInt(at, 36) : undefined;
  }

  async #removeUnlessActive(ticket: string, at: number): Promise<void> {
    const job = await this.queue.getJob(SlaScheduler.jobId(ticket, at));
    if (job && (await job.getState()) !== "active") await job.remove();
  }

  /** Sets (or moves) the ticket's single due job to `at`. */
  async schedule(ticket: string, at: number, now = Date.now()): Promise<void> {
    const previous = await this.#current(ticket);
    if (previous === at) return;
    if (previous !== undefined) await this.#removeUnlessActive(ticket, previous);
    await this.queue.add(
      "due",
      { ticket },
      { jobId: SlaScheduler.jobId(ticket, at), delay: Math.max(0, at - now), ...jobOptions },
    );
    await this.connection.hset(this.#index, ticket, at.toString(36));
  }

  /**
   * Schedules many tickets at once (start-up, reconciliation): the same result as calling
   * schedule() for each, in a few round trips per thousand tickets.
   */
  async scheduleMany(
    entries: readonly { ticket: string; at: number }[],
    now = Date.now(),
    chunk = 1000,
  ): Promise<void> {
    for (let i = 0; i < entries.length; i += chunk) {
      const part = entries.slice(i, i + chunk);
      const previous = await this.connection.hmget(this.#index, ...part.map((e) => e.ticket));
      const fresh = part.filter((e, j) => previous[j] !== e.at.toString(36));
      for (const [j, old] of previous.entries()) {
        const entry = part[j]!;
        if (old && old !== entry.at.toString(36))
          await this.#removeUnlessActive(entry.ticket, Number.parseInt(old, 36));
      }
      if (fresh.length === 0) continue;
      await this.queue.addBulk(
        fresh.map(({ ticket, at }) => ({
          name: "due",
          data: { ticket },
          opts: { jobId: SlaScheduler.jobId(ticket, at), delay: Math.max(0, at - now), ...jobOptions },
        })),
      );
      await this.connection.hset(
        this.#index,
        Object.fromEntries(fresh.map((e) => [e.ticket, e.at.toString(36)])),
      );
    }
  }

  /** Removes the ticket's due job (the ticket closed, or has no running clock). */
  async cancel(ticket: string): Promise<void> {
    const previous = await this.#current(ticket);
    if (previous === undefined) return;
    await this.#removeUnlessActive(ticket, previous);
    await this.connection.hdel(this.#index, ticket);
  }

  /** The moment the ticket's due job is set for, if it has one. */
  dueAt(ticket: string): Promise<number | undefined> {
    return this.#current(ticket);
  }

  start(handler: DueHandler, concurrency = 8): Worker<DueJob> {
    this.#workerConnection = workerConnection(this.connection);
    this.#worker = new Worker<DueJob>(
      "sla",
      async (job) => {
        const { ticket } = job.data;
        const at = await this.#current(ticket);
        if (at === undefined || SlaScheduler.jobId(ticket, at) !== job.id) return; // superseded by a reschedule
        try {
          await handler(ticket, at);
        } catch (err) {
          this.logger.warn(
            { ticket, err: (err as Error).message },
            "SLA due handler failed; retrying in a minute",
          );
          await this.schedule(ticket, Date.now() + RETRY_AFTER_FAILURE_MS);
          return;
        }
        // The handler scheduled the next moment, or there is none: forget this one.
        if ((await this.#current(ticket)) === at) await this.connection.hdel(this.#index, ticket);
      },
      { connection: this.#workerConnection, prefix: this.keys.queuePrefix("sla"), concurrency },
    );
    this.#worker.on("error", (err) => {
      if (!isConnectionError(err)) this.logger.error({ err }, "SLA worker error");
    });
    return this.#worker;
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    this.#workerConnection?.disconnect();
    await this.queue.close();
  }
}
