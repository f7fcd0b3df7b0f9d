import { hostname } from "node:os";
import type { JobsOptions, Queue } from "bullmq";
import type { Logger } from "pino";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import { LuaScript } from "../redis/lua-script.js";
import { isConnectionError } from "../redis/outage.js";
import { enterLua, orderTtlMs, type TicketOrder } from "./ticket-order.js";

/**
 * Where an accepted webhook lands first: one Redis stream per partition, in the slot of
 * the partition's tickets. Accepting is one script — the delivery's seen-mark, the job's
 * place in its ticket's order, the entry in the stream — so the webhook is answered 202 as
 * soon as Redis holds it, for a few microseconds of Redis time (a BullMQ job costs ten times
 * that, and it is made off the request's path).
 *
 * A feeder in each worker process turns the entries into BullMQ jobs, in stream order, and
 * deletes them once the jobs exist. One process at a time feeds a partition (a lease that
 * lapses when its holder dies), so a ticket's jobs are made in the order they arrived;
 * the job id is the delivery's, so a feeder that died between making the jobs and deleting
 * the entries makes nothing twice when the next one reads them again.
 */
const acceptScript = new LuaScript(`
if not redis.call('SET', KEYS[3], '1', 'EX', 86400, 'NX') then return 0 end
${enterLua}
redis.call('XADD', KEYS[4], '*', 'j', ARGV[4])
return 1
`);

const leaseScript = new LuaScript(`
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`);

const releaseScript = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

const leaseMs = 5000;
const batch = 500;
const idleMs = { min: 20, max: 200 };

export interface InboxOptions<T> {
  redis: RedisClient;
  keys: KeySpace;
  /** Per partition: its events queue and the order of its tickets' jobs in it. */
  queues: readonly Queue<T>[];
  orders: readonly TicketOrder[];
  jobOptions: (jobId: string) => JobsOptions;
  logger: Logger;
}

export class Inbox<T> {
  readonly #o: InboxOptions<T>;
  readonly #feeder = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;
  #woken = false;

  constructor(options: InboxOptions<T>) {
    this.#o = options;
  }

  stream(partition: number): string {
    return this.#o.keys.ofPartition(partition, "inbox");
  }

  /**
   * Accepts one event of `ticket` as job `jobId`; resolves to false when the delivery was
   * accepted before (its seen-mark is kept a day).
   */
  async accept(ticket: string, jobId: string, data: T): Promise<boolean> {
    const { keys } = this.#o;
    const partition = keys.partitionOf(ticket);
    const [list, at] = this.#o.orders[partition]!.keys(ticket);
    const first = await acceptScript.run(
      this.#o.redis,
      [list, at, keys.ticket(ticket, "delivery", jobId), this.stream(partition)],
      [jobId, Date.now(), orderTtlMs, JSON.stringify({ id: jobId, data })],
    );
    this.wake();
    return Number(first) === 1;
  }

  /** Entries not yet made into jobs, across all partitions. */
  async backlog(): Promise<number> {
    const lengths = await Promise.all(
      this.#o.queues.map((_, p) => this.#o.redis.xlen(this.stream(p)).catch(() => 0)),
    );
    return lengths.reduce((a, b) => a + b, 0);
  }

  /** An event was accepted in this process: the feeder looks at once instead of at its next round. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  startFeeding(): void {
    this.#loop ??= this.#feed();
  }

  async #feed(): Promise<void> {
    let idle = idleMs.min;
    while (!this.#stopping) {
      this.#woken = false;
      let moved = 0;
      try {
        const counts = await Promise.all(this.#o.queues.map((_, p) => this.#feedPartition(p)));
        moved = counts.reduce((a, b) => a + b, 0);
      } catch (err) {
        if (!isConnectionError(err))
          this.#o.logger.warn({ err: (err as Error).message }, "inbox: events not moved to their queues yet");
        idle = idleMs.max * 5;
      }
      if (moved) idle = idleMs.min;
      else if (!this.#woken) {
        await this.#idle(idle);
        idle = Math.min(idleMs.max, idle * 2);
      }
    }
  }

  async #feedPartition(partition: number): Promise<number> {
    const { redis } = this.#o;
    const stream = this.stream(partition);
    const mine = await leaseScript.run(redis, [`${stream}:feeder`], [this.#feeder, leaseMs]);
    if (Number(mine) !== 1) return 0;
    const entries = await redis.xrange(stream, "-", "+", "COUNT", batch);
    if (!entries.length) return 0;
    const jobs = entries.map(([, fields]) => {
      const { id, data } = JSON.parse(fields[fields.indexOf("j") + 1]!) as { id: string; data: T };
      return { name: "event", data, opts: this.#o.jobOptions(id) };
    });
    await this.#o.queues[partition]!.addBulk(jobs as Parameters<Queue<T>["addBulk"]>[0]);
    await redis.xdel(stream, ...entries.map(([id]) => id));
    return entries.length;
  }

  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /**
   * Stops after the round in hand and hands the partitions back at once, so another
   * process feeds them without waiting for the leases to lapse; what is left waits in the
   * streams.
   */
  async close(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    if (!this.#loop) return;
    await this.#loop;
    await Promise.all(
      this.#o.queues.map((_, p) =>
        releaseScript.run(this.#o.redis, [`${this.stream(p)}:feeder`], [this.#feeder]).catch(() => {}),
      ),
    );
  }
}
