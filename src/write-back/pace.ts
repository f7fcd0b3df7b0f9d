import { TrackerRequestError } from "../errors/tracker-error.js";
import type { RedisClient } from "../redis/connection.js";
import { LuaScript } from "../redis/lua-script.js";

/**
 * One tracker instance's write pace, shared by every bridge process through Redis: at
 * most `perSecond` writing requests in any sliding second (timed by Redis' own clock, so
 * machines whose clocks differ still agree), and a pause window set when the tracker
 * answers 429/503 with Retry-After, which holds back every write to that instance.
 */
const acquireScript = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`);

/**
 * Half a second over a second: a write is counted when it is let go, and it reaches the
 * tracker some milliseconds later — on a loaded machine a quarter second was seen not to
 * be enough — so the tracker still never sees more than the rate in any second of its
 * own. The steady rate is thus 2/3 of it.
 */
const windowMs = 1500;

export class TrackerPace {
  #seq = 0;

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

  /** Waits for a write slot; throws a retryable error carrying the wait when the tracker asked for a pause. */
  async acquire(): Promise<void> {
    const started = Date.now();
    for (;;) {
      const member = `${process.pid}-${Date.now()}-${this.#seq++}`;
      const wait = Number(
        await acquireScript.run(this.redis, this.#keys(), [
          Math.max(1, Math.floor(this.perSecond)),
          windowMs,
          member,
        ]),
      );
      if (wait <= 0) return;
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
