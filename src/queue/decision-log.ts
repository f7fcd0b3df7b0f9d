import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Action } from "../domain/action.js";
import type { Decision } from "../domain/decision.js";

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
    }
  | { type: "own-change"; at: string; deliveryId: string; reason: string }
  | {
      type: "writeback";
      at: string;
      deliveryId: string;
      /** `superseded`: a person changed the ticket meanwhile; it is re-read and decided afresh. */
      result: "applied" | "failed" | "retrying" | "superseded";
      applied?: number;
      skipped?: number;
      error?: string;
    };

/**
 * Every decision and write-back result, kept in Redis: a capped list per ticket (for the
 * API and `reglament decisions`) and a capped stream per instance (for auditing), and
 * logged with pino.
 */
export class DecisionLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly perTicket = 100,
    private readonly perInstance = 10_000,
  ) {}

  #ticketKey(instance: string, id: string): string {
    return `${this.prefix}:decisions:${instance}:${id}`;
  }

  async record(instance: string, id: string, entry: LogEntry): Promise<void> {
    const json = JSON.stringify(entry);
    await this.redis
      .multi()
      .lpush(this.#ticketKey(instance, id), json)
      .ltrim(this.#ticketKey(instance, id), 0, this.perTicket - 1)
      .xadd(
        `${this.prefix}:decision-stream:${instance}`,
        "MAXLEN",
        "~",
        String(this.perInstance),
        "*",
        "ticket",
        id,
        "entry",
        json,
      )
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
