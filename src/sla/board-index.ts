import type { ChainableCommander } from "ioredis";
import type { Logger } from "pino";
import type { Ticket } from "../domain/ticket.js";
import { duplicateConnection, type RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import { redactPersonalData } from "../text/personal-data.js";
import type { ClockReport, ClockState } from "./clocks.js";

/**
 * The SLA board's index: one Redis hash field per open ticket with a running clock, kept
 * by the SLA service each time it recomputes the ticket's clocks (an event, or the
 * ticket's due job), and a channel saying which ticket changed. The console reads the
 * index — never the tickets — so a board of ten thousand tickets costs one read at start
 * and one small read per change.
 */

/** One clock as the board shows it: what was computed, so that the remaining time can be counted at any moment. */
export interface BoardClock {
  id: string;
  title: string;
  time: "working" | "calendar";
  state: ClockState;
  target?: number;
  elapsed: number;
  due?: number;
  atRiskAt?: number;
}

export interface BoardEntry {
  /** `<instance>/<id>`. */
  key: string;
  instance: string;
  id: string;
  project?: string;
  url?: string;
  pack: string;
  type?: string;
  priority?: string;
  line: number;
  status: string;
  statusLabel?: string;
  assignee?: string;
  /** Set while a pause status holds the clocks. */
  pausedBy?: string;
  clocks: BoardClock[];
  evaluatedAt: number;
}

/** Clocks the board shows: those still counting (or paused) — not met, not stopped, not the auto-close timer. */
const live = (r: ClockReport) =>
  r.kind !== "autoClose" &&
  r.stoppedAt === undefined &&
  (r.state === "running" || r.state === "paused" || r.state === "at_risk" || r.state === "breached");

/** The ticket's board entry, or undefined when none of its clocks is counting. */
export function boardEntry(
  ticket: Ticket,
  pack: { id: string; statuses: Readonly<Record<string, { label?: string }>> },
  reports: readonly ClockReport[],
  now: number,
): BoardEntry | undefined {
  const clocks = reports.filter(live);
  if (!clocks.length) return undefined;
  const status = ticket.status.value;
  const label = ticket.status.label ?? pack.statuses[status]?.label;
  const statusLabel = label && redactPersonalData(label);
  // A clock counting has a due moment; one without is held short of its target by a pause status.
  const paused = clocks.some((c) => c.state === "paused" || c.due === undefined);
  return {
    key: `${ticket.ref.instance}/${ticket.ref.id}`,
    instance: ticket.ref.instance,
    id: ticket.ref.id,
    ...(ticket.ref.project !== undefined ? { project: ticket.ref.project } : {}),
    ...(ticket.ref.url ? { url: ticket.ref.url } : {}),
    pack: pack.id,
    // Shown on the board: a tracker's own type name is its users' text.
    ...(ticket.type ? { type: redactPersonalData(ticket.type.label ?? ticket.type.value) } : {}),
    ...(ticket.priority ? { priority: ticket.priority.value } : {}),
    line: ticket.line ?? 1,
    status,
    ...(statusLabel ? { statusLabel } : {}),
    ...(ticket.assignee ? { assignee: ticket.assignee.name ?? ticket.assignee.id } : {}),
    ...(paused ? { pausedBy: statusLabel ?? status } : {}),
    clocks: clocks.map((c) => ({
      id: c.id,
      title: c.title,
      time: c.time,
      state: c.state,
      elapsed: c.elapsed,
      ...(c.target !== undefined ? { target: c.target } : {}),
      ...(c.due !== undefined ? { due: c.due } : {}),
      ...(c.atRiskAt !== undefined ? { atRiskAt: c.atRiskAt } : {}),
    })),
    evaluatedAt: now,
  };
}

/** The hash of the board entries of the tickets of one partition: the key of `ticket`'s. */
export const boardIndexKey = (keys: KeySpace, ticket: string) =>
  keys.ofPartition(keys.partitionOf(ticket), "sla:board");
export const boardIndexKeys = (keys: KeySpace) => keys.allPartitions("sla:board");
export const boardChannel = (keys: KeySpace) => keys.channel("sla:board:changed");

/** Puts the ticket's entry (or its absence) into a transaction, with the change announced. */
export function putBoardEntry(
  tx: ChainableCommander,
  keys: KeySpace,
  ticket: string,
  entry: BoardEntry | undefined,
): void {
  if (entry) tx.hset(boardIndexKey(keys, ticket), ticket, JSON.stringify(entry));
  else tx.hdel(boardIndexKey(keys, ticket), ticket);
  tx.publish(boardChannel(keys), ticket);
}

/** Every ticket the board shows, from all partitions. */
export async function boardTickets(redis: RedisClient, keys: KeySpace): Promise<string[]> {
  const all = await Promise.all(boardIndexKeys(keys).map((k) => redis.hkeys(k)));
  return all.flat();
}

export type BoardListener = (key: string) => void;

/**
 * The index as one process reads it: loaded whole at start (and again after a lost
 * connection, when announcements may have been missed), then kept by the announcements,
 * each re-reading only the ticket that changed. Listeners (the console's live pages) hear
 * every change.
 */
export class SlaBoardView {
  readonly #entries = new Map<string, BoardEntry>();
  readonly #listeners = new Set<BoardListener>();
  #subscriber: RedisClient | undefined;
  #loaded: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const subscriber = duplicateConnection(this.redis, { enableAutoPipelining: false });
    this.#subscriber = subscriber;
    subscriber.on("error", () => {});
    subscriber.on("message", (_channel, key: string) => {
      this.#refresh(key).catch((err) =>
        this.logger.warn({ ticket: key, err: (err as Error).message }, "board entry not re-read"),
      );
    });
    // After a reconnection announcements may have been lost: read the whole index again.
    subscriber.on("ready", () => {
      if (this.#loaded) this.#loaded = this.#loadAll();
    });
    await subscriber.subscribe(boardChannel(this.keys));
    this.#loaded = this.#loadAll();
    await this.#loaded;
  }

  async #loadAll(): Promise<void> {
    const parts = await Promise.all(boardIndexKeys(this.keys).map((k) => this.redis.hgetall(k)));
    this.#entries.clear();
    for (const all of parts)
      for (const [key, raw] of Object.entries(all)) this.#entries.set(key, JSON.parse(raw) as BoardEntry);
    for (const l of this.#listeners) l("*");
  }

  async #refresh(key: string): Promise<void> {
    const raw = await this.redis.hget(boardIndexKey(this.keys, key), key);
    if (raw) this.#entries.set(key, JSON.parse(raw) as BoardEntry);
    else this.#entries.delete(key);
    for (const l of this.#listeners) l(key);
  }

  /** Every entry, as of the last announcement. */
  entries(): Iterable<BoardEntry> {
    return this.#entries.values();
  }

  get(key: string): BoardEntry | undefined {
    return this.#entries.get(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Calls `listener` with the key of each ticket that changed ("*" after a full reload); returns the unsubscribe. */
  listen(listener: BoardListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#subscriber?.disconnect();
  }
}
