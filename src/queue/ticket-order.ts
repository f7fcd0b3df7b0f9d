import { Job, type Queue } from "bullmq";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import { LuaScript } from "../redis/lua-script.js";

/**
 * One ticket's jobs of one queue run strictly one after another and in the order they
 * were queued, on any number of processes — also across retries: a job that failed and
 * waits for its backoff keeps its place at the head, and the later jobs of its ticket
 * wait behind it instead of overtaking it (BullMQ alone would run them meanwhile).
 *
 * Each ticket has a Redis list of job ids in queue order. A job may run when it is the
 * head, or when it is not listed at all (queued before this existed, or its listing was
 * lost). A head whose job is finished, or has not existed for a while, is dropped, so a
 * crash between the add and the listing cannot hold a ticket back for ever.
 */
/** Lists a job as its ticket's last (KEYS: the list and its hash of listing times); the inbox does the same. */
const enterScript = new LuaScript(`
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`);

/** Returns "" when the job may run, else the head it waits for. */
const enterManyScript = new LuaScript(`
for i = 1, #KEYS / 2 do
  local list, at, job = KEYS[i * 2 - 1], KEYS[i * 2], ARGV[i + 2]
  redis.call('RPUSH', list, job)
  redis.call('HSET', at, job, ARGV[1])
  redis.call('PEXPIRE', list, ARGV[2])
  redis.call('PEXPIRE', at, ARGV[2])
end
return 1
`);

const turnScript = new LuaScript(`
local head = redis.call('LINDEX', KEYS[1], 0)
if not head or head == ARGV[1] then return '' end
if not redis.call('LPOS', KEYS[1], ARGV[1]) then return '' end
return head
`);

const leaveScript = new LuaScript(`
redis.call('LREM', KEYS[1], 0, ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('LINDEX', KEYS[1], 0) or ''
`);

export const orderTtlMs = 7 * 24 * 3600_000;
/** How long a listed job may be missing from its queue before it is taken for lost. */
const missingGraceMs = 10_000;
/** How long a job that is not at the head waits before it looks again (it is promoted sooner when the head leaves). */
export const waitTurnMs = 2000;

export class TicketOrder {
  constructor(
    private readonly redis: RedisClient,
    private readonly keySpace: KeySpace,
    private readonly queue: Queue,
  ) {}

  /** The ticket's list of job ids and its hash of listing times, in the ticket's slot. */
  keys(ticket: string, partition = this.keySpace.partitionOf(ticket)): [string, string] {
    const base = this.keySpace.ticketIn(partition, ticket, "order", this.queue.name);
    return [base, `${base}:at`];
  }

  /** Lists the job as the ticket's last; send it in the same round trip as the job's add. */
  enter(ticket: string, jobId: string): Promise<unknown> {
    return enterScript.run(this.redis, this.keys(ticket), [jobId, Date.now(), orderTtlMs]);
  }

  /** Lists jobs in this order, each as its ticket's last; all of one partition, in one round trip. */
  async enterMany(jobs: readonly { ticket: string; jobId: string }[], partition: number): Promise<void> {
    if (!jobs.length) return;
    const keys = jobs.flatMap((j) => this.keys(j.ticket, partition));
    await enterManyScript.run(this.redis, keys, [Date.now(), orderTtlMs, ...jobs.map((j) => j.jobId)]);
  }

  /** True when the job may run now. */
  async mayRun(ticket: string, jobId: string): Promise<boolean> {
    const keys = this.keys(ticket);
    for (let guard = 0; guard < 100; guard++) {
      const head = String(await turnScript.run(this.redis, keys, [jobId]));
      if (head === "") return true;
      const state = await this.queue.getJobState(head);
      if (state === "completed" || state === "failed") {
        await leaveScript.run(this.redis, keys, [head]);
        continue;
      }
      if (state === "unknown") {
        const at = Number(await this.redis.hget(keys[1], head));
        if (!at || Date.now() - at > missingGraceMs) {
          await leaveScript.run(this.redis, keys, [head]);
          continue;
        }
      }
      return false;
    }
    return false;
  }

  /** The job is done (or dead): the next job of the ticket is woken at once. */
  async leave(ticket: string, jobId: string): Promise<void> {
    const next = String(await leaveScript.run(this.redis, this.keys(ticket), [jobId]));
    if (!next) return;
    const job = await Job.fromId(this.queue, next);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }
}
