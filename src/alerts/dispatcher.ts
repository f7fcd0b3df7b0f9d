import { createHash } from "node:crypto";
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { type HistoryHandOff, handOff } from "../history/hand-off.js";
import { type HistoryRecord, recordKey } from "../history/records.js";
import type { RedisClient } from "../redis/connection.js";
import { workerConnection } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import { isConnectionError } from "../redis/outage.js";
import { type Alert, redactAlert } from "./alert.js";
import { signedHeaders } from "./signature.js";

type Endpoint = Config["alerts"]["endpoints"][number];

interface DeliveryJob {
  alert: Alert;
  endpoint: string;
}

export interface DispatcherOptions {
  connection: RedisClient;
  keys: KeySpace;
  endpoints: readonly Endpoint[];
  logger: Logger;
  /** First retry delay; doubles each attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Retries stop this long after the alert was raised. */
  giveUpAfterMs?: number;
  /** How long a delivered alert's id is remembered, so it is never delivered again. */
  rememberMs?: number;
  timeoutMs?: number;
  now?: () => number;
  /** Where alerts and their deliveries are handed to the history, when it is kept. */
  history?: HistoryHandOff;
}

const DAY = 24 * 3600_000;

/**
 * Delivers alerts to the supervisors' endpoints as signed Standard Webhooks. Each
 * (alert, endpoint) is one BullMQ job, retried with exponential backoff for up to 24 h;
 * every attempt is logged; an alert id already accepted for an endpoint is never queued
 * again, so a supervisor receives each alert once.
 */
export class AlertDispatcher {
  readonly queue: Queue<DeliveryJob>;
  readonly #opts: Required<
    Omit<DispatcherOptions, "connection" | "keys" | "endpoints" | "logger" | "history">
  > &
    DispatcherOptions;
  #worker: Worker<DeliveryJob> | undefined;
  #workerConnection: RedisClient | undefined;

