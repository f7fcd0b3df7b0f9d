import { createHash } from "node:crypto";
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "pino";
import { type Alert, alertId, webhookAlert } from "../alerts/alert.js";
import { withConfiguredRole } from "../config/actors.js";
import type { Config } from "../config/schema.js";
import { type Action, type Effect, isEffect } from "../domain/action.js";
import type { TrackerAdapter, TrackerEvent, WebhookProblem } from "../domain/adapter.js";
import type { Change } from "../domain/change.js";
import type { Decision } from "../domain/decision.js";
import { own } from "../domain/own.js";
import type { Actor, LinkedTicket, Ticket, TicketRef } from "../domain/ticket.js";
import type { TrackerFacts } from "../domain/tracker-needs.js";
import { evaluate } from "../engine/evaluate.js";
import { isReglamentError } from "../errors/catalogue.js";
import { TrackerRequestError } from "../errors/tracker-error.js";
import type { HistoryHandOff } from "../history/hand-off.js";
import type { PipelineMetrics } from "../metrics/pipeline-metrics.js";
import { duplicateConnection, type RedisClient, workerConnection } from "../redis/connection.js";
import { type KeySpace, keySpaceOf } from "../redis/key-space.js";
import { isConnectionError } from "../redis/outage.js";
import { ReplicaAck } from "../redis/replica-ack.js";
import type { DeploymentPack } from "../runtime/deployment-packs.js";
import { trackerUnreachable } from "../runtime/tracker-health.js";
import type { SlaService } from "../sla/service.js";
import { converge, type Refusal } from "../write-back/converge.js";
import { TrackerPace } from "../write-back/pace.js";
import { planActions, planOf, type WritebackPlan, writable } from "../write-back/plan.js";
import { DecisionLog, type LogEntry } from "./decision-log.js";
import { Inbox } from "./inbox.js";
import { LoopGuard } from "./loop-guard.js";
import { eventsQueue, reconcileQueue, safeJobId, ticketKey, writebackQueue } from "./names.js";
import { RetryBudget, type RetryState } from "./retry-budget.js";
import { diffSnapshot, SnapshotStore } from "./snapshots.js";
import { TicketOrder, waitTurnMs } from "./ticket-order.js";

export interface EventJob {
  instance: string;
  deliveryId: string;
  ref: TicketRef;
  /** `grace`: the re-check at the end of a rule's grace period (`rules`, judged on the fresh ticket). */
  source: "webhook" | "reconcile" | "grace";
  /** Absent for reconciliation: the change is what differs from the last snapshot. */
  change?: Change;
  ticket?: Ticket;
  rules?: string[];
  retry?: RetryState;
}

export interface WritebackJob {
  instance: string;
  deliveryId: string;
  ref: TicketRef;
  pack: string;
  /** What must hold on the ticket and what explains it; see src/write-back/plan.ts. Absent in jobs queued by an earlier version. */
  plan?: WritebackPlan;
  /** Carried in comments that have no key of their own. */
  marker: string;
  /** The effects an attempt of this job set out to write: its own, when a retry finds them done. */
  claimed?: Effect[];
  retry?: RetryState;
}

/** How many of a project's open tickets a new ticket is compared with (the most recently updated). */
const OPEN_TICKETS_LIMIT = 200;

