import { createHash } from "node:crypto";
import type { RedisClient } from "./connection.js";

/**
 * A Lua script sent by its digest (EVALSHA): Redis hashes a script's whole text on every
 * EVAL, which costs more than most of the scripts here do. A node that does not know the
 * script yet (first use, a restart, a failover, another shard) gets it once with EVAL.
 */
export class LuaScript {
  readonly #sha: string;

  constructor(readonly lua: string) {
    this.#sha = createHash("sha1").update(lua).digest("hex");
  }

  async run(redis: RedisClient, keys: readonly string[], args: readonly (string | number | Buffer)[] = []) {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err as Error).message.startsWith("NOSCRIPT")) throw err;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
