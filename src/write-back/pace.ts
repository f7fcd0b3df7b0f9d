import { randomBytes } from "node:crypto";
import { TrackerRequestError } from "../errors/tracker-error.js";
import type { RedisClient } from "../redis/connection.js";
import { LuaScript } from "../redis/lua-script.js";

/**
 * One tracker instance's write pace, shared by every bridge process through Redis: at
 * most `perSecond` writing requests in any sliding second as the tracker sees them (timed
 * by Redis' own clock, so machines whose clocks differ still agree), and a pause window
 * set when the tracker answers 429/503 with Retry-After, which holds back every write to
 * that instance.
 *
 * A write holds its slot while it is on its way — however long a loaded machine takes to
 * send it — and for a second after it is done (a write is done when the same write-back
 * asks for its next slot, or ends): the tracker receives a write before it is done, so
 * two writes a full slot apart are received more than a second apart.
 */
const windowMs = 1000;
/**
 * How long a write's slot is held at most while it is on its way: a process that died
 * with a write in flight frees its slot after this.
 */
const inFlightMs = 30_000;

const acquireScript = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[1], 'XX', now, ARGV[4]) end
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + ${inFlightMs}, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + ${inFlightMs} * 2)
  return 0
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
if oldest > now then return 50 end
return math.max(1, oldest + window - now)
`);

/** Marks a write done: its slot is held for a second from now. */
const doneScript = new LuaScript(`
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
return 1
`);

/** The writes of one write-back, one after another: each done when the next asks for its slot. */
export interface PaceSession {
  acquire(): Promise<void>;
  /** The last write is done (or never went out). */
  end(): Promise<void>;
}

export class TrackerPace {
  #seq = 0;
  // Members must differ between the pace objects of one process too (two bridges in one test).
  readonly #id = `${process.pid}-${randomBytes(4).toString("hex")}`;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly instance: string,
    private readonly perSecond: number,
    /** Longer than this and the write-back is deferred instead of holding its worker. */
    private readonly maxWaitMs = 2000,
  ) {}

  #keys(): [string, string] {
    const base = `{${this.prefix}:pace:${this.instance}}`;
    return [`${base}:window`, `${base}:paused`];
  }

  /** The slots of one write-back's writes. */
  session(): PaceSession {
    let last = "";
    return {
      acquire: async () => {
        last = await this.#acquire(last);
      },
      end: async () => {
        if (last) await doneScript.run(this.redis, [this.#keys()[0]], [last]);
        last = "";
      },
    };
  }

  /**
   * Waits for a write slot, marking the write that held `previous` done; throws a retryable
   * error carrying the wait when the tracker asked for a pause.
   */
  async #acquire(previous: string): Promise<string> {
    const started = Date.now();
    let done = previous;
    for (;;) {
      const member = `${this.#id}-${this.#seq++}`;
      const wait = Number(
        await acquireScript.run(this.redis, this.#keys(), [
          Math.max(1, Math.floor(this.perSecond)),
          windowMs,
          member,
          done,
        ]),
      );
      done = "";
      if (wait <= 0) return member;
      if (Date.now() - started + wait > this.maxWaitMs) {
        throw new TrackerRequestError({
          instance: this.instance,
          what: "write",
          reason: `writes to this tracker are paused for ${Math.ceil(wait / 1000)} s more (it asked to wait, or the write pace is taken)`,
          retryable: true,
          retryAfterMs: wait,
        });
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Holds back every write to this instance for `ms` (the tracker's Retry-After). */
  async pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    const [, paused] = this.#keys();
    const current = await this.redis.pttl(paused);
    if (current >= ms) return;
    await this.redis.set(paused, "1", "PX", Math.ceil(ms));
  }
}
