import { hostname } from "node:os";
import type { JobsOptions, Queue } from "bullmq";
import { Cluster } from "ioredis";
import type { Logger } from "pino";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import { LuaScript } from "../redis/lua-script.js";
import { isConnectionError } from "../redis/outage.js";
import type { TicketOrder } from "./ticket-order.js";

/**
 * Where an accepted webhook lands first: one Redis stream per partition, in the slot of
 * the partition's tickets. Accepting is one script — the delivery's seen-mark and, when it
 * is new, the entry in the stream — so the webhook is answered 202 as soon as Redis holds
 * it, for a few microseconds of Redis time (a BullMQ job costs ten times that, and it is
 * made off the request's path).
 *
 * A feeder in each worker process turns the entries into BullMQ jobs, in stream order —
 * listing each in its ticket's order first — and deletes them once the jobs exist. One
 * process at a time feeds a partition (a lease that lapses when its holder dies), so a
 * ticket's jobs are listed and made in the order they arrived; the job id is the
 * delivery's, so a feeder that died between making the jobs and deleting the entries makes
 * nothing twice when the next one reads them again.
 */
// KEYS: per event, its partition's stream and its delivery's seen-mark; ARGV: the entries.
const acceptScript = new LuaScript(`
local firsts = {}
for i = 1, #ARGV do
  if redis.call('SET', KEYS[2 * i], '1', 'EX', '86400', 'NX') then
    redis.call('XADD', KEYS[2 * i - 1], '*', 'j', ARGV[i])
    firsts[i] = 1
  else
    firsts[i] = 0
  end
end
return firsts
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

interface Pending {
  partition: number;
  ticket: string;
  jobId: string;
  /**
   * Encoded at once, off the JS heap: held as a string until Redis answered, each entry
   * outlived a young-generation collection and was promoted, which cost about a tenth of ingest's
   * CPU in garbage collection.
   */
  payload: Buffer;
  resolve: (first: boolean) => void;
  reject: (err: unknown) => void;
}

export class Inbox<T> {
  readonly #o: InboxOptions<T>;
  readonly #feeder = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  #loop: Promise<void> | undefined;
  /**
   * Events accepted while no call was on its way, per group: on a Cluster a group is a
   * partition, whose keys share a slot; on a single Redis all are one group, a partition's
   * tag being only a name there.
   */
  #batches = new Map<number, Pending[]>();
  readonly #clustered: boolean;
  #flushing = false;
  /** Scripts of earlier turns not answered yet: while there are, what arrives waits for them. */
  #inFlight = 0;
  #stopping = false;
  #wake: (() => void) | undefined;
  #woken = false;

  constructor(options: InboxOptions<T>) {
    this.#o = options;
    this.#clustered = options.redis instanceof Cluster;
  }

  stream(partition: number): string {
    return this.#o.keys.ofPartition(partition, "inbox");
  }

  /**
   * Accepts one event of `ticket` as job `jobId`; resolves to false when the delivery was
   * accepted before (its seen-mark is kept a day).
   */
  accept(ticket: string, jobId: string, data: T): Promise<boolean> {
    const partition = this.#o.keys.partitionOf(ticket);
    const group = this.#clustered ? partition : 0;
    return new Promise<boolean>((resolve, reject) => {
      let batch = this.#batches.get(group);
      if (!batch) {
        batch = [];
        this.#batches.set(group, batch);
      }
      batch.push({
        partition,
        ticket,
        jobId,
        payload: Buffer.from(JSON.stringify({ id: jobId, ticket, data })),
        resolve,
        reject,
      });
      this.#schedule();
    });
  }

  /**
   * Group commit: the first event of a quiet moment goes at the end of its turn; under load,
   * what arrives while a call is on its way goes in the next one, so a busy moment costs a
   * few large calls instead of many small ones, and no event waits longer than one call.
   * One call at a time keeps each stream in the order its events were accepted: with two on
   * their way, a second could land before a first that Redis sent back to be retried
   * (NOSCRIPT after a restart, a Cluster's redirection).
   */
  #schedule(): void {
    if (this.#flushing || this.#inFlight > 0 || this.#batches.size === 0) return;
    this.#flushing = true;
    setImmediate(() => this.#flush());
  }

  /** What arrived together, in one script per group (see #batches). */
  #flush(): void {
    this.#flushing = false;
    const batches = this.#batches;
    this.#batches = new Map();
    for (const batch of batches.values()) {
      const keys: string[] = [];
      const args: Buffer[] = [];
      for (const e of batch) {
        keys.push(
          this.stream(e.partition),
          this.#o.keys.ticketIn(e.partition, e.ticket, "delivery", e.jobId),
        );
        args.push(e.payload);
      }
      this.#inFlight++;
      acceptScript
        .run(this.#o.redis, keys, args)
        .then(
          (firsts) => {
            for (const [i, e] of batch.entries()) e.resolve(Number((firsts as number[])[i]) === 1);
            this.wake();
          },
          (err: unknown) => {
            for (const e of batch) e.reject(err);
          },
        )
        .finally(() => {
          this.#inFlight--;
          this.#schedule();
        });
    }
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
    const events = entries.map(
      ([, fields]) => JSON.parse(fields[fields.indexOf("j") + 1]!) as { id: string; ticket: string; data: T },
    );
    // Each job takes its place in its ticket's order before it exists, in the order the
    // events arrived (a listed job not made yet is waited for a while; see TicketOrder).
    await this.#o.orders[partition]!.enterMany(
      events.map((e) => ({ ticket: e.ticket, jobId: e.id })),
      partition,
    );
    await this.#o.queues[partition]!.addBulk(
      events.map((e) => ({ name: "event", data: e.data, opts: this.#o.jobOptions(e.id) })) as Parameters<
        Queue<T>["addBulk"]
      >[0],
    );
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
