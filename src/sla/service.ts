import type { Logger } from "pino";
import type { Alert } from "../alerts/alert.js";
import type { Action } from "../domain/action.js";
import type { Ticket } from "../domain/ticket.js";
import type { LoadedPack } from "../engine/pack-loader.js";
import { type HistoryHandOff, handOff } from "../history/hand-off.js";
import { clockRecords } from "../history/records.js";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import { boardEntry, boardTickets, putBoardEntry } from "./board-index.js";
import { evaluateClocks, nextDueMoment } from "./clocks.js";
import { slaEffects } from "./effects.js";
import { calendarFor, type PackTime } from "./pack-sla.js";
import type { SlaScheduler } from "./scheduler.js";

export interface TrackedTicket {
  ticket: Ticket;
  pack: LoadedPack;
  time: PackTime;
}

/** Where the service finds a ticket's fresh state when its due job fires. */
export type TicketSource = (key: string) => Promise<TrackedTicket | undefined>;
/** Where write-backs go (the write-back queue); `reason` says which effect asked. */
export type ActionSink = (ticket: Ticket, actions: Action[], reason: string) => Promise<void>;
export type AlertPublisher = (alert: Alert) => Promise<unknown>;

export interface SlaServiceOptions {
  scheduler: SlaScheduler;
  redis: RedisClient;
  keys: KeySpace;
  source: TicketSource;
  sink: ActionSink;
  publish: AlertPublisher;
  logger: Logger;
  now?: () => number;
  /** How long an effect's id is remembered, so it is never done twice. */
  rememberMs?: number;
  /** Where each clock's state is handed to the history, when it is kept. */
  history?: HistoryHandOff;
}

export function ticketKey(ticket: Ticket): string {
  return `${ticket.ref.instance}/${ticket.ref.id}`;
}

/**
 * Keeps each open ticket's clocks on schedule: after every change the ticket's next due
 * moment becomes its one delayed job; when the job fires the clocks are recomputed from
 * the fresh ticket, their effects (alerts, the reporter told, auto-close) are done once
 * each, and the next moment is scheduled. A ticket with no running clock has no job.
 */
export class SlaService {
  readonly #o: Required<Omit<SlaServiceOptions, "history">> & Pick<SlaServiceOptions, "history">;

  constructor(options: SlaServiceOptions) {
    this.#o = { now: Date.now, rememberMs: 90 * 24 * 3600_000, ...options };
  }

  /** Recomputes the ticket's clocks after a change: does what is due now, schedules the next moment. */
  async track({ ticket, pack, time }: TrackedTicket): Promise<number | undefined> {
    const key = ticketKey(ticket);
    if (!time.sla) return undefined;
    const now = this.#o.now();
    const calendar = calendarFor(time, ticket);
    const reports = evaluateClocks(ticket, { calendar, spec: time.sla, statuses: pack.statuses, now });
    const tx = this.#o.redis.multi();
    putBoardEntry(tx, this.#o.keys, key, boardEntry(ticket, pack, reports, now));
    if (this.#o.history)
      handOff(tx, this.#o.history, key, clockRecords(ticket, pack.id, reports, new Date(now).toISOString()));
    await tx.exec();
    for (const effect of slaEffects(ticket, reports, { pack, sla: time.sla, calendar, now })) {
      const first = await this.#o.redis.set(
        this.#o.keys.plain(`sla:done:${effect.id}`),
        "1",
        "PX",
        this.#o.rememberMs,
        "NX",
      );
      if (first !== "OK") continue;
      this.#o.logger.info({ ticket: key, alert: effect.alert.type, clock: effect.alert.clock }, "SLA effect");
      await this.#o.publish(effect.alert);
      if (effect.actions.length) await this.#o.sink(ticket, effect.actions, effect.alert.type);
    }
    const next = nextDueMoment(reports, now);
    if (next === undefined) await this.#o.scheduler.cancel(key);
    else await this.#o.scheduler.schedule(key, next, now);
    return next;
  }

  /**
   * Once per Redis (a marker key): every tracked ticket missing from the board index gets
   * its due job now, so that a board added by an upgrade shows the tickets already open
   * instead of waiting for each one's next change. Returns how many were scheduled.
   */
  async fillBoardOnce(tracked: () => Promise<string[]>): Promise<number> {
    const first = await this.#o.redis.set(this.#o.keys.plain("sla:board:filled"), "1", "NX");
    if (first !== "OK") return 0;
    const shown = new Set(await boardTickets(this.#o.redis, this.#o.keys));
    const missing = (await tracked()).filter((key) => !shown.has(key));
    const now = this.#o.now();
    await this.#o.scheduler.scheduleMany(
      missing.map((ticket) => ({ ticket, at: now })),
      now,
    );
    if (missing.length)
      this.#o.logger.info(
        { tickets: missing.length },
        "SLA board: tracked tickets missing from it are recomputed once (the board is new in this version)",
      );
    return missing.length;
  }

  /** The due job's handler: fetches the ticket fresh and tracks it. */
  async onDue(key: string): Promise<void> {
    const tracked = await this.#o.source(key);
    if (!tracked) {
      this.#o.logger.warn({ ticket: key }, "due ticket no longer found; its clocks are dropped");
      await this.#o.scheduler.cancel(key);
      const tx = this.#o.redis.multi();
      putBoardEntry(tx, this.#o.keys, key, undefined);
      await tx.exec();
      return;
    }
    await this.track(tracked);
  }
}
