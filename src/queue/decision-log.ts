import type { Logger } from "pino";
import type { Action } from "../domain/action.js";
import type { Decision } from "../domain/decision.js";
import type { Ticket } from "../domain/ticket.js";
import { type HistoryHandOff, handOff } from "../history/hand-off.js";
import { historyRecords } from "../history/records.js";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import { redactPersonalData } from "../text/personal-data.js";

/** One entry of a ticket's decision log: what was decided on an event, or what became of its write-back. */
export type LogEntry =
  | {
      type: "decisions";
      at: string;
      deliveryId: string;
      pack: string;
      mode: "dry-run" | "enforce";
      decisions: Decision[];
      /** What happens to the actions: written (queued), only recorded (dry-run), nothing to do, or held back. */
      writeback: "queued" | "dry-run" | "none" | "held";
      /** In dry-run: the full payload that would have been written. */
      wouldDo?: Action[];
      /** Rules that judge later, at the end of their grace period. */
      deferred?: { rule: string; seconds: number }[];
    }
  | { type: "own-change"; at: string; deliveryId: string; reason: string }
  | {
      type: "writeback";
      at: string;
      deliveryId: string;
      /**
       * `superseded`: a person changed the ticket meanwhile (`changed` says what); nothing was
       * written and the ticket is decided afresh. `partial`: the tracker refused part of it
       * (`refused`, with its own words); the rest was written. `failed`: nothing could be
       * written; the job is in the dead-letter set.
       */
      result: "applied" | "partial" | "failed" | "superseded";
      applied?: number;
      skipped?: number;
      error?: string;
      changed?: string[];
      refused?: { action: Action; reason: string }[];
    }
  | { type: "event-failed"; at: string; deliveryId: string; error: string };

/** A job of the ticket that keeps failing and is retried: one summary, updated in place, never a log entry per try. */
export interface RetrySummary {
  kind: "event" | "writeback";
  deliveryId: string;
  tries: number;
  since: string;
  lastAt: string;
  last: string;
  /** Set once it ended: done after retrying, or dead (in the dead-letter set). */
  ended?: "done" | "dead";
}

/** Announces each entry with its ticket's key, for live pages. */
export const decisionsChannel = (keys: KeySpace) => keys.channel("decisions:changed");

/**
 * Every decision and write-back result, kept in Redis: a capped list per ticket (for the
 * API and `reglament decisions`) and a capped stream per instance (for auditing), and
 * logged with pino.
 */
export class DecisionLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
    private readonly logger: Logger,
    private readonly history?: HistoryHandOff,
    private readonly perTicket = 100,
    private readonly perInstance = 10_000,
  ) {}

  #ticketKey(instance: string, id: string): string {
    return this.keys.ticket(`${instance}/${id}`, "decisions");
  }

  #retryKey(instance: string, id: string): string {
    return this.keys.ticket(`${instance}/${id}`, "retries");
  }

  /** Updates the ticket's one summary of a job's retries. */
  /** `level`: debug while the tracker is down — its outage is told once, by the tracker's state, not per job. */
  async retrying(
    instance: string,
    id: string,
    summary: RetrySummary,
    level: "warn" | "debug" = "warn",
  ): Promise<void> {
    const key = this.#retryKey(instance, id);
    await this.redis
      .multi()
      .hset(key, `${summary.kind}:${summary.deliveryId}`, JSON.stringify(summary))
      .pexpire(key, 7 * 24 * 3600_000)
      .exec();
    if (summary.tries === 1 || summary.ended)
      this.logger[level]({ instance, ticket: id, ...summary }, `${summary.kind} retrying`);
  }

  /** The ticket's retry summaries, most recent first. */
  async retries(instance: string, id: string): Promise<RetrySummary[]> {
    const all = Object.values(await this.redis.hgetall(this.#retryKey(instance, id))).map(
      (r) => JSON.parse(r) as RetrySummary,
    );
    return all.sort((a, b) => b.lastAt.localeCompare(a.lastAt));
  }

  /** `ticket`: the ticket the decisions saw, kept in the history as the version they rest on. */
  async record(instance: string, id: string, entry: LogEntry, ticket?: Ticket): Promise<void> {
    // What the console, the API and `reglament decisions` show: a refusal that quotes the
    // tracker, an error, a label changed may carry a ticket's text.
    const json = JSON.stringify(entry, (_key, value) =>
      typeof value === "string" ? redactPersonalData(value) : value,
    );
    const ticketKey = `${instance}/${id}`;
    const tx = this.redis.multi();
    if (this.history) handOff(tx, this.history, ticketKey, historyRecords(instance, id, entry, ticket));
    await tx
      .lpush(this.#ticketKey(instance, id), json)
      .ltrim(this.#ticketKey(instance, id), 0, this.perTicket - 1)
      .xadd(
        this.keys.ofPartition(this.keys.partitionOf(ticketKey), `decision-stream:${instance}`),
        "MAXLEN",
        "~",
        String(Math.max(1000, Math.ceil(this.perInstance / this.keys.partitions))),
        "*",
        "ticket",
        id,
        "entry",
        json,
      )
      .publish(decisionsChannel(this.keys), ticketKey)
      .exec();
    if (entry.type === "decisions") {
      for (const d of entry.decisions) {
        this.logger.info(
          {
            instance,
            ticket: id,
            rule: d.rule,
            outcome: d.outcome,
            mode: entry.mode,
            writeback: entry.writeback,
            actions: d.actions.length,
          },
          d.message,
        );
      }
    } else {
      this.logger.info({ instance, ticket: id, ...entry }, `decision log: ${entry.type}`);
    }
  }

  /** The ticket's recent entries, newest first. */
  async recent(instance: string, id: string, limit = 50): Promise<LogEntry[]> {
    const rows = await this.redis.lrange(this.#ticketKey(instance, id), 0, limit - 1);
    return rows.map((r) => JSON.parse(r) as LogEntry);
  }
}
