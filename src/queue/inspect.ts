import { type Job, Queue } from "bullmq";
import type { Config } from "../config/schema.js";
import type { TicketRef } from "../domain/ticket.js";
import type { RedisClient } from "../redis/connection.js";
import { keySpaceOf } from "../redis/key-space.js";
import { eventsQueue, partitionOf, ticketKey, writebackQueue } from "./names.js";
import type { RetryState } from "./retry-budget.js";
import { type WorkState, workStates } from "./work-states.js";

/**
 * The bridge's unfinished and dead work as a person needs to see it — per job: which
 * ticket, what kind, waiting, retrying (how often, the last answer) or dead (why) — read
 * from the queues of any running bridge, so nobody has to read Redis. Used by
 * `reglament events`, `GET /api/queues` and `reglament decisions`.
 */

export interface WorkItem {
  queue: string;
  kind: "event" | "writeback";
  instance: string;
  ticket: string;
  jobId: string;
  deliveryId: string;
  /** waiting, active; retrying (after a failure), later (its ticket's turn, or a grace period); dead. */
  state: "waiting" | "active" | "retrying" | "later" | "dead";
  tries: number;
  lastError?: string;
  /** When it was queued, and (retrying) when it first failed. */
  queuedAt: string;
  failingSince?: string;
}

export interface QueueCounts {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  oldestWaitingSeconds: number;
}

interface AnyJobData {
  instance: string;
  deliveryId: string;
  ref: TicketRef;
  retry?: RetryState;
}

export class WorkInspector {
  readonly #queues: Queue<AnyJobData>[];

  constructor(
    private readonly config: Config,
    private readonly redis: RedisClient,
    private readonly now: () => number = Date.now,
  ) {
    const keys = keySpaceOf(config);
    const names = [
      ...Array.from({ length: config.pipeline.partitions }, (_, i) => eventsQueue(i)),
      ...Object.keys(config.trackers).map(writebackQueue),
    ];
    this.#queues = names.map((name) => {
      const q = new Queue<AnyJobData>(name, { connection: redis, prefix: keys.queuePrefix(name) });
      // A failed read is answered to whoever asked; a lost connection is the outage line's.
      q.on("error", () => {});
      return q;
    });
  }

  /** The queues a ticket's work can be in: its event partition and its instance's write-backs. */
  #queuesOf(filter: { instance?: string; ticket?: Pick<TicketRef, "instance" | "id"> }): Queue<AnyJobData>[] {
    const instance = filter.ticket?.instance ?? filter.instance;
    return this.#queues.filter((q) => {
      if (q.name.startsWith("writeback-")) return !instance || q.name === writebackQueue(instance);
      if (!filter.ticket) return true;
      return q.name === eventsQueue(partitionOf(ticketKey(filter.ticket), this.config.pipeline.partitions));
    });
  }

  async counts(): Promise<QueueCounts[]> {
    const queues = await Promise.all(
      this.#queues.map(async (q) => {
        const c = await q.getJobCounts("waiting", "active", "delayed", "failed");
        const [oldest] = await q.getWaiting(0, 0);
        return {
          queue: q.name,
          waiting: c.waiting ?? 0,
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
          oldestWaitingSeconds: oldest ? Math.round((this.now() - oldest.timestamp) / 1000) : 0,
        };
      }),
    );
    return [await this.#inbox(), ...queues];
  }

  /** Accepted webhooks no worker process has made into jobs yet (see Inbox): none run while it grows. */
  async #inbox(): Promise<QueueCounts> {
    const streams = keySpaceOf(this.config).allPartitions("inbox");
    const [lengths, heads] = await Promise.all([
      Promise.all(streams.map((k) => this.redis.xlen(k))),
      Promise.all(streams.map((k) => this.redis.xrange(k, "-", "+", "COUNT", 1))),
    ]);
    // A stream entry's id begins with the moment it was added, in milliseconds.
    const oldest = Math.min(...heads.flat().map(([id]) => Number(id.split("-")[0])));
    return {
      queue: "inbox",
      waiting: lengths.reduce((a, b) => a + b, 0),
      active: 0,
      delayed: 0,
      failed: 0,
      oldestWaitingSeconds: Number.isFinite(oldest) ? Math.round((this.now() - oldest) / 1000) : 0,
    };
  }

  /** Unfinished and dead jobs, newest first, at most `limit` per queue and state. */
  async list(
    filter: {
      states?: readonly WorkState[];
      instance?: string;
      ticket?: Pick<TicketRef, "instance" | "id">;
      limit?: number;
    } = {},
  ): Promise<WorkItem[]> {
    const states = filter.states ?? workStates;
    const limit = filter.limit ?? 200;
    const items: WorkItem[] = [];
    for (const q of this.#queuesOf(filter)) {
      // A job moving between states while they are read is listed once, as first seen.
      const seen = new Set<string>();
      for (const state of states) {
        for (const job of await q.getJobs([state], 0, limit - 1)) {
          if (!job?.data?.ref || seen.has(job.id!)) continue;
          seen.add(job.id!);
          if (filter.instance && job.data.instance !== filter.instance) continue;
          if (
            filter.ticket &&
            (job.data.ref.id !== filter.ticket.id || job.data.instance !== filter.ticket.instance)
          )
            continue;
          items.push(this.#item(q, job, state));
        }
      }
    }
    return items.sort((a, b) => b.queuedAt.localeCompare(a.queuedAt));
  }

  #item(q: Queue, job: Job<AnyJobData>, state: WorkState): WorkItem {
    const retry = job.data.retry;
    const shown: WorkItem["state"] =
      state === "failed" ? "dead" : state === "delayed" ? (retry ? "retrying" : "later") : state;
    const lastError = state === "failed" ? job.failedReason || retry?.last : retry?.last;
    return {
      queue: q.name,
      kind: q.name.startsWith("writeback-") ? "writeback" : "event",
      instance: job.data.instance,
      ticket: job.data.ref.id,
      jobId: job.id!,
      deliveryId: job.data.deliveryId,
      state: shown === "waiting" && retry ? "retrying" : shown,
      tries: retry?.tries ?? job.attemptsMade,
      ...(lastError ? { lastError } : {}),
      queuedAt: new Date(job.timestamp).toISOString(),
      ...(retry ? { failingSince: new Date(retry.since).toISOString() } : {}),
    };
  }

  /** Queues dead jobs again (retry) or deletes jobs (drop): one by id, or all that match. */
  async act(
    verb: "retry" | "drop",
    target: { jobId?: string; instance?: string; states?: readonly WorkState[] },
  ): Promise<number> {
    let done = 0;
    const states: readonly WorkState[] = verb === "retry" ? ["failed"] : (target.states ?? ["failed"]);
    for (const q of this.#queuesOf(target)) {
      for (const state of states) {
        for (const job of await q.getJobs([state])) {
          if (!job?.data?.ref) continue;
          if (target.jobId && job.id !== target.jobId) continue;
          if (target.instance && job.data.instance !== target.instance) continue;
          if (verb === "retry") await job.retry();
          else await job.remove();
          done++;
        }
      }
    }
    return done;
  }

  async close(): Promise<void> {
    await Promise.all(this.#queues.map((q) => q.close()));
  }
}
