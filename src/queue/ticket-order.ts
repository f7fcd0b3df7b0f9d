import { Job, type Queue } from "bullmq";
import type { Redis } from "ioredis";

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
const enterScript = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`;

/** Marks a delivery seen and, only when it is new, lists its job: one round trip. */
const enterIfNewScript = `
if redis.call('SET', KEYS[3], '1', 'EX', 86400, 'NX') then
${enterScript.replace("return 1", "")}
  return 1
end
return 0
`;

/** Returns "" when the job may run, else the head it waits for. */
const turnScript = `
local head = redis.call('LINDEX', KEYS[1], 0)
if not head or head == ARGV[1] then return '' end
if not redis.call('LPOS', KEYS[1], ARGV[1]) then return '' end
return head
`;

const leaveScript = `
redis.call('LREM', KEYS[1], 0, ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('LINDEX', KEYS[1], 0) or ''
`;

const ttlMs = 7 * 24 * 3600_000;
/** How long a listed job may be missing from its queue before it is taken for lost. */
const missingGraceMs = 10_000;
/** How long a job that is not at the head waits before it looks again (it is promoted sooner when the head leaves). */
export const waitTurnMs = 2000;

export class TicketOrder {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly queue: Queue,
  ) {}

  keys(ticket: string): [string, string] {
    const base = `${this.prefix}:order:${this.queue.name}:{${ticket}}`;
    return [base, `${base}:at`];
  }

  /** Lists the job as the ticket's last; send it in the same round trip as the job's add. */
  enter(ticket: string, jobId: string): Promise<unknown> {
    return this.redis.eval(enterScript, 2, ...this.keys(ticket), jobId, Date.now(), ttlMs);
  }

  /**
   * Lists the job only if `seenKey` (the delivery's seen-mark, in the ticket's hash slot)
   * was not set yet; resolves to 1 for a new delivery, 0 for a repeated one.
   */
  enterIfNew(seenKey: string, ticket: string, jobId: string): Promise<unknown> {
    return this.redis.eval(enterIfNewScript, 3, ...this.keys(ticket), seenKey, jobId, Date.now(), ttlMs);
  }

  /** True when the job may run now. */
  async mayRun(ticket: string, jobId: string): Promise<boolean> {
    const keys = this.keys(ticket);
    for (let guard = 0; guard < 100; guard++) {
      const head = String(await this.redis.eval(turnScript, 2, ...keys, jobId));
      if (head === "") return true;
      const state = await this.queue.getJobState(head);
      if (state === "completed" || state === "failed") {
        await this.redis.eval(leaveScript, 2, ...keys, head);
        continue;
      }
      if (state === "unknown") {
        const at = Number(await this.redis.hget(keys[1], head));
        if (!at || Date.now() - at > missingGraceMs) {
          await this.redis.eval(leaveScript, 2, ...keys, head);
          continue;
        }
      }
      return false;
    }
    return false;
  }

  /** The job is done (or dead): the next job of the ticket is woken at once. */
  async leave(ticket: string, jobId: string): Promise<void> {
    const next = String(await this.redis.eval(leaveScript, 2, ...this.keys(ticket), jobId));
    if (!next) return;
    const job = await Job.fromId(this.queue, next);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }
}
