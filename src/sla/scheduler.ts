import { createHash } from "node:crypto";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

export interface DueJob {
  ticket: string;
  /** The due moment (epoch ms) the job was scheduled for. */
  at: number;
}

export type DueHandler = (ticket: string, at: number) => Promise<void>;

/**
 * One delayed BullMQ job per open ticket, at the next moment one of its clocks changes
 * state: rescheduled whenever the ticket changes, removed when it closes. Nothing ever
 * scans all tickets; Redis holds one small job per open ticket (and one hash field naming
 * it) and BullMQ promotes it when its moment comes.
 */
export class SlaScheduler {
  readonly queue: Queue<DueJob>;
  #worker: Worker<DueJob> | undefined;
  #workerConnection: Redis | undefined;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.queue = new Queue<DueJob>("sla", { connection, prefix });
  }

  /**
   * The job id of a ticket's due moment. It carries the moment, so a handler can schedule
   * the ticket's next moment while its own job is still active; the digest keeps any
   * ticket key a valid job id.
   */
  static jobId(ticket: string, at: number): string {
    return `due-${createHash("sha1").update(ticket).digest("hex")}-${at}`;
  }

  get #index(): string {
    return `${this.prefix}:sla:due-jobs`;
  }

  /** Sets (or moves) the ticket's single due job to `at`. */
  async schedule(ticket: string, at: number, now = Date.now()): Promise<void> {
    const jobId = SlaScheduler.jobId(ticket, at);
    const previous = await this.connection.hget(this.#index, ticket);
    if (previous === jobId) return;
    if (previous) await this.#removeUnlessActive(previous);
    await this.queue.add(
      "due",
      { ticket, at },
      {
        jobId,
        delay: Math.max(0, at - now),
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
        attempts: 5,
        backoff: { type: "exponential", delay: 1000 },
      },
    );
    await this.connection.hset(this.#index, ticket, jobId);
  }

  /** Removes the ticket's due job (the ticket closed, or has no running clock). */
  async cancel(ticket: string): Promise<void> {
    const previous = await this.connection.hget(this.#index, ticket);
    if (!previous) return;
    await this.#removeUnlessActive(previous);
    await this.connection.hdel(this.#index, ticket);
  }

  async #removeUnlessActive(jobId: string): Promise<void> {
    const job = await this.queue.getJob(jobId);
    if (job && (await job.getState()) !== "active") await job.remove();
  }

  /** The moment the ticket's due job is set for, if it has one. */
  async dueAt(ticket: string): Promise<number | undefined> {
    const jobId = await this.connection.hget(this.#index, ticket);
    return jobId ? Number(jobId.slice(jobId.lastIndexOf("-") + 1)) : undefined;
  }

  start(handler: DueHandler, concurrency = 8): Worker<DueJob> {
    this.#workerConnection = this.connection.duplicate({
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
    });
    this.#worker = new Worker<DueJob>(
      "sla",
      async (job) => {
        const { ticket, at } = job.data;
        if ((await this.connection.hget(this.#index, ticket)) !== job.id) return; // superseded by a reschedule
        await handler(ticket, at);
        // The handler scheduled the next moment, or there is none: forget this one.
        if ((await this.connection.hget(this.#index, ticket)) === job.id)
          await this.connection.hdel(this.#index, ticket);
      },
      {
        connection: this.#workerConnection,
        prefix: this.prefix,
        concurrency,
      },
    );
    this.#worker.on("error", (err) => this.logger.error({ err }, "SLA worker error"));
    this.#worker.on("failed", (job, err) =>
      this.logger.warn({ ticket: job?.data.ticket, err: err.message }, "SLA due job failed"),
    );
    return this.#worker;
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    this.#workerConnection?.disconnect();
    await this.queue.close();
  }
}
