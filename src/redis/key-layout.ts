import { Cluster } from "ioredis";
import type { Logger } from "pino";
import { Errors } from "../errors/catalogue.js";
import type { RedisClient } from "./connection.js";
import type { KeySpace } from "./key-space.js";

/**
 * The layout of the keys under a prefix (see KeySpace), recorded in Redis so that every
 * process of a deployment agrees on it: version 2 puts each ticket's keys in the slot of
 * its partition, so the number of partitions is part of it.
 */
const version = 2;

interface Layout {
  version: number;
  partitions: number;
}

/**
 * Checks, at start-up, that the keys are laid out for this configuration; on a Redis that
 * holds keys of the first layout (plain `<prefix>:…` names, before Cluster support), moves
 * them — queued jobs, decision logs, snapshots, order lists, the board, the history's
 * hand-off — to their tagged names first, so nothing queued or recorded is left behind.
 * One process does the move; the others wait for it.
 */
export async function checkKeyLayout(redis: RedisClient, keys: KeySpace, logger: Logger): Promise<void> {
  const lockKey = keys.plain("layout:moving");
  for (let waited = 0; ; waited += 200) {
    if (await assertKeyLayout(redis, keys)) return;
    if ((await redis.set(lockKey, String(process.pid), "PX", 120_000, "NX")) === "OK") break;
    if (waited > 120_000)
      throw Errors.REDIS_UNREACHABLE(keys.prefix, "another process did not finish moving the keys");
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    // A Cluster is new in the version that brought the layout: it holds no keys of the first.
    const moved = redis instanceof Cluster ? 0 : await moveFirstLayout(redis, keys);
    if (moved)
      logger.info(
        { keys: moved, prefix: keys.prefix },
        "Redis keys moved to the layout that keeps each ticket's keys in its partition's slot",
      );
    const layout: Layout = { version, partitions: keys.partitions };
    await redis.set(keys.plain("layout"), JSON.stringify(layout));
  } finally {
    await redis.del(lockKey);
  }
}

/**
 * Throws when the keys are laid out for another number of partitions (a command reading
 * with the wrong one would find nothing); false when no layout is recorded yet.
 */
export async function assertKeyLayout(redis: RedisClient, keys: KeySpace): Promise<boolean> {
  const stored = await redis.get(keys.plain("layout"));
  if (!stored) return false;
  const layout = JSON.parse(stored) as Layout;
  if (layout.partitions !== keys.partitions)
    throw Errors.REDIS_LAYOUT_MISMATCH(keys.prefix, layout.partitions, keys.partitions);
  return true;
}

async function moveFirstLayout(redis: RedisClient, keys: KeySpace): Promise<number> {
  const start = `${keys.prefix}:`;
  let moved = 0;
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${escapeGlob(start)}*`, "COUNT", 1000);
    cursor = next;
    for (const key of found) {
      const rest = key.slice(start.length);
      if (rest === "sla:board") {
        moved += await splitBoard(redis, keys, key);
        continue;
      }
      const target = firstLayoutTarget(keys, rest);
      if (target && target !== key && (await redis.renamenx(key, target)) === 1) moved++;
    }
  } while (cursor !== "0");
  return moved;
}

async function splitBoard(redis: RedisClient, keys: KeySpace, key: string): Promise<number> {
  const entries = await redis.hgetall(key);
  const tx = redis.multi();
  for (const [ticket, entry] of Object.entries(entries))
    tx.hset(keys.ofPartition(keys.partitionOf(ticket), "sla:board"), ticket, entry);
  await tx.del(key).exec();
  return 1;
}

const queueKey = /^(events-(\d+)|writeback-[^:]+|reconcile|alerts|sla):(.+)$/;
// Keys under a queue's name that are not the queue's: they keep their plain names.
const plainUnderQueue = /^(alerts:seen:|sla:due$|sla:done:|sla:board:filled$)/;

/** The tagged name of a key of the first layout (`rest` is its name after the prefix); undefined: it keeps its name. */
export function firstLayoutTarget(keys: KeySpace, rest: string): string | undefined {
  if (plainUnderQueue.test(rest)) return undefined;
  const queue = queueKey.exec(rest);
  if (queue) return `${keys.queuePrefix(queue[1]!)}:${queue[1]}:${queue[3]}`;
  if (rest === "history") return keys.ofPartition(0, "history");
  const [kind, ...parts] = rest.split(":");
  const of = (instance: string, id: string) => `${instance}/${id}`;
  switch (kind) {
    case "decisions":
    case "retries":
    case "snapshot":
      return parts.length >= 2 ? keys.ticket(of(parts[0]!, parts.slice(1).join(":")), kind) : undefined;
    case "decision-stream":
      return parts.length ? keys.ofPartition(0, rest) : undefined;
    case "own-writes":
      return parts.length ? keys.ticket(parts.join(":"), kind) : undefined;
    case "writes":
      return parts.length >= 2 ? keys.ticket(parts[0]!, kind, ...parts.slice(1)) : undefined;
    case "order": {
      // order:<queue>:{<ticket>}[:at]
      const m = /^order:([^:]+):\{([^}]+)\}(:at)?$/.exec(rest);
      return m ? `${keys.ticket(m[2]!, "order", m[1]!)}${m[3] ?? ""}` : undefined;
    }
    case "delivery": {
      const m = /^delivery:\{([^}]+)\}:(.+)$/.exec(rest);
      return m ? keys.ticket(m[1]!, "delivery", m[2]!) : undefined;
    }
    case "pace": {
      const m = /^pace:\{([^}]+)\}:(.+)$/.exec(rest);
      return m ? `{${keys.prefix}:pace:${m[1]}}:${m[2]}` : undefined;
    }
    default:
      return undefined;
  }
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, "\\$&");
}
