import { Queue } from "bullmq";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { Guard } from "../access/guard.js";
import { ConsoleSessions } from "../access/sessions.js";
import { AccessControl } from "../access/tokens.js";
import { AlertDispatcher } from "../alerts/dispatcher.js";
import type { Config } from "../config/schema.js";
import { LiveUpdates } from "../console/live.js";
import { consoleRoutes } from "../console/routes.js";
import type { AdapterRegistry } from "../domain/adapter.js";
import { Errors, isReglamentError } from "../errors/catalogue.js";
import { historyStreams } from "../history/hand-off.js";
import { openHistoryStore } from "../history/open.js";
import { HistoryWriter, historyReadiness, historyStoredChannel } from "../history/writer.js";
import { pipelineMetrics } from "../metrics/pipeline-metrics.js";
import { createMetricsRegistry } from "../metrics/registry.js";
import { decisionsChannel } from "../queue/decision-log.js";
import { WorkInspector } from "../queue/inspect.js";
import { eventsQueue, reconcileQueue, writebackQueue } from "../queue/names.js";
import { Pipeline } from "../queue/pipeline.js";
import {
  connectRedisClient,
  describeTarget,
  pingWithin,
  type RedisClient,
  redisTarget,
} from "../redis/connection.js";
import { checkKeyLayout } from "../redis/key-layout.js";
import { keySpaceOf } from "../redis/key-space.js";
import { startLocalRedis } from "../redis/local-server.js";
import { RedisOutage } from "../redis/outage.js";
import { buildApp } from "../server/app.js";
import { auditApi } from "../server/audit-api.js";
import { decisionsApi } from "../server/decisions-api.js";
import type { LogFormat } from "../server/log-formats.js";
import { createLogger } from "../server/logger.js";
import { queuesApi } from "../server/queues-api.js";
import { reportsApi } from "../server/reports-api.js";
import { webhookRoutes } from "../server/webhooks.js";
import { SlaBoardView } from "../sla/board-index.js";
import { SlaScheduler } from "../sla/scheduler.js";
import { SlaService } from "../sla/service.js";
import { redactPersonalData } from "../text/personal-data.js";
import {
  checkTrackerCapabilities,
  createAdapters,
  defaultAdapterRegistry,
  trackerFactsOf,
  verifyTrackerAccess,
} from "./adapters.js";
import { type DeploymentPack, loadDeploymentPacks } from "./deployment-packs.js";
import type { BridgeRole } from "./roles.js";
import { Shutdown } from "./shutdown.js";
import { TrackerHealth } from "./tracker-health.js";

export interface BridgeOptions {
  config: Config;
  configFile: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Secrets the configuration took from its own defaults (demo values): refused when a pack enforces. */
  defaultedSecrets?: readonly { name: string; path: string }[];
  /** Without a logger given: JSON lines, or readable lines (the default on a terminal). */
  logFormat?: LogFormat;
  /** The packs the configuration uses (loaded from it when not given). */
  packs?: ReadonlyMap<string, DeploymentPack>;
  registry?: AdapterRegistry;
  /** BullMQ job lock settings (tests shorten them to see a stalled job taken over). */
  locks?: { lockDurationMs: number; stalledIntervalMs: number };
  /** The clock the SLA clocks and decisions read (tests move it across working days). */
  clock?: () => number;
  /**
   * What this process does: `ingest` answers webhooks, the API and the console; `worker`
   * runs the queues' workers, the feeders, the SLA clocks, alerts and the history writer
   * (and answers only /healthz, /readyz and /metrics); `all` (the default) both.
   */
  role?: BridgeRole;
  /**
   * Shut down and exit on SIGTERM/SIGINT from the start on (`serve`): a Ctrl-C while the
   * bridge is still starting stops what has started, the private redis-server first of all.
   */
  exitOnSignals?: boolean;
}

export interface RunningBridge {
  app: FastifyInstance;
  /** http://host:port the server listens on. */
  address: string;
  /**
   * Where a person opens the console. With no token configured it carries a launch code
   * (one browser, once, for 15 minutes, as operator), so the one who started the bridge can open it.
   */
  consoleUrl: string;
  redis: RedisClient;
  /** Where Redis came from, for the start-up line: the URL (password hidden) or the private server. */
  redisSource: string;
  logger: Logger;
  shutdown: Shutdown;
  pipeline: Pipeline;
  sla: SlaService;
  /** Who may reach which route. */
  guard: Guard;
}

/**
 * The composition root: Redis (given, or a private redis-server), the adapters of the
 * configured trackers, the pipeline and its workers, SLA clocks, alerts, and the HTTP
 * server. Everything started is registered with the Shutdown, in the order that lets
 * in-flight work finish: stop taking requests, then let workers finish their jobs (the
 * rest stays queued in Redis), then close Redis.
 */
