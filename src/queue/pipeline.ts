import { createHash } from "node:crypto";
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { type Alert, alertId } from "../alerts/alert.js";
import { withConfiguredRole } from "../config/actors.js";
import type { Config } from "../config/schema.js";
import type { Action } from "../domain/action.js";
import type { TrackerAdapter, TrackerEvent } from "../domain/adapter.js";
import type { Change } from "../domain/change.js";
import type { Decision } from "../domain/decision.js";
import type { Actor, Ticket, TicketRef } from "../domain/ticket.js";
import { evaluate } from "../engine/evaluate.js";
import { isReglamentError } from "../errors/catalogue.js";
import { TrackerRequestError } from "../errors/tracker-error.js";
import type { PipelineMetrics } from "../metrics/pipeline-metrics.js";
import { workerConnection } from "../redis/connection.js";
import type { DeploymentPack } from "../runtime/deployment-packs.js";
import type { SlaService } from "../sla/service.js";
import { DecisionLog } from "./decision-log.js";
import { LoopGuard } from "./loop-guard.js";
import { eventsQueue, partitionOf, reconcileQueue, safeJobId, ticketKey, writebackQueue } from "./names.js";
import { diffSnapshot, SnapshotStore } from "./snapshots.js";

export interface EventJob {
  instance: string;
  deliveryId: string;
  ref: TicketRef;
  source: "webhook" | "reconcile";
  /** Absent for reconciliation: the change is what differs from the last snapshot. */
  change?: Change;
  ticket?: Ticket;
}

export interface WritebackJob {
  instance: string;
  deliveryId: string;
  ref: TicketRef;
  actions: Action[];
  /** Carried in every comment, so a replayed job can see it already posted. */
  marker: string;
}

