import { createHash } from "node:crypto";
import { type Action, actionTarget } from "../domain/action.js";
import type { Change } from "../domain/change.js";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";

/**
 * Keeps the bridge from arguing with itself or with a person. What the bridge writes is
 * fingerprinted (ticket, field, value) for a while, so the tracker's echo of it is
 * recognised even when the event does not carry the bridge's account; and each field of a
 * ticket may be written by the bridge only a few times an hour — past that it stops and
 * reports a conflict instead of writing again.
 */
export class LoopGuard {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly echoTtlMs = 15 * 60_000,
    private readonly maxWritesPerField = 3,
    private readonly windowMs = 3600_000,
  ) {}

  static fingerprint(field: string, value: unknown): string {
    return createHash("sha1")
      .update(`${field}\u0000${JSON.stringify(value ?? null)}`)
      .digest("hex")
      .slice(0, 16);
  }

  /** The fields and values an action writes, as the tracker will report them back. */
  static written(action: Action): { field: string; value: unknown }[] {
    switch (action.type) {
      case "setField":
        return [{ field: action.field, value: action.value }];
      case "transition":
        return [{ field: "status", value: action.status }];
      case "assign":
        return [{ field: "assignee", value: action.to }];
      default:
        return [];
    }
  }

  #echoKey(ticket: string): string {
    return this.keys.ticket(ticket, "own-writes");
  }

  /** Remembers what a write-back is about to write. */
  async remember(ticket: string, actions: readonly Action[]): Promise<void> {
    const prints = actions
      .flatMap((a) => LoopGuard.written(a))
      .map((w) => LoopGuard.fingerprint(w.field, w.value));
    if (prints.length === 0) return;
    await this.redis
      .multi()
      .sadd(this.#echoKey(ticket), ...prints)
      .pexpire(this.#echoKey(ticket), this.echoTtlMs)
      .exec();
  }

  /** True when every field the change sets is one the bridge itself just wrote. */
  async isEcho(ticket: string, change: Change): Promise<boolean> {
    const fields = change.fields.filter((f) => f.to !== undefined);
    if (fields.length === 0 || change.comment) return false;
    const prints = fields.map((f) => LoopGuard.fingerprint(f.field, plain(f.to)));
    const known = await this.redis.smismember(this.#echoKey(ticket), ...prints);
    return known.every((k) => k === 1);
  }

  #countKey(ticket: string, target: string): string {
    return this.keys.ticket(ticket, "writes", target);
  }

  /**
   * Splits actions into those the bridge may write now and those held back because it has
   * written the same field of this ticket too often lately (a human keeps reverting it, or
   * rules disagree across events). What counts is what was really written (`wrote`): a
   * correction asked again by a stale or repeated event, and found already done, does not.
   * With `countNow` (dry-run, where nothing is written) the admission itself counts.
   */
  async admit(
    ticket: string,
    actions: readonly Action[],
    countNow = false,
  ): Promise<{ allowed: Action[]; held: Action[] }> {
    const targets = actions.map((a) => actionTarget(a));
    const counted = targets.filter((t): t is string => t !== undefined);
    if (counted.length === 0) return { allowed: [...actions], held: [] };
    const counts = new Map<string, number>();
    if (countNow) {
      const replies = (await this.#increment(ticket, counted)) ?? [];
      for (const [i, target] of counted.entries()) counts.set(target, Number(replies[i * 2]?.[1] ?? 0) - 1);
    } else {
      const values = await this.redis.mget(...counted.map((t) => this.#countKey(ticket, t)));
      for (const [i, target] of counted.entries()) counts.set(target, Number(values[i] ?? 0));
    }
    const allowed: Action[] = [];
    const held: Action[] = [];
    actions.forEach((action, i) => {
      const target = targets[i];
      if (target !== undefined && (counts.get(target) ?? 0) >= this.maxWritesPerField) held.push(action);
      else allowed.push(action);
    });
    return { allowed, held };
  }

  /** Counts what a write-back really wrote to the ticket. */
  async wrote(ticket: string, actions: readonly Action[]): Promise<void> {
    const counted = actions.map((a) => actionTarget(a)).filter((t): t is string => t !== undefined);
    if (counted.length) await this.#increment(ticket, counted);
  }

  #increment(ticket: string, targets: readonly string[]) {
    // One round trip for all the fields.
    const tx = this.redis.multi();
    for (const target of targets) {
      const key = this.#countKey(ticket, target);
      tx.incr(key).pexpire(key, this.windowMs, "NX");
    }
    return tx.exec();
  }
}

function plain(v: unknown): unknown {
  if (v !== null && typeof v === "object" && "value" in (v as object)) return (v as { value: unknown }).value;
  return v;
}
