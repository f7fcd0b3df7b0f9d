import { hash } from "node:crypto";
import type { Config } from "../config/schema.js";

/**
 * Where every key the bridge writes lives. A Redis Cluster runs a multi-key command (a
 * MULTI, a script, an MGET) only when all its keys hash to one slot, and the slot of a
 * key with `{…}` in it is the slot of what the braces hold. So:
 *   - each partition has a hash tag, `{<prefix>:<n>}`; the keys of every ticket of that
 *     partition (snapshot, decision log, loop guard, order lists, delivery marks, board
 *     entry) and the partition's own streams (inbox, history hand-off) carry it, so one
 *     ticket's multi-key operations stay atomic, and the partitions spread over the shards;
 *   - each BullMQ queue has its hash tag as its prefix (the events queue of partition n
 *     the partition's tag), so a queue's keys stay in one slot, as BullMQ's scripts need;
 *   - keys read or written one at a time (the tracked tickets, cursors, the due index,
 *     effect marks) are plain `<prefix>:<name>`.
 * On a single Redis or a Sentinel set the braces change nothing; the layout is the same.
 */
export class KeySpace {
  constructor(
    readonly prefix: string,
    readonly partitions: number,
  ) {}

  /** The partition of a ticket (`instance/id`): its events queue and its keys' slot. */
  partitionOf(ticket: string): number {
    return partitionOf(ticket, this.partitions);
  }

  /** The hash tag of a partition. */
  slot(partition: number): string {
    return `{${this.prefix}:${partition}}`;
  }

  /** A key of one ticket: `name` is the kind, `rest` what identifies it within the kind. */
  ticket(ticket: string, name: string, ...rest: string[]): string {
    return this.ticketIn(this.partitionOf(ticket), ticket, name, ...rest);
  }

  /** The same, for a caller that knows the ticket's partition already (the digest is not free). */
  ticketIn(partition: number, ticket: string, name: string, ...rest: string[]): string {
    return [this.slot(partition), name, ticket, ...rest].join(":");
  }

  /** A key of one partition (its inbox, its history hand-off, its board entries). */
  ofPartition(partition: number, name: string): string {
    return `${this.slot(partition)}:${name}`;
  }

  /** The same key in every partition, for readers that gather them. */
  allPartitions(name: string): string[] {
    return Array.from({ length: this.partitions }, (_, p) => this.ofPartition(p, name));
  }

  /** A key read and written on its own. */
  plain(name: string): string {
    return `${this.prefix}:${name}`;
  }

  /** The BullMQ prefix of a queue: the partition's tag for an events queue, the queue's own tag otherwise. */
  queuePrefix(queue: string): string {
    const events = /^events-(\d+)$/.exec(queue);
    return events ? this.slot(Number(events[1])) : `{${this.prefix}:${queue}}`;
  }

  /** A channel for announcements (Pub/Sub channels belong to no slot). */
  channel(name: string): string {
    return `${this.prefix}:${name}`;
  }
}

/** The key space of a deployment: its prefix and its number of partitions. */
export function keySpaceOf(config: Pick<Config, "redis" | "pipeline">): KeySpace {
  return new KeySpace(config.redis.keyPrefix, config.pipeline.partitions);
}

/** The first four bytes of the key's SHA-1, read from its hex: a Buffer costs more to make than the digest. */
export function partitionOf(key: string, partitions: number): number {
  return Number.parseInt(hash("sha1", key, "hex").slice(0, 8), 16) % partitions;
}