export interface PipelineOptions {
  config: Config;
  adapters: ReadonlyMap<string, TrackerAdapter>;
  packs: ReadonlyMap<string, DeploymentPack>;
  redis: Redis;
  logger: Logger;
  metrics: PipelineMetrics;
  sla?: SlaService;
  publishAlert?: (alert: Alert) => Promise<unknown>;
  now?: () => number;
  /** How long a worker holds a job before others may take it over (BullMQ's lock and stall check). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * Events in, decisions out, write-backs to the trackers — losing nothing, doing nothing
 * twice and never arguing with itself:
 *   - an accepted webhook is a job whose id is the delivery id (a redelivery is a no-op);
 *   - events are spread over `pipeline.partitions` queues by ticket, each with a global
 *     concurrency of 1: one ticket's events run one at a time, in order, on whichever
 *     process takes them; different tickets run in parallel;
 *   - the bridge's own changes (its account, or the fingerprint of what it just wrote)
 *     are recorded and not evaluated; a field it keeps having to rewrite is held back
 *     with a conflict decision and an alert;
 *   - write-backs are jobs per instance, rate-limited, retried with exponential backoff
 *     and the tracker's Retry-After; a refusal goes to the dead-letter (failed) set.
 */
export class Pipeline {
  readonly #o: PipelineOptions;
  readonly prefix: string;
  readonly log: DecisionLog;
  readonly guard: LoopGuard;
  readonly snapshots: SnapshotStore;
  readonly #events: Queue<EventJob>[];
  readonly #writebacks = new Map<string, Queue<WritebackJob>>();
  readonly #reconcile: Queue<{ instance: string }>;
  readonly #workers: Worker[] = [];
  readonly #workerConnections: Redis[] = [];
  readonly #now: () => number;

  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.prefix = options.config.redis.keyPrefix;
    const connection = options.redis;
    this.log = new DecisionLog(connection, this.prefix, options.logger);
    this.guard = new LoopGuard(connection, this.prefix);
    this.snapshots = new SnapshotStore(connection, this.prefix);
    this.#events = Array.from(
      { length: options.config.pipeline.partitions },
      (_, i) => new Queue<EventJob>(eventsQueue(i), { connection, prefix: this.prefix }),
    );
    for (const instance of options.adapters.keys()) {
      this.#writebacks.set(
        instance,
        new Queue<WritebackJob>(writebackQueue(instance), { connection, prefix: this.prefix }),
      );
    }
    this.#reconcile = new Queue(reconcileQueue, { connection, prefix: this.prefix });
  }

  get queues(): Queue[] {
    return [...this.#events, ...this.#writebacks.values(), this.#reconcile];
  }

  writebackQueueOf(instance: string): Queue<WritebackJob> | undefined {
    return this.#writebacks.get(instance);
  }

  /** Durably enqueues events; resolves once Redis has them. Returns how many were new. */
  async enqueue(
    instance: string,
    events: readonly TrackerEvent[],
    source: EventJob["source"] = "webhook",
  ): Promise<{ accepted: number; duplicates: number }> {
    let accepted = 0;
    let duplicates = 0;
    for (const [index, e] of events.entries()) {
      const key = ticketKey(e.ref);
      const queue = this.#events[partitionOf(key, this.#events.length)]!;
      const jobId = safeJobId(events.length > 1 ? `${e.deliveryId}#${index}` : e.deliveryId);
      // The job id makes the add idempotent (Redis keeps the first); the seen-mark only tells
      // the sender whether this delivery was new, so both go out in one round trip and a
      // crash between them loses nothing.
      const [, first] = await Promise.all([
        queue.add(
          "event",
          {
            instance,
            deliveryId: e.deliveryId,
            ref: e.ref,
            source,
            change: e.change,
            ...(e.ticket ? { ticket: e.ticket } : {}),
          },
          {
            jobId,
            attempts: 5,
            backoff: { type: "exponential", delay: 1000 },
            removeOnComplete: { age: 24 * 3600, count: 50_000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        ),
        this.#o.redis.set(`${this.prefix}:delivery:${instance}:${jobId}`, "1", "EX", 86_400, "NX"),
      ]);
      if (first !== "OK") {
        duplicates++;
        continue;
      }
      accepted++;
    }
    return { accepted, duplicates };
  }

  #pack(instance: string, ref: TicketRef): DeploymentPack | undefined {
    const binding = this.#o.config.trackers[instance]?.projects[ref.project ?? ""];
    return binding ? this.#o.packs.get(binding.pack) : undefined;
  }

  /** The deployment's roles for everyone the ticket names; the bridge's account is `bridge`. */
  #withRoles(instance: string, adapter: TrackerAdapter, actor: Actor): Actor {
    if (adapter.isBridgeActor(actor)) return { ...actor, role: "bridge" };
    return withConfiguredRole(this.#o.config, instance, actor);
  }

  #ticketWithRoles(instance: string, adapter: TrackerAdapter, t: Ticket): Ticket {
    const role = (a: Actor) => this.#withRoles(instance, adapter, a);
    return {
      ...t,
      reporter: role(t.reporter),
      assignee: t.assignee ? role(t.assignee) : undefined,
      comments: t.comments.map((c) => ({ ...c, author: role(c.author) })),
    };
  }

  /** One event: the whole path from the queue to the decision log and the write-back queue. */
  async processEvent(job: EventJob): Promise<void> {
    const started = performance.now();
    const { instance, ref, deliveryId } = job;
    const adapter = this.#o.adapters.get(instance);
    const deployment = this.#pack(instance, ref);
    const log = this.#o.logger.child({ instance, ticket: ref.id, deliveryId });
    if (!adapter || !deployment) {
      log.warn({ project: ref.project }, "event for a project no pack governs; ignored");
      return;
    }
    const key = ticketKey(ref);
    const at = new Date(this.#now()).toISOString();

    const given = job.ticket && job.source === "webhook" ? job.ticket : undefined;
    if (!given && job.change && adapter.isBridgeActor(job.change.actor)) {
      // The bridge's own write coming back: nothing will be evaluated, so nothing is fetched.
      await this.log.record(instance, ref.id, {
        type: "own-change",
        at,
        deliveryId,
        reason: "made by the bridge's account",
      });
      return;
    }
    const fresh = given ?? (await adapter.fetchTicket(ref));
    const ticket = this.#ticketWithRoles(instance, adapter, fresh);
    const before = await this.snapshots.swap(instance, ref.id, ticket);
    const raw = job.change ?? diffSnapshot(before, ticket);
    if (!raw) {
      log.debug("nothing changed since the bridge last looked");
      await this.#track(deployment, ticket);
      return;
    }
    const change: Change = { ...raw, actor: this.#withRoles(instance, adapter, raw.actor) };
    if (change.actor.role === "bridge" || (await this.guard.isEcho(key, change))) {
      await this.log.record(instance, ref.id, {
        type: "own-change",
        at,
        deliveryId,
        reason:
          change.actor.role === "bridge"
            ? "made by the bridge's account"
            : "matches what the bridge just wrote",
      });
      await this.#track(deployment, ticket);
      return;
    }

    const { pack } = deployment;
    const decisions = evaluate(pack, ticket, change, { now: at });
    // A decision whose write is held back keeps its comment back too: never explain a correction not made.
    const allowed: Action[] = [];
    const held: Action[] = [];
    for (const d of decisions) {
      const verdict = await this.guard.admit(key, d.actions);
      if (verdict.held.length) held.push(...d.actions);
      else allowed.push(...verdict.allowed);
    }
    if (held.length) decisions.push(this.#heldDecision(pack.id, held));
    for (const d of decisions)
      this.#o.metrics.decisions.inc({ pack: pack.id, rule: d.rule, outcome: d.outcome });

    const dryRun = pack.mode === "dry-run";
    const writeback = allowed.length === 0 ? (held.length ? "held" : "none") : dryRun ? "dry-run" : "queued";
    await this.log.record(instance, ref.id, {
      type: "decisions",
      at,
      deliveryId,
      pack: pack.id,
      mode: pack.mode,
      decisions,
      writeback,
      ...(dryRun && allowed.length ? { wouldDo: allowed } : {}),
    });
    if (writeback === "queued") await this.#queueWriteback(instance, ref, deliveryId, allowed);
    if (writeback === "dry-run") this.#o.metrics.writebacks.inc({ instance, result: "dry-run" });
    await this.#raiseAlerts(ticket, pack.id, deliveryId, decisions);
    await this.#track(deployment, ticket);
    this.#o.metrics.processing.observe((performance.now() - started) / 1000);
  }

  #heldDecision(pack: string, held: Action[]): Decision {
    const targets = [...new Set(held.map((a) => (a.type === "setField" ? a.field : a.type)))].join(", ");
    return {
      rule: "loop-guard",
      pack,
      outcome: "violation",
      message: `the bridge has already rewritten ${targets} of this ticket several times in the last hour; it stops writing and asks a person to settle it`,
      citation: "Reglament: protection against correction loops",
      actions: [],
      alerts: ["policy.violation"],
      conflict: `held back: ${held.map((a) => JSON.stringify(a)).join("; ")}`,
    };
  }

  async #queueWriteback(
    instance: string,
    ref: TicketRef,
    deliveryId: string,
    actions: Action[],
  ): Promise<void> {
    const queue = this.#writebacks.get(instance)!;
    const marker = `reglament:${createHash("sha1").update(`${instance}\u0000${deliveryId}`).digest("hex").slice(0, 12)}`;
    const { writebackAttempts, writebackBackoffMs } = this.#o.config.pipeline;
    await queue.add(
      "writeback",
      { instance, deliveryId, ref, actions, marker },
      {
        jobId: safeJobId(`wb-${deliveryId}`),
        attempts: writebackAttempts,
        backoff: { type: "exponential", delay: writebackBackoffMs },
        removeOnComplete: { age: 24 * 3600, count: 50_000 },
        removeOnFail: false,
      },
    );
  }

  async #raiseAlerts(
    ticket: Ticket,
    pack: string,
    deliveryId: string,
    decisions: readonly Decision[],
  ): Promise<void> {
    if (!this.#o.publishAlert) return;
    for (const d of decisions) {
      for (const type of d.alerts) {
        this.#o.metrics.alerts.inc({ type });
        await this.#o.publishAlert({
          id: alertId(ticket.ref, type, d.rule, deliveryId),
          type,
          occurredAt: new Date(this.#now()).toISOString(),
          pack,
          ticket: {
            tracker: ticket.ref.tracker,
            instance: ticket.ref.instance,
            id: ticket.ref.id,
            ...(ticket.ref.url ? { url: ticket.ref.url } : {}),
          },
          message: d.message,
          citation: d.citation,
          ...(ticket.line ? { line: ticket.line } : {}),
          ...(ticket.assignee ? { assignee: ticket.assignee.id } : {}),
        });
      }
    }
  }

  async #track(deployment: DeploymentPack, ticket: Ticket): Promise<void> {
    if (!this.#o.sla || !deployment.time.sla) return;
    await this.#o.redis.hset(`${this.prefix}:refs`, ticketKey(ticket.ref), JSON.stringify(ticket.ref));
    await this.#o.sla.track({ ticket, pack: deployment.pack, time: deployment.time });
  }

  /** The SLA service's view of a ticket when its due job fires: fetched fresh, with roles. */
  async trackedTicket(key: string): Promise<{ ticket: Ticket; deployment: DeploymentPack } | undefined> {
    const raw = await this.#o.redis.hget(`${this.prefix}:refs`, key);
    if (!raw) return undefined;
    const ref = JSON.parse(raw) as TicketRef;
    const adapter = this.#o.adapters.get(ref.instance);
    const deployment = this.#pack(ref.instance, ref);
    if (!adapter || !deployment) return undefined;
    return {
      ticket: this.#ticketWithRoles(ref.instance, adapter, await adapter.fetchTicket(ref)),
      deployment,
    };
  }

  /**
   * Write-backs asked by something other than a rule (the SLA clocks: the reporter told of
   * a breach, an auto-close): recorded like decisions, and written only in enforce mode.
   */
  async submitActions(ticket: Ticket, actions: Action[], reason: string): Promise<void> {
    const deployment = this.#pack(ticket.ref.instance, ticket.ref);
    if (!deployment) return;
    const { pack } = deployment;
    const deliveryId = `sla-${reason}-${createHash("sha1").update(JSON.stringify(actions)).digest("hex").slice(0, 12)}`;
    const decision: Decision = {
      rule: `sla:${reason}`,
      pack: pack.id,
      outcome: "info",
      message: `SLA: ${reason}`,
      citation: "",
      actions,
      alerts: [],
    };
    const dryRun = pack.mode === "dry-run";
    await this.log.record(ticket.ref.instance, ticket.ref.id, {
      type: "decisions",
      at: new Date(this.#now()).toISOString(),
      deliveryId,
      pack: pack.id,
      mode: pack.mode,
      decisions: [decision],
      writeback: dryRun ? "dry-run" : "queued",
      ...(dryRun ? { wouldDo: actions } : {}),
    });
    if (!dryRun) await this.#queueWriteback(ticket.ref.instance, ticket.ref, deliveryId, actions);
  }

  /** One write-back job: fingerprint what will be written, then let the adapter write it. */
  async processWriteback(job: Job<WritebackJob>, token: string | undefined): Promise<void> {
    const { instance, ref, actions, marker, deliveryId } = job.data;
    const adapter = this.#o.adapters.get(instance);
    if (!adapter) throw new UnrecoverableError(`tracker instance "${instance}" is no longer configured`);
    // Every outcome is counted and written to the ticket's decision log the same way.
    const outcome = async (
      metric: "applied" | "failed" | "retried" | "superseded",
      entry: {
        result: "applied" | "failed" | "retrying" | "superseded";
        applied?: number;
        skipped?: number;
        error?: string;
      },
    ) => {
      this.#o.metrics.writebacks.inc({ instance, result: metric });
      await this.log.record(instance, ref.id, {
        type: "writeback",
        at: new Date(this.#now()).toISOString(),
        deliveryId,
        ...entry,
      });
    };
    await this.guard.remember(ticketKey(ref), actions);
    try {
      const result = await adapter.applyActions(ref, actions, { marker });
      await outcome("applied", {
        result: "applied",
        applied: result.applied.length,
        skipped: result.skipped.length,
      });
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof TrackerRequestError && err.conflict) {
        // A person changed the ticket since it was read: what to write may no longer hold.
        await outcome("superseded", { result: "superseded", error: message });
        await this.#recheck(instance, ref, `recheck-${job.id}-${job.attemptsMade}`);
        return;
      }
      const retryable = isReglamentError(err) ? err.retryable : true;
      if (!retryable) {
        await outcome("failed", { result: "failed", error: message });
        throw new UnrecoverableError(message);
      }
      await outcome("retried", { result: "retrying", error: message });
      const wait = err instanceof TrackerRequestError ? err.retryAfterMs : undefined;
      if (wait !== undefined && token) {
        // The tracker said when to come back: wait exactly that, without spending an attempt.
        await job.moveToDelayed(this.#now() + wait, token);
        throw new DelayedError();
      }
      throw err;
    }
  }

  /** Queues a ticket to be fetched and compared with its snapshot, as reconciliation does. */
  async #recheck(instance: string, ref: TicketRef, deliveryId: string): Promise<void> {
    const queue = this.#events[partitionOf(ticketKey(ref), this.#events.length)]!;
    await queue.add(
      "event",
      { instance, deliveryId, ref, source: "reconcile" },
      {
        jobId: safeJobId(deliveryId),
        attempts: 5,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: { age: 24 * 3600, count: 50_000 },
      },
    );
  }

  /** One reconciliation run: every ticket updated since the stored cursor goes through the same path. */
  async reconcile(instance: string, maxPages = 50): Promise<number> {
    const adapter = this.#o.adapters.get(instance);
    if (!adapter) return 0;
    const cursorKey = `${this.prefix}:cursor:${instance}`;
    let cursor = (await this.#o.redis.get(cursorKey)) ?? undefined;
    let total = 0;
    for (let page = 0; page < maxPages; page++) {
      const { tickets, cursor: next } = await adapter.listUpdatedSince(cursor);
      const events = tickets.map((t) => ({
        deliveryId: `reconcile-${instance}-${t.ref.id}-${t.updatedAt}`,
        ref: t.ref,
      }));
      for (const e of events) await this.#recheck(instance, e.ref, e.deliveryId);
      total += events.length;
      await this.#o.redis.set(cursorKey, next);
      if (tickets.length === 0 || next === cursor) break;
      cursor = next;
    }
    return total;
  }

  async #worker<T>(
    name: string,
    processor: (job: Job<T>, token?: string) => Promise<void>,
    options: Record<string, unknown> = {},
  ): Promise<Worker<T>> {
    const connection = workerConnection(this.#o.redis);
    this.#workerConnections.push(connection);
    const locks = {
      ...(this.#o.lockDurationMs ? { lockDuration: this.#o.lockDurationMs } : {}),
      ...(this.#o.stalledIntervalMs ? { stalledInterval: this.#o.stalledIntervalMs } : {}),
    };
    const worker = new Worker<T>(name, processor, { connection, prefix: this.prefix, ...locks, ...options });
    worker.on("error", (err) => this.#o.logger.error({ err, queue: name }, "worker error"));
    worker.on("failed", (job, err) =>
      this.#o.logger.warn({ queue: name, job: job?.id, err: err.message }, "job failed"),
    );
    this.#workers.push(worker as Worker);
    return worker;
  }

  /** Starts the workers of this process; any number of processes may share the queues. */
  async start(): Promise<void> {
    for (const [i, queue] of this.#events.entries()) {
      await queue.setGlobalConcurrency(1);
      await this.#worker<EventJob>(eventsQueue(i), (job) => this.processEvent(job.data), { concurrency: 1 });
    }
    for (const [instance] of this.#writebacks) {
      const perSecond = this.#o.config.trackers[instance]?.writesPerSecond ?? 5;
      await this.#worker<WritebackJob>(
        writebackQueue(instance),
        (job, token) => this.processWriteback(job, token),
        {
          concurrency: this.#o.config.pipeline.writebackConcurrency,
          limiter: { max: Math.max(1, Math.round(perSecond)), duration: 1000 },
        },
      );
    }
    await this.#worker<{ instance: string }>(
      reconcileQueue,
      async (job) => void (await this.reconcile(job.data.instance)),
    );
    for (const instance of this.#o.adapters.keys()) {
      const seconds = this.#o.config.trackers[instance]?.reconcileIntervalSeconds ?? 60;
      await this.#reconcile.upsertJobScheduler(
        `reconcile-${instance}`,
        { every: seconds * 1000 },
        { name: "reconcile", data: { instance } },
      );
    }
  }

  /** Queue depths and ages for /metrics. */
  async observeQueues(): Promise<void> {
    for (const queue of this.queues) {
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed");
      for (const [state, n] of Object.entries(counts))
        this.#o.metrics.queueDepth.set({ queue: queue.name, state }, n);
      const [oldest] = await queue.getWaiting(0, 0);
      this.#o.metrics.queueAge.set(
        { queue: queue.name },
        oldest ? (this.#now() - oldest.timestamp) / 1000 : 0,
      );
    }
  }

  /**
   * Lets in-flight jobs finish; what is still queued stays in Redis for the next start.
   * `force` abandons active jobs as a crash would: their locks lapse and another worker
   * takes them over.
   */
  async close(force = false): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close(force)));
    for (const c of this.#workerConnections) c.disconnect();
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