export interface PipelineOptions {
  config: Config;
  adapters: ReadonlyMap<string, TrackerAdapter>;
  packs: ReadonlyMap<string, DeploymentPack>;
  redis: RedisClient;
  logger: Logger;
  metrics: PipelineMetrics;
  sla?: SlaService;
  publishAlert?: (alert: Alert) => Promise<unknown>;
  /** Where decisions and write-back outcomes are handed to the history, when it is kept. */
  history?: HistoryHandOff;
  /** What the start-up check learned of a tracker project, for the rules that act on it. */
  trackerFacts?: (instance: string, project: string | undefined) => TrackerFacts | undefined;
  now?: () => number;
  /**
   * Replicas that must hold an accepted event before `enqueue` resolves (Redis WAIT), so a
   * failover cannot lose what was answered 202.
   */
  replicas?: { count: number; timeoutMs: number };
  /** How long a worker holds a job before others may take it over (BullMQ's lock and stall check). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * Events in, decisions out, write-backs to the trackers — losing nothing, doing nothing
 * twice and never arguing with itself:
 *   - an accepted webhook is a job whose id is the delivery id (a redelivery is a no-op);
 *   - events are spread over `pipeline.partitions` queues by ticket, each with a global
 *     concurrency of 1, and one ticket's jobs keep their order across retries
 *     (TicketOrder): a failed event holds the later events of its ticket back;
 *   - the bridge's own changes (its account, or the fingerprint of what it just wrote)
 *     are recorded and not evaluated; a field it keeps having to rewrite is held back
 *     with a conflict decision and an alert;
 *   - a write-back converges on the ticket as it is now (src/write-back/): a person's edit
 *     made meanwhile supersedes it, only what does not hold yet is written, and a note
 *     only explains what was made true; one ticket's write-backs run one at a time;
 *   - every job has a retry budget in tries and time; a tracker's Retry-After pauses the
 *     instance's whole write-back queue, and writes keep the instance's pace across
 *     processes.
 */
export class Pipeline {
  readonly #o: PipelineOptions;
  readonly prefix: string;
  readonly keys: KeySpace;
  readonly log: DecisionLog;
  readonly guard: LoopGuard;
  readonly snapshots: SnapshotStore;
  readonly #events: Queue<EventJob>[];
  readonly #eventOrder: TicketOrder[];
  readonly #inbox: Inbox<EventJob>;
  readonly #replicas: ReplicaAck | undefined;
  readonly #writebacks = new Map<string, Queue<WritebackJob>>();
  readonly #writebackOrder = new Map<string, TicketOrder>();
  readonly #pace = new Map<string, TrackerPace>();
  readonly #reconcile: Queue<{ instance: string }>;
  readonly #workers: Worker[] = [];
  readonly #workerConnections: RedisClient[] = [];
  readonly #ownConnection: RedisClient;
  readonly #now: () => number;
  readonly #budget: RetryBudget;
  /** Per instance, the webhook problems already alerted, while they last. */
  readonly #webhookProblems = new Map<string, Set<string>>();

  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.prefix = options.config.redis.keyPrefix;
    const keys = keySpaceOf(options.config);
    this.keys = keys;
    // The bridge's own commands get a connection of their own, on which nothing defines
    // scripts: BullMQ defines its scripts on the queues' connection, and ioredis copies every
    // defined script onto each pipeline a connection builds — every auto-pipelined batch.
    const connection = duplicateConnection(options.redis, {});
    this.#ownConnection = connection;
    const { retry } = options.config.pipeline;
    this.#budget = new RetryBudget(retry.attempts, retry.maxSeconds * 1000);
    this.log = new DecisionLog(connection, keys, options.logger, options.history);
    this.guard = new LoopGuard(connection, keys);
    this.snapshots = new SnapshotStore(connection, keys);
    const queue = <T>(name: string) =>
      new Queue<T>(name, { connection: options.redis, prefix: keys.queuePrefix(name) });
    this.#events = Array.from({ length: options.config.pipeline.partitions }, (_, i) =>
      queue<EventJob>(eventsQueue(i)),
    );
    this.#eventOrder = this.#events.map((q) => new TicketOrder(connection, keys, q as Queue));
    this.#inbox = new Inbox({
      redis: connection,
      keys,
      queues: this.#events,
      orders: this.#eventOrder,
      jobOptions: (jobId) => this.#jobOptions(jobId, { removeOnFail: { age: 7 * 24 * 3600 } }),
      logger: options.logger.child({ part: "inbox" }),
    });
    this.#replicas = options.replicas?.count
      ? new ReplicaAck(connection, options.replicas.count, options.replicas.timeoutMs)
      : undefined;
    for (const instance of options.adapters.keys()) {
      const writebacks = queue<WritebackJob>(writebackQueue(instance));
      this.#writebacks.set(instance, writebacks);
      this.#writebackOrder.set(instance, new TicketOrder(connection, keys, writebacks as Queue));
      const perSecond = options.config.trackers[instance]?.writesPerSecond ?? 5;
      this.#pace.set(instance, new TrackerPace(connection, this.prefix, instance, perSecond));
    }
    this.#reconcile = queue(reconcileQueue);
    for (const q of this.queues) {
      q.on("error", (err) => {
        if (!isConnectionError(err)) options.logger.error({ err, queue: q.name }, "queue error");
      });
    }
  }

  get queues(): Queue[] {
    return [...this.#events, ...this.#writebacks.values(), this.#reconcile];
  }

  writebackQueueOf(instance: string): Queue<WritebackJob> | undefined {
    return this.#writebacks.get(instance);
  }

  #jobOptions(jobId: string, extra: Record<string, unknown> = {}) {
    const { retry } = this.#o.config.pipeline;
    return {
      jobId,
      // The retry budget decides when a job is dead; BullMQ's own count never comes first.
      attempts: retry.attempts + 1,
      backoff: { type: "exponential", delay: retry.backoffMs },
      removeOnComplete: { age: 24 * 3600, count: 50_000 },
      ...extra,
    };
  }

  #partition(ref: TicketRef): number {
    return this.keys.partitionOf(ticketKey(ref));
  }

  /**
   * Durably accepts events (see Inbox); resolves once Redis — and, where configured, its
   * replicas — holds them. Returns how many were new.
   */
  async enqueue(
    instance: string,
    events: readonly TrackerEvent[],
    source: EventJob["source"] = "webhook",
  ): Promise<{ accepted: number; duplicates: number }> {
    const firsts = await Promise.all(
      events.map((e, index) =>
        this.#inbox.accept(
          ticketKey(e.ref),
          safeJobId(events.length > 1 ? `${e.deliveryId}#${index}` : e.deliveryId),
          {
            instance,
            deliveryId: e.deliveryId,
            ref: e.ref,
            source,
            change: e.change,
            ...(e.ticket ? { ticket: e.ticket } : {}),
          },
        ),
      ),
    );
    await this.#replicas?.settle();
    const accepted = firsts.filter(Boolean).length;
    return { accepted, duplicates: events.length - accepted };
  }

  #pack(instance: string, ref: TicketRef): DeploymentPack | undefined {
    const binding = own(own(this.#o.config.trackers, instance)?.projects, ref.project ?? "");
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

    if (job.source === "grace") {
      const ticket = this.#ticketWithRoles(instance, adapter, await adapter.fetchTicket(ref));
      const change = graceChange(job.change!, ticket);
      const rules = new Set(job.rules ?? []);
      const decisions = evaluate(deployment.pack, ticket, change, {
        now: at,
        afterGrace: true,
        ...this.#facts(instance, ticket),
        ...(await this.#openTickets(adapter, deployment, ticket, change, log)),
        ...(await this.#links(adapter, deployment, ticket, change, log)),
      }).filter((d) => rules.has(d.rule));
      await this.#decide({ instance, deployment, ticket, change, deliveryId, at, decisions });
      return;
    }

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
    const decisions = evaluate(deployment.pack, ticket, change, {
      now: at,
      ...this.#facts(instance, ticket),
      ...(await this.#openTickets(adapter, deployment, ticket, change, log)),
      ...(await this.#links(adapter, deployment, ticket, change, log)),
    });
    await this.#decide({ instance, deployment, ticket, change, deliveryId, at, decisions });
    this.#o.metrics.processing.observe((performance.now() - started) / 1000);
  }

  /** Decisions on one ticket state: the loop guard, the log, the write-back, the grace re-check, the alerts. */
  async #decide(d: {
    instance: string;
    deployment: DeploymentPack;
    ticket: Ticket;
    change: Change;
    deliveryId: string;
    at: string;
    decisions: Decision[];
  }): Promise<void> {
    const { instance, deployment, ticket, change, deliveryId, at, decisions } = d;
    const { pack } = deployment;
    const { ref } = ticket;
    const key = ticketKey(ref);
    const later = decisions.filter((x) => x.graceSeconds !== undefined);
    // A decision whose write is held back keeps its comment back too: never explain a correction not made.
    const written: Decision[] = [];
    const held: Action[] = [];
    for (const x of writable(decisions)) {
      const verdict = await this.guard.admit(key, x.actions, pack.mode === "dry-run");
      if (verdict.held.length) held.push(...x.actions);
      else if (x.actions.length) written.push(x);
    }
    if (held.length) decisions.push(this.#heldDecision(pack.id, held));
    for (const x of decisions)
      this.#o.metrics.decisions.inc({ pack: pack.id, rule: x.rule, outcome: x.outcome });

    const allowed = written.flatMap((x) => x.actions);
    const dryRun = pack.mode === "dry-run";
    const writeback = allowed.length === 0 ? (held.length ? "held" : "none") : dryRun ? "dry-run" : "queued";
    await this.log.record(
      instance,
      ref.id,
      {
        type: "decisions",
        at,
        deliveryId,
        pack: pack.id,
        mode: pack.mode,
        decisions,
        writeback,
        ...(dryRun && allowed.length ? { wouldDo: allowed } : {}),
        ...(later.length ? { deferred: later.map((x) => ({ rule: x.rule, seconds: x.graceSeconds! })) } : {}),
      },
      ticket,
    );
    if (writeback === "queued")
      await this.#queueWriteback(
        instance,
        ref,
        deliveryId,
        pack.id,
        planOf(ticket, written, pack.language, deliveryId),
      );
    if (writeback === "dry-run") this.#o.metrics.writebacks.inc({ instance, result: "dry-run" });
    if (later.length) await this.#queueGrace(instance, ref, deliveryId, change, later);
    await this.#raiseAlerts(ticket, pack.id, deliveryId, writable(decisions));
    await this.#track(deployment, ticket);
  }

  /** The re-check at the end of the grace periods: a delayed job, no scan. */
  async #queueGrace(
    instance: string,
    ref: TicketRef,
    deliveryId: string,
    change: Change,
    later: readonly Decision[],
  ): Promise<void> {
    const seconds = Math.max(...later.map((x) => x.graceSeconds!));
    await this.#events[this.#partition(ref)]!.add(
      "event",
      {
        instance,
        deliveryId: `grace-${deliveryId}`,
        ref,
        source: "grace",
        change,
        rules: later.map((x) => x.rule),
      },
      this.#jobOptions(safeJobId(`grace-${deliveryId}`), { delay: seconds * 1000 }),
    );
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
    pack: string,
    plan: WritebackPlan,
  ): Promise<void> {
    const queue = this.#writebacks.get(instance)!;
    const marker = `reglament:${createHash("sha1").update(`${instance}\u0000${deliveryId}`).digest("hex").slice(0, 12)}`;
    const jobId = safeJobId(`wb-${deliveryId}`);
    await Promise.all([
      queue.add(
        "writeback",
        { instance, deliveryId, ref, pack, plan, marker },
        this.#jobOptions(jobId, { removeOnFail: false }),
      ),
      this.#writebackOrder.get(instance)!.enter(ticketKey(ref), jobId),
    ]);
  }

  async #raiseAlerts(
    ticket: Ticket,
    pack: string,
    deliveryId: string,
    decisions: readonly Pick<Decision, "alerts" | "rule" | "message" | "citation">[],
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
    await this.#o.redis.hset(this.keys.plain("refs"), ticketKey(ticket.ref), JSON.stringify(ticket.ref));
    await this.#o.sla.track({ ticket, pack: deployment.pack, time: deployment.time });
  }

  /** The SLA service's view of a ticket when its due job fires: fetched fresh, with roles. */
  /**
   * The project's open tickets, listed once for this event when one of the pack's rules
   * compares with them (a new ticket and possible duplicates), at most OPEN_TICKETS_LIMIT.
   * A listing that fails leaves those rules without them, said in the log; the event goes on.
   */
  async #openTickets(
    adapter: TrackerAdapter,
    deployment: DeploymentPack,
    ticket: Ticket,
    change: Change,
    log: Logger,
  ): Promise<{ openTickets?: Ticket[] }> {
    const project = ticket.ref.project;
    const wanted = deployment.pack.rules.some((r) => r.rule.readsOpenTickets?.(r.options, ticket, change));
    if (!wanted || !adapter.listOpen || project === undefined) return {};
    try {
      const listed = await adapter.listOpen(project, OPEN_TICKETS_LIMIT);
      const statuses = deployment.pack.statuses;
      const open = listed.filter((t) => {
        const phase = t.status.phase ?? statuses[t.status.value]?.phase;
        return phase !== "closed" && phase !== "cancelled" && phase !== "resolved";
      });
      return { openTickets: open };
    } catch (err) {
      log[trackerUnreachable(err) ? "debug" : "warn"](
        { err: (err as Error).message },
        "could not list the project's open tickets: rules comparing with them (duplicates) judged without",
      );
      return {};
    }
  }

  /** The ticket's linked tickets, read for this event when one of the pack's rules looks at them. */
  async #links(
    adapter: TrackerAdapter,
    deployment: DeploymentPack,
    ticket: Ticket,
    change: Change,
    log: Logger,
  ): Promise<{ links?: LinkedTicket[] }> {
    const { params } = deployment.pack;
    const wanted = deployment.pack.rules.some((r) => r.rule.readsLinks?.(r.options, ticket, change, params));
    if (!wanted || !adapter.listLinks) return {};
    try {
      return { links: await adapter.listLinks(ticket.ref) };
    } catch (err) {
      log[trackerUnreachable(err) ? "debug" : "warn"](
        { err: (err as Error).message },
        "could not read the ticket's linked tickets: rules looking at them judged without",
      );
      return {};
    }
  }

  #facts(instance: string, ticket: Ticket): { tracker?: TrackerFacts } {
    const tracker = this.#o.trackerFacts?.(instance, ticket.ref.project);
    return tracker ? { tracker } : {};
  }

  /** The keys of every ticket whose clocks the pipeline has handed to the SLA service. */
  async trackedKeys(): Promise<string[]> {
    return this.#o.redis.hkeys(this.keys.plain("refs"));
  }

  async trackedTicket(key: string): Promise<{ ticket: Ticket; deployment: DeploymentPack } | undefined> {
    const raw = await this.#o.redis.hget(this.keys.plain("refs"), key);
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
    if (!dryRun)
      await this.#queueWriteback(
        ticket.ref.instance,
        ticket.ref,
        deliveryId,
        pack.id,
        planOf(ticket, [decision], pack.language, deliveryId),
      );
  }

  /**
   * Runs one job of a ticket in its turn and within its retry budget. A job that is not its
   * ticket's next waits (moved to delayed, no try spent). A retryable failure is summarised
   * in the decision log and retried with backoff, or after the tracker's Retry-After (`defer`);
   * past the budget, or on a permanent failure, the job is dead: `dead` records why and the
   * ticket's next job may run.
   */
  async #inTurn<T extends { instance: string; deliveryId: string; ref: TicketRef; retry?: RetryState }>(
    job: Job<T>,
    token: string | undefined,
    kind: "event" | "writeback",
    order: TicketOrder,
    run: () => Promise<void>,
    handlers: {
      dead: (reason: string) => Promise<void>;
      defer: (waitMs: number) => Promise<never>;
    },
  ): Promise<void> {
    const { instance, ref, deliveryId } = job.data;
    const key = ticketKey(ref);
    const jobId = job.id!;
    if (!(await order.mayRun(key, jobId))) {
      if (!token) throw new Error("a job waiting for its turn needs its lock token");
      await job.moveToDelayed(Date.now() + waitTurnMs, token);
      throw new DelayedError();
    }
    const summary = (state: RetryState, ended?: "done" | "dead", level?: "warn" | "debug") =>
      this.log.retrying(
        instance,
        ref.id,
        {
          kind,
          deliveryId,
          tries: state.tries,
          since: new Date(state.since).toISOString(),
          lastAt: new Date(this.#now()).toISOString(),
          last: state.last,
          ...(ended ? { ended } : {}),
        },
        level,
      );
    try {
      await run();
    } catch (err) {
      if (err instanceof DelayedError || (err as Error).message === Worker.RateLimitError().message)
        throw err;
      const message = (err as Error).message;
      const now = this.#now();
      const permanent = err instanceof UnrecoverableError || (isReglamentError(err) && !err.retryable);
      const retryAfter = err instanceof TrackerRequestError ? err.retryAfterMs : undefined;
      const state = {
        ...this.#budget.next(job.data.retry, now, message),
        outage: (job.data.retry?.outage ?? true) && trackerUnreachable(err),
      };
      const backoff = this.#o.config.pipeline.retry.backoffMs * 2 ** job.attemptsMade;
      if (permanent || this.#budget.spent(state, now, retryAfter ?? backoff)) {
        const reason = permanent ? message : this.#budget.describe(state, now);
        await job.updateData({ ...job.data, retry: state });
        await summary(state, "dead");
        await handlers.dead(reason);
        await order.leave(key, jobId);
        throw new UnrecoverableError(reason);
      }
      await job.updateData({ ...job.data, retry: state });
      await summary(state, undefined, state.outage ? "debug" : "warn");
      if (retryAfter !== undefined && token) await handlers.defer(retryAfter);
      throw err;
    }
    // Done after retries: worth a line only when the trouble was not the tracker's outage.
    if (job.data.retry) await summary(job.data.retry, "done", job.data.retry.outage ? "debug" : "warn");
    await order.leave(key, jobId);
  }

  async #runEvent(job: Job<EventJob>, token: string | undefined): Promise<void> {
    const { instance, ref, deliveryId } = job.data;
    await this.#inTurn(
      job,
      token,
      "event",
      this.#eventOrder[this.#partition(ref)]!,
      () => this.processEvent(job.data),
      {
        dead: (error) =>
          this.log.record(instance, ref.id, {
            type: "event-failed",
            at: new Date(this.#now()).toISOString(),
            deliveryId,
            error,
          }),
        defer: async (wait) => {
          await job.moveToDelayed(Date.now() + wait, token!);
          throw new DelayedError();
        },
      },
    );
  }

  async #runWriteback(job: Job<WritebackJob>, token: string | undefined): Promise<void> {
    const { instance } = job.data;
    const queue = this.#writebacks.get(instance);
    const order = this.#writebackOrder.get(instance);
    if (!queue || !order)
      throw new UnrecoverableError(`tracker instance "${instance}" is no longer configured`);
    // What every attempt set out to write is the job's own; a later attempt adds to it.
    const claim = async (effects: Effect[]) => {
      const earlier = job.data.claimed ?? [];
      const fresh = effects.filter((e) => !earlier.some((c) => JSON.stringify(c) === JSON.stringify(e)));
      await job.updateData({ ...job.data, claimed: [...earlier, ...fresh] });
    };
    await this.#inTurn(job, token, "writeback", order, () => this.processWriteback(job.data, claim), {
      dead: async (error) => {
        this.#o.metrics.writebacks.inc({ instance, result: "failed" });
        await this.#writebackEntry(job.data, { result: "failed", error });
      },
      defer: async (wait) => {
        // The tracker asked everyone to wait: the whole instance pauses, not only this job.
        this.#o.metrics.writebacks.inc({ instance, result: "deferred" });
        await this.#pace.get(instance)!.pause(wait);
        await queue.rateLimit(Math.max(1, wait));
        throw Worker.RateLimitError();
      },
    });
  }

  async #writebackEntry(
    job: WritebackJob,
    entry: Omit<Extract<LogEntry, { type: "writeback" }>, "type" | "at" | "deliveryId">,
  ): Promise<void> {
    await this.log.record(job.instance, job.ref.id, {
      type: "writeback",
      at: new Date(this.#now()).toISOString(),
      deliveryId: job.deliveryId,
      ...entry,
    });
  }

  /** One write-back: converge on the ticket as it is now; see src/write-back/converge.ts. */
  async processWriteback(job: WritebackJob, claim?: (effects: Effect[]) => Promise<void>): Promise<void> {
    const { instance, ref, plan, marker, deliveryId } = job;
    const adapter = this.#o.adapters.get(instance);
    if (!adapter) throw new UnrecoverableError(`tracker instance "${instance}" is no longer configured`);
    const count = (result: string) => this.#o.metrics.writebacks.inc({ instance, result });
    if (!plan) {
      // Queued by a version that replayed actions: not written blind, decided afresh instead.
      count("superseded");
      await this.#writebackEntry(job, { result: "superseded", changed: ["queued by an earlier version"] });
      await this.#recheck(instance, ref, `recheck-${deliveryId}`);
      return;
    }
    await this.guard.remember(ticketKey(ref), planActions(plan));
    const pace = this.#pace.get(instance)!.session();
    let result: Awaited<ReturnType<typeof converge>>;
    try {
      result = await converge(adapter, ref, plan, marker, {
        beforeWrite: () => pace.acquire(),
        claimed: job.claimed ?? [],
        ...(claim ? { claim } : {}),
      });
    } catch (err) {
      if (!(err instanceof TrackerRequestError && err.conflict)) throw err;
      result = { outcome: "superseded", changed: [`the tracker reports a concurrent edit (${err.reason})`] };
    } finally {
      await pace.end().catch(() => {});
    }
    if (result.outcome === "superseded") {
      // A person changed the ticket since the decision: what to write may no longer hold.
      count("superseded");
      await this.#writebackEntry(job, { result: "superseded", changed: result.changed });
      await this.#recheck(instance, ref, `recheck-${deliveryId}`);
      return;
    }
    const { outcome, applied, skipped, refused } = result;
    await this.guard.wrote(ticketKey(ref), applied.filter(isEffect));
    count(outcome);
    await this.#writebackEntry(job, {
      result: outcome,
      applied: applied.length,
      skipped: skipped.length,
      ...(refused.length ? { refused, error: refused.map((r) => r.reason).join("; ") } : {}),
    });
    if (refused.length) await this.#refusalAlert(job, refused);
    if (outcome === "failed")
      throw new UnrecoverableError(
        `the tracker refused every write: ${refused.map((r) => r.reason).join("; ")}`,
      );
  }

  async #refusalAlert(job: WritebackJob, refused: readonly Refusal[]): Promise<void> {
    const adapter = this.#o.adapters.get(job.instance)!;
    const message = `the tracker refused part of a correction: ${refused
      .map((r) => `${JSON.stringify(r.action)} — ${r.reason}`)
      .join("; ")}`;
    await this.#raiseAlerts({ ref: job.ref } as Ticket, job.pack, `${job.deliveryId}:${adapter.kind}`, [
      { alerts: ["policy.write_refused"], rule: "write-back", message, citation: "" },
    ]);
  }

  /** Queues a ticket to be fetched and compared with its snapshot, as reconciliation does. */
  async #recheck(instance: string, ref: TicketRef, deliveryId: string): Promise<void> {
    const partition = this.#partition(ref);
    const jobId = safeJobId(deliveryId);
    await Promise.all([
      this.#events[partition]!.add(
        "event",
        { instance, deliveryId, ref, source: "reconcile" },
        this.#jobOptions(jobId, { removeOnFail: { age: 7 * 24 * 3600 } }),
      ),
      this.#eventOrder[partition]!.enter(ticketKey(ref), jobId),
    ]);
  }

  /** One reconciliation run: every ticket updated since the stored cursor goes through the same path. */
  async reconcile(instance: string, maxPages = 50): Promise<number> {
    const adapter = this.#o.adapters.get(instance);
    if (!adapter) return 0;
    const cursorKey = this.keys.plain(`cursor:${instance}`);
    let cursor = (await this.#o.redis.get(cursorKey)) ?? undefined;
    let total = 0;
    // Trackers give seconds: two changes in one second share an update time, so the run is
    // part of the id, or the second change would be taken for the first and never looked at.
    // A ticket listed again with nothing new costs a read; its snapshot shows no change.
    const run = this.#now().toString(36);
    for (let page = 0; page < maxPages; page++) {
      const { tickets, cursor: next } = await adapter.listUpdatedSince(cursor);
      const events = tickets.map((t) => ({
        deliveryId: `reconcile-${instance}-${t.ref.id}-${t.updatedAt}-${run}`,
        ref: t.ref,
      }));
      for (const e of events) await this.#recheck(instance, e.ref, e.deliveryId);
      total += events.length;
      await this.#o.redis.set(cursorKey, next);
      if (tickets.length === 0 || next === cursor) break;
      cursor = next;
    }
    await this.#checkWebhooks(instance, adapter);
    return total;
  }

  /**
   * After a reconciliation run, whether the tracker still delivers its webhooks (where the
   * adapter can tell; it decides when to look): each new problem is logged and raises one
   * `tracker.webhook_disabled` alert; a look that fails only says so.
   */
  async #checkWebhooks(instance: string, adapter: TrackerAdapter): Promise<void> {
    let problems: WebhookProblem[] | undefined;
    try {
      problems = await adapter.checkWebhooks?.();
    } catch (err) {
      this.#o.logger[trackerUnreachable(err) ? "debug" : "warn"](
        { instance, err: (err as Error).message },
        "could not check whether the tracker's webhooks deliver",
      );
      return;
    }
    if (!problems) return;
    const known = this.#webhookProblems.get(instance) ?? new Set<string>();
    const key = (p: WebhookProblem) => `${p.project}\u0000${p.hook}\u0000${p.state}`;
    for (const p of problems.filter((x) => !known.has(key(x)))) {
      this.#o.logger.warn(
        { instance, project: p.project, hook: p.hook, state: p.state },
        `tracker ${instance}: ${p.message}`,
      );
      if (!this.#o.publishAlert) continue;
      this.#o.metrics.alerts.inc({ type: "tracker.webhook_disabled" });
      await this.#o.publishAlert(webhookAlert(adapter.kind, instance, p, this.#now()));
    }
    this.#webhookProblems.set(instance, new Set(problems.map(key)));
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
    // A job abandoned by a crashed process is taken over, however often that happens: losing it would lose an event.
    const worker = new Worker<T>(name, processor, {
      connection,
      prefix: this.keys.queuePrefix(name),
      maxStalledCount: 100,
      ...locks,
      ...options,
    });
    worker.on("error", (err) => {
      if (!isConnectionError(err)) this.#o.logger.error({ err, queue: name }, "worker error");
    });
    // A try to be retried is in the decision log; a tracker not answering is told once, by its health.
    worker.on("failed", (job, err) => {
      const retried =
        job !== undefined &&
        !(err instanceof UnrecoverableError) &&
        job.attemptsMade < (job.opts.attempts ?? 1);
      const level = retried || trackerUnreachable(err) ? "debug" : "warn";
      this.#o.logger[level]({ queue: name, job: job?.id, err: err.message }, "job failed");
    });
    this.#workers.push(worker as Worker);
    return worker;
  }

  /** Starts the workers of this process; any number of processes may share the queues. */
  async start(): Promise<void> {
    this.#inbox.startFeeding();
    for (const [i, queue] of this.#events.entries()) {
      await queue.setGlobalConcurrency(1);
      await this.#worker<EventJob>(eventsQueue(i), (job, token) => this.#runEvent(job, token), {
        concurrency: 1,
      });
    }
    for (const [instance] of this.#writebacks) {
      const perSecond = this.#o.config.trackers[instance]?.writesPerSecond ?? 5;
      await this.#worker<WritebackJob>(
        writebackQueue(instance),
        (job, token) => this.#runWriteback(job, token),
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
      const tracker = this.#o.config.trackers[instance];
      if (tracker?.example) {
        await this.#reconcile.removeJobScheduler(`reconcile-${instance}`);
        continue;
      }
      const seconds = tracker?.reconcileIntervalSeconds ?? 60;
      await this.#reconcile.upsertJobScheduler(
        `reconcile-${instance}`,
        { every: seconds * 1000 },
        { name: "reconcile", data: { instance } },
      );
    }
  }

  /** Accepted events not yet made into jobs (see Inbox). */
  inboxBacklog(): Promise<number> {
    return this.#inbox.backlog();
  }

  /** Queue depths and ages for /metrics. */
  async observeQueues(): Promise<void> {
    this.#o.metrics.queueDepth.set({ queue: "inbox", state: "waiting" }, await this.#inbox.backlog());
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
    await this.#inbox.close();
    await Promise.all(this.#workers.map((w) => w.close(force)));
    for (const c of this.#workerConnections) c.disconnect();
    await Promise.all(this.queues.map((q) => q.close()));
    this.#ownConnection.disconnect();
  }
}

/**
 * The change a grace re-check judges: the original one, with the comment its author
 * posted since (or just before) — a note written a little after the status counts.
 */
function graceChange(change: Change, ticket: Ticket): Change {
  if (change.comment) return change;
  const from = change.at ? Date.parse(change.at) - 60_000 : Number.NEGATIVE_INFINITY;
  const comment = ticket.comments
    .filter((c) => c.author.id === change.actor.id && Date.parse(c.createdAt) >= from)
    .at(-1);
  return comment ? { ...change, comment } : change;
}
