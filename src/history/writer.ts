import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { Cluster } from "ioredis";
import type { Logger } from "pino";
import type { Alert } from "../alerts/alert.js";
import { Errors } from "../errors/catalogue.js";
import { duplicateConnection, type RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import { redactPersonalData } from "../text/personal-data.js";
import { type HistoryRecord, redactRecord } from "./records.js";
import type { HistoryStore } from "./store.js";

const group = "history-writers";

export interface HistoryStatus {
  state: "starting" | "writing" | "failing" | "stopped";
  /** Records handed off and not yet stored (stream entries). */
  backlog: number;
  where?: string;
  lastError?: string;
  /** Set when the backlog is past `alertBacklog`. */
  behind: boolean;
}

/** Announces each stored batch. */
export const historyStoredChannel = (keys: KeySpace) => keys.channel("history:stored");

export interface HistoryWriterOptions {
  redis: RedisClient;
  /** The hand-off streams (one per partition) and where a stored batch is announced. */
  streams: readonly string[];
  storedChannel: string;
  /** False in a process that only reads the history (`serve --role ingest`): it opens the store and leaves the streams to the workers. */
  drain?: boolean;
  /** Opens (and migrates) the store; retried until it succeeds. */
  open: () => Promise<HistoryStore>;
  logger: Logger;
  batchSize?: number;
  /** A backlog past this is logged once as "behind" and shown by /readyz. */
  alertBacklog?: number;
  /** How long an entry another process took may stay unwritten before this one takes it over. */
  claimIdleMs?: number;
  onBacklog?: (size: number) => void;
  /** Raised once each time the backlog grows past `alertBacklog`: the supervisors' `history.behind` alert. */
  onBehind?: (alert: Alert) => Promise<unknown>;
  /** Records older than this many days are deleted, once a day. */
  retentionDays?: number;
  now?: () => number;
}

/**
 * Drains the hand-off stream into the history store in batches, off the hot path. A
 * batch is acknowledged (and deleted from the stream) only once the database holds it;
 * while the database is away the entries wait in the stream and are written when it is
 * back. Several processes share the work through a consumer group; an entry a dead
 * process had taken is claimed by another, and idempotent keys make a replay harmless.
 */
export class HistoryWriter {
  readonly #o: Required<Omit<HistoryWriterOptions, "onBacklog" | "onBehind" | "retentionDays" | "drain">> &
    Pick<HistoryWriterOptions, "onBacklog" | "onBehind" | "retentionDays" | "drain">;
  #prunedAt = 0;
  #grouped = false;
  readonly #consumer = `${hostname()}-${process.pid}`;
  #reader: RedisClient | undefined;
  #store: HistoryStore | undefined;
  #status: HistoryStatus = { state: "starting", backlog: 0, behind: false };
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: HistoryWriterOptions) {
    this.#o = { batchSize: 500, alertBacklog: 10_000, claimIdleMs: 60_000, now: Date.now, ...options };
  }

  /** The open store, for queries; throws REG_HISTORY_UNAVAILABLE until it is open. */
  store(): HistoryStore {
    if (!this.#store)
      throw Errors.HISTORY_UNAVAILABLE(
        this.#status.where ?? "not open yet",
        this.#status.lastError ??
          "it is still starting (the embedded store's first start creates its database)",
      );
    return this.#store;
  }

  status(): HistoryStatus {
    return { ...this.#status };
  }

  start(): void {
    this.#loop = this.#run().catch((err) => {
      this.#o.logger.error({ err }, "history writer stopped unexpectedly");
    });
  }

  async #run(): Promise<void> {
    // A dedicated connection: the blocking read must not hold up the pipeline's commands.
    this.#reader = duplicateConnection(this.#o.redis, {});
    this.#reader.on("error", () => {});
    let backoff = 1000;
    while (!this.#stopping) {
      try {
        if (!this.#store) {
          const store = await this.#o.open();
          if (this.#stopping) {
            await store.close();
            break;
          }
          this.#store = store;
          this.#status.where = this.#store.where;
          this.#o.logger.info({ where: this.#store.where }, "history store ready");
        }
        const drain = this.#o.drain !== false;
        if (drain) {
          await this.#ensureGroup();
          await this.#prune();
        }
        const written = drain ? await this.#drainOnce() : 0;
        if (this.#status.state === "failing")
          this.#o.logger.info(
            { where: this.#status.where },
            "history store is back; writing the waiting records",
          );
        this.#status.state = "writing";
        delete this.#status.lastError;
        backoff = 1000;
        if (!written) await (drain ? this.#waitForNew() : this.#idle(1000));
      } catch (err) {
        if (this.#stopping) break;
        // A Redis that lost its data lost the consumer groups too.
        this.#grouped = false;
        const message = (err as Error).message;
        if (this.#status.state !== "failing" || this.#status.lastError !== message)
          this.#o.logger.warn(
            { err: message, where: this.#status.where },
            "history store not writable; records wait in Redis until it is back",
          );
        this.#status.state = "failing";
        this.#status.lastError = message;
        await this.#idle(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      }
      await this.#measure();
    }
  }

  async #prune(): Promise<void> {
    const days = this.#o.retentionDays;
    const now = this.#o.now();
    if (!days || now - this.#prunedAt < 24 * 3600_000) return;
    const removed = await this.#store!.prune(new Date(now - days * 24 * 3600_000).toISOString());
    this.#prunedAt = now;
    if (removed)
      this.#o.logger.info({ removed, retentionDays: days }, "history: records past the retention deleted");
  }

  async #ensureGroup(): Promise<void> {
    if (this.#grouped) return;
    for (const key of this.#o.streams) {
      try {
        await this.#o.redis.xgroup("CREATE", key, group, "0", "MKSTREAM");
      } catch (err) {
        if (!/BUSYGROUP/.test((err as Error).message)) throw err;
      }
    }
    this.#grouped = true;
  }

  /** One batch from each stream; returns how many records were stored. */
  async #drainOnce(): Promise<number> {
    let written = 0;
    for (const key of this.#o.streams) written += await this.#drainStream(key);
    return written;
  }

  /** One batch of a stream: this process's unacknowledged entries first, then others' stale ones, then new ones. */
  async #drainStream(key: string): Promise<number> {
    const reader = this.#reader!;
    const { batchSize } = this.#o;
    let entries = parseEntries(
      await reader.xreadgroup("GROUP", group, this.#consumer, "COUNT", batchSize, "STREAMS", key, "0"),
    );
    if (!entries.length) {
      const claimed = (await reader.xautoclaim(
        key,
        group,
        this.#consumer,
        this.#o.claimIdleMs,
        "0-0",
        "COUNT",
        batchSize,
      )) as [string, [string, string[]][]];
      entries = claimed[1].filter((e) => e[1]).map(([id, fields]) => ({ id, fields }));
    }
    if (!entries.length) {
      entries = parseEntries(
        await reader.xreadgroup("GROUP", group, this.#consumer, "COUNT", batchSize, "STREAMS", key, ">"),
      );
    }
    if (!entries.length) return 0;
    const records: HistoryRecord[] = [];
    for (const e of entries) {
      const at = e.fields.indexOf("r");
      // Redacted when handed off; again here for entries handed off by a version that left
      // fields out (a ticket version's labels): the database holds no personal data.
      if (at >= 0)
        for (const r of JSON.parse(e.fields[at + 1]!) as HistoryRecord[])
          records.push(redactRecord(r, redactPersonalData));
    }
    await this.#store!.write(records);
    const ids = entries.map((e) => e.id);
    await this.#o.redis
      .multi()
      .xack(key, group, ...ids)
      .xdel(key, ...ids)
      // Live pages that read the history (the console's activity feed) hear that it grew.
      .publish(this.#o.storedChannel, String(records.length))
      .exec();
    return records.length;
  }

  async #measure(): Promise<void> {
    const backlog = await Promise.all(this.#o.streams.map((k) => this.#o.redis.xlen(k)))
      .then((lengths) => lengths.reduce((a, b) => a + b, 0))
      .catch(() => this.#status.backlog);
    this.#status.backlog = backlog;
    this.#o.onBacklog?.(backlog);
    const behind = backlog > this.#o.alertBacklog;
    if (behind && !this.#status.behind) {
      const message = `history is behind: ${backlog} records wait in Redis to be stored${this.#status.lastError ? ` (${this.#status.where ?? "the store"}: ${this.#status.lastError})` : ""}`;
      this.#o.logger.warn({ backlog, where: this.#status.where }, message);
      const occurredAt = new Date(this.#o.now()).toISOString();
      await this.#o
        .onBehind?.({
          id: `alert_history_${createHash("sha256").update(`${this.#o.storedChannel}\u0000${occurredAt}`).digest("hex").slice(0, 24)}`,
          type: "history.behind",
          occurredAt,
          pack: "",
          message,
        })
        .catch((err) =>
          this.#o.logger.warn({ err: (err as Error).message }, "history.behind alert not queued"),
        );
    }
    this.#status.behind = behind;
  }

  /**
   * Waits for entries to arrive. A single Redis blocks on all the streams at once; what
   * arrives is this consumer's, read as its own pending entries next round. A Cluster
   * cannot block on keys of several slots: it is looked at again shortly.
   */
  async #waitForNew(): Promise<void> {
    const reader = this.#reader!;
    if (reader instanceof Cluster) return this.#idle(100);
    const { streams, batchSize } = this.#o;
    await reader.xreadgroup(
      "GROUP",
      group,
      this.#consumer,
      "COUNT",
      batchSize,
      "BLOCK",
      1000,
      "STREAMS",
      ...streams,
      ...streams.map(() => ">"),
    );
  }

  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops after the batch in hand; what is left stays in the stream for the next start. */
  async close(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    this.#reader?.disconnect();
    // A store still opening (the embedded one's first start) is closed by the loop once open.
    await Promise.race([this.#loop, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.#status.state = "stopped";
    await this.#store?.close().catch(() => {});
  }
}

function parseEntries(reply: unknown): { id: string; fields: string[] }[] {
  if (!Array.isArray(reply)) return [];
  const stream = reply[0] as [string, [string, string[]][]] | undefined;
  return (stream?.[1] ?? []).filter((e) => Array.isArray(e[1])).map(([id, fields]) => ({ id, fields }));
}

/** /readyz's view of the history: shown, never a reason to stop taking webhooks. */
export function historyReadiness(writer: HistoryWriter) {
  return {
    name: "history",
    advisory: true,
    check: async () => {
      const s = writer.status();
      return s.state !== "failing" && !s.behind;
    },
    explain: () => {
      const s = writer.status();
      return `behind: ${s.backlog} records wait in Redis${s.lastError ? `; ${s.where ?? "the store"}: ${s.lastError}` : ""}`;
    },
  };
}