export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const { config } = options;
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger(config.server.logLevel, options.logFormat);
  const shutdown = new Shutdown(logger, config.server.shutdownTimeoutMs);
  if (options.exitOnSignals) shutdown.onSignals();

  try {
    const packs = options.packs ?? loadDeploymentPacks(config, options.configFile);
    const enforcing = [...packs.values()].filter((d) => d.pack.mode === "enforce").map((d) => d.pack.id);
    if (enforcing.length && options.defaultedSecrets?.length)
      throw Errors.SECRET_DEFAULTED(options.defaultedSecrets, enforcing);
    const role = options.role ?? "all";
    const ingests = role !== "worker";
    const works = role !== "ingest";
    let target = redisTarget(config.redis, env);
    let redisSource: string;
    if (target) redisSource = describeTarget(target);
    else {
      const local = await startLocalRedis({ dataDir: config.redis.dataDir, logger });
      shutdown.add("private redis-server", () => local.stop());
      shutdown.onBegin(() => local.stopping());
      target = { kind: "url", url: local.url };
      redisSource = `private redis-server at ${local.url} (data in ${local.dataDir})`;
    }

    // Auto-pipelining batches the commands of concurrent webhooks into one round trip.
    const redis = await connectRedisClient(target, { enableOfflineQueue: true, enableAutoPipelining: true });
    const outage = new RedisOutage(redis, logger, redisSource);
    shutdown.onBegin(() => outage.shuttingDown());
    // While Redis is away nothing can be closed cleanly: what waits on it is abandoned after
    // a second, as a crash would leave it (jobs' locks lapse and are taken over; nothing is lost).
    const unlessDown = (close: () => Promise<void>) => () =>
      outage.down
        ? Promise.race([close().catch(() => {}), new Promise<void>((r) => setTimeout(r, 1000))])
        : close();
    shutdown.add("redis", async () => {
      outage.stop();
      if (outage.down) redis.disconnect();
      else await redis.quit().catch(() => redis.disconnect());
    });

    const registry = createMetricsRegistry();
    const metrics = pipelineMetrics(registry);
    const trackerHealth = new TrackerHealth(logger);
    const adapters = trackerHealth.observe(
      createAdapters(config, options.registry ?? defaultAdapterRegistry(), logger),
      config.trackers,
    );
    const examples = new Set(
      Object.entries(config.trackers)
        .filter(([, t]) => t.example)
        .map(([name]) => name),
    );
    await verifyTrackerAccess(adapters, logger, examples);
    const capabilities = await checkTrackerCapabilities(config, adapters, packs, logger, examples);
    const keys = keySpaceOf(config);
    await checkKeyLayout(redis, keys, logger);

    const historyHandOff = config.history.enabled
      ? { keys, maxBacklog: config.history.maxBacklog, redact: redactPersonalData }
      : undefined;
    const dispatcher = new AlertDispatcher({
      connection: redis,
      keys,
      ...(historyHandOff ? { history: historyHandOff } : {}),
      endpoints: config.alerts.endpoints,
      logger: logger.child({ part: "alerts" }),
    });
    if (works) dispatcher.start();
    shutdown.add(
      "alert dispatcher",
      unlessDown(() => dispatcher.close()),
    );
    const history = config.history.enabled
      ? new HistoryWriter({
          redis,
          streams: historyStreams(keys),
          storedChannel: historyStoredChannel(keys),
          drain: works,
          open: () => openHistoryStore(config.history),
          logger: logger.child({ part: "history" }),
          batchSize: config.history.batchSize,
          alertBacklog: config.history.alertBacklog,
          ...(config.history.retentionDays ? { retentionDays: config.history.retentionDays } : {}),
          onBacklog: (n) => metrics.historyBacklog.set(n),
          onBehind: (alert) => dispatcher.publish(alert),
        })
      : undefined;
    if (history) {
      // In the background: the embedded store's first start creates its database (seconds),
      // and records wait in Redis meanwhile.
      history.start();
      shutdown.add("history writer", () => history.close());
    }

    const scheduler = new SlaScheduler(redis, keys, logger.child({ part: "sla" }));
    let pipeline: Pipeline | undefined;
    const sla = new SlaService({
      scheduler,
      redis,
      keys,
      ...(historyHandOff ? { history: historyHandOff } : {}),
      logger: logger.child({ part: "sla" }),
      publish: (alert) => dispatcher.publish(alert),
      sink: (ticket, actions, reason) => pipeline!.submitActions(ticket, actions, reason),
      source: async (key) => {
        const found = await pipeline!.trackedTicket(key);
        return found && { ticket: found.ticket, pack: found.deployment.pack, time: found.deployment.time };
      },
      ...(options.clock ? { now: options.clock } : {}),
    });
    pipeline = new Pipeline({
      config,
      adapters,
      packs,
      redis,
      logger,
      metrics,
      sla,
      publishAlert: (a) => dispatcher.publish(a),
      trackerFacts: (instance, project) => trackerFactsOf(capabilities, instance, project),
      ...(target.kind === "sentinel" && target.sentinel.waitForReplicas
        ? { replicas: { count: target.sentinel.waitForReplicas, timeoutMs: target.sentinel.waitTimeoutMs } }
        : {}),
      ...(historyHandOff ? { history: historyHandOff } : {}),
      ...(options.locks ?? {
        lockDurationMs: config.pipeline.jobLockSeconds * 1000,
        stalledIntervalMs: config.pipeline.jobLockSeconds * 1000,
      }),
      ...(options.clock ? { now: options.clock } : {}),
    });
    if (works) {
      await pipeline.start();
      scheduler.start((key) => sla.onDue(key));
      await sla.fillBoardOnce(() => pipeline!.trackedKeys());
    }
    shutdown.add(
      "SLA scheduler",
      unlessDown(() => scheduler.close()),
    );
    shutdown.add(
      "pipeline workers",
      unlessDown(() => pipeline!.close(outage.down)),
    );

    const access = new AccessControl(config.server.auth);
    const sessions = new ConsoleSessions(redis, keys);
    const guard = new Guard(access, sessions);
    const app = buildApp({
      logger,
      guard,
      timeouts: config.server.timeouts,
      trustProxy: config.server.trustProxy,
      bodyLimit: config.server.bodyLimit,
      metrics: registry,
      readiness: [
        { name: "redis", check: () => pingWithin(redis, 1000) },
        ...(history ? [historyReadiness(history)] : []),
        ...trackerHealth.readiness(),
      ],
      beforeMetrics: () => pipeline!.observeQueues(),
    });
    if (ingests) {
      await webhookRoutes(app, { config, adapters, pipeline, metrics });
      await decisionsApi(app, { config, log: pipeline.log, history });
      await reportsApi(app, { packs, history, ...(options.clock ? { now: options.clock } : {}) });
      await auditApi(app, { config, packs, adapters, ...(options.clock ? { now: options.clock } : {}) });
      const inspector = new WorkInspector(config, redis);
      shutdown.add(
        "queue inspector",
        unlessDown(() => inspector.close()),
      );
      await queuesApi(app, { config, inspector });

      const board = new SlaBoardView(redis, keys, logger.child({ part: "console" }));
      await board.start();
      shutdown.add("SLA board", () => board.close());
      const live = new LiveUpdates(
        redis,
        {
          decisions: decisionsChannel(keys),
          ...(history ? { history: historyStoredChannel(keys) } : {}),
        },
        board,
        logger.child({ part: "console" }),
      );
      await live.start();
      const shownQueues = [
        ...Array.from({ length: config.pipeline.partitions }, (_, i) => eventsQueue(i)),
        ...Object.keys(config.trackers).map(writebackQueue),
        reconcileQueue,
        "sla",
        "alerts",
      ].map((name) => {
        const q = new Queue(name, { connection: redis, prefix: keys.queuePrefix(name) });
        q.on("error", () => {});
        return q;
      });
      shutdown.add(
        "console queues",
        unlessDown(async () => {
          await Promise.all(shownQueues.map((q) => q.close()));
        }),
      );
      await consoleRoutes(app, {
        config,
        packs,
        access,
        sessions,
        board,
        live,
        log: pipeline.log,
        inspector,
        history,
        tracked: (key) => pipeline!.trackedTicket(key),
        trackers: () => trackerHealth.statuses(),
        queues: shownQueues,
        now: options.clock ?? Date.now,
      });
      // Live pages hold their connections open; they are ended first so the server can close.
      app.addHook("preClose", () => live.close());
    }
    shutdown.add("http server", () => app.close());

    let address: string;
    try {
      address = await app.listen({ host: config.server.host, port: config.server.port });
    } catch (err) {
      throw Errors.SERVER_LISTEN_FAILED(
        `${config.server.host}:${config.server.port}`,
        (err as Error).message,
      );
    }
    // Nobody could sign in to the console without a token: a launch link, for one browser,
    // for a quarter of an hour (`reglament console link` makes another).
    const consoleUrl =
      ingests && AccessControl.closed(config.server.auth)
        ? `${address}/console/launch?key=${await sessions.launchCode("operator")}`
        : `${address}/console`;
    return { app, address, consoleUrl, redis, redisSource, logger, shutdown, pipeline, sla, guard };
  } catch (err) {
    await shutdown.run("start-up failed", isReglamentError(err) ? err.exitCode : 1);
    throw err;
  }
}