  constructor(options: DispatcherOptions) {
    this.#opts = {
      baseDelayMs: 5_000,
      maxDelayMs: 3600_000,
      giveUpAfterMs: DAY,
      rememberMs: 30 * DAY,
      timeoutMs: 10_000,
      now: Date.now,
      ...options,
    };
    this.queue = new Queue<DeliveryJob>("alerts", {
      connection: options.connection,
      prefix: options.keys.queuePrefix("alerts"),
    });
    this.queue.on("error", (err) => {
      if (!isConnectionError(err)) options.logger.error({ err }, "alert queue error");
    });
  }

  /** Endpoints that take this alert: subscribed to its type and, when they filter, to its pack. */
  endpointsFor(alert: Alert): Endpoint[] {
    return this.#opts.endpoints.filter(
      (e) => e.events.includes(alert.type) && (!e.packs || e.packs.includes(alert.pack)),
    );
  }

  /** Hands records about `alert` to the history, in the stream of its ticket's partition. */
  async #record(alert: Alert, records: HistoryRecord[]): Promise<void> {
    if (!this.#opts.history) return;
    const tx = this.#opts.connection.multi();
    const ticket = alert.ticket ? `${alert.ticket.instance}/${alert.ticket.id}` : undefined;
    handOff(tx, this.#opts.history, ticket, records);
    await tx
      .exec()
      .catch((err) =>
        this.#opts.logger.warn({ err: (err as Error).message }, "alert not handed to the history"),
      );
  }

  #delivery(
    alert: Alert,
    endpoint: string,
    outcome: string,
    status: number | null,
    detail: string | null,
  ): HistoryRecord {
    const at = new Date(this.#opts.now()).toISOString();
    return {
      kind: "alert_delivery",
      key: recordKey(alert.id, endpoint, outcome, outcome === "retrying" ? at : ""),
      at,
      alertId: alert.id,
      endpoint,
      outcome,
      status,
      detail,
    };
  }

  /**
   * Queues the alert for every endpoint that takes it, once per alert id; returns the
   * endpoints newly queued. What is recorded and queued is the redacted alert.
   */
  async publish(raised: Alert): Promise<string[]> {
    const alert = redactAlert(raised);
    await this.#record(alert, [
      {
        kind: "alert",
        key: alert.id,
        at: alert.occurredAt,
        alertId: alert.id,
        type: alert.type,
        instance: alert.ticket?.instance ?? "",
        ticket: alert.ticket?.id ?? "",
        pack: alert.pack,
        clock: alert.clock ?? null,
        message: alert.message,
      },
    ]);
    const queued: string[] = [];
    for (const endpoint of this.endpointsFor(alert)) {
      const seenKey = this.#opts.keys.plain(`alerts:seen:${alert.id}:${endpoint.name}`);
      const first = await this.#opts.connection.set(seenKey, "1", "PX", this.#opts.rememberMs, "NX");
      if (first !== "OK") {
        this.#opts.logger.debug(
          { alert: alert.id, endpoint: endpoint.name },
          "alert already queued for this endpoint",
        );
        continue;
      }
      const jobId = createHash("sha256").update(`${alert.id}\u0000${endpoint.name}`).digest("hex");
      await this.queue.add(
        "deliver",
        { alert, endpoint: endpoint.name },
        {
          jobId,
          attempts: 1000,
          backoff: { type: "capped-exponential" },
          removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      );
      queued.push(endpoint.name);
    }
    return queued;
  }

  /** Sends one delivery; throws to have it retried. */
  async deliver(job: Job<DeliveryJob>): Promise<void> {
    // Again here for a job queued by a version that did not redact.
    const alert = redactAlert(job.data.alert);
    const endpoint = this.#opts.endpoints.find((e) => e.name === job.data.endpoint);
    const log = this.#opts.logger.child({
      alert: alert.id,
      type: alert.type,
      endpoint: job.data.endpoint,
      attempt: job.attemptsMade + 1,
    });
    if (!endpoint)
      throw new UnrecoverableError(`alert endpoint "${job.data.endpoint}" is no longer configured`);
    if (this.#opts.now() - job.timestamp > this.#opts.giveUpAfterMs) {
      log.error("alert not delivered within 24 h; giving up");
      await this.#record(alert, [
        this.#delivery(alert, endpoint.name, "given-up", null, "not delivered within 24 h"),
      ]);
      throw new UnrecoverableError("not delivered within the retry window");
    }
    const body = JSON.stringify(alert);
    const timestamp = Math.floor(this.#opts.now() / 1000);
    let status: number;
    try {
      const response = await fetch(endpoint.url, {
        method: "POST",
        headers: signedHeaders(endpoint.secret, alert.id, timestamp, body),
        body,
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "alert delivery failed; will retry");
      await this.#record(alert, [
        this.#delivery(alert, endpoint.name, "retrying", null, (err as Error).message),
      ]);
      throw err;
    }
    if (status >= 200 && status < 300) {
      log.info({ status }, "alert delivered");
      await this.#record(alert, [this.#delivery(alert, endpoint.name, "delivered", status, null)]);
      return;
    }
    if (status === 410) {
      log.error({ status }, "alert endpoint is gone (410); not retrying");
      await this.#record(alert, [this.#delivery(alert, endpoint.name, "refused", status, "410 Gone")]);
      throw new UnrecoverableError("endpoint answered 410 Gone");
    }
    log.warn({ status }, "alert endpoint refused the delivery; will retry");
    await this.#record(alert, [
      this.#delivery(alert, endpoint.name, "retrying", status, `endpoint answered ${status}`),
    ]);
    throw new Error(`endpoint answered ${status}`);
  }

  start(concurrency = 4): Worker<DeliveryJob> {
    const { baseDelayMs, maxDelayMs } = this.#opts;
    this.#workerConnection = workerConnection(this.#opts.connection);
    this.#worker = new Worker<DeliveryJob>("alerts", (job) => this.deliver(job), {
      connection: this.#workerConnection,
      prefix: this.#opts.keys.queuePrefix("alerts"),
      concurrency,
      settings: {
        backoffStrategy: (attemptsMade: number) =>
          Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attemptsMade - 1)),
      },
    });
    this.#worker.on("error", (err) => {
      if (!isConnectionError(err)) this.#opts.logger.error({ err }, "alert worker error");
    });
    return this.#worker;
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    this.#workerConnection?.disconnect();
    await this.queue.close();
  }
}
