import { z } from "zod";
import { AuthConfig } from "../access/tokens.js";
import { CalendarOverride } from "../calendar/spec.js";
import { AlertEvent } from "../domain/decision.js";
import { Line, Role, TrackerKind } from "../domain/enums.js";
import { SlaOverride } from "../sla/sla-spec.js";
import { closest, describeIssues } from "../validation/explain-issues.js";
import { fetchableUrl } from "./bad-ports.js";

export const modes = ["dry-run", "enforce"] as const;
export const Mode = z.enum(modes);
export type Mode = z.infer<typeof Mode>;

const ServerConfig = z.strictObject({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Largest webhook body accepted, in bytes. */
  bodyLimit: z.number().int().positive().default(1_048_576),
  /** How long a shutdown may take before the process exits anyway. */
  shutdownTimeoutMs: z.number().int().positive().default(10_000),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Who may read /api/*, /metrics and the console: see src/access/tokens.ts. */
  auth: AuthConfig,
  /**
   * Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto/-For (`true`,
   * or the proxies' addresses and subnets), so console cookies are marked Secure and
   * sign-in limits count the person's address, not the proxy's.
   */
  trustProxy: z.union([z.boolean(), z.string().min(1), z.array(z.string().min(1))]).default(false),
  /** Time limits, so a client that trickles its request cannot hold a connection and memory. */
  timeouts: z
    .strictObject({
      /** The whole request, headers and body, must arrive within this. */
      requestMs: z.number().int().min(1000).max(600_000).default(10_000),
      /** The headers must arrive within this (at most requestMs). */
      headersMs: z.number().int().min(500).max(600_000).default(5_000),
      /** An idle keep-alive connection is closed after this. */
      keepAliveMs: z.number().int().min(1000).max(600_000).default(65_000),
    })
    .refine((t) => t.headersMs <= t.requestMs, { message: "headersMs must not exceed requestMs" })
    .prefault({}),
});

const PipelineConfig = z.strictObject({
  /** Event partitions: tickets processed in parallel (one ticket's events never are). */
  partitions: z.number().int().min(1).max(256).default(8),
  /** Write-back jobs one process runs at once per tracker instance (within its rate limit). */
  writebackConcurrency: z.number().int().min(1).max(256).default(16),
  /**
   * How long a process holds a job it works on; a process that dies (killed, power cut)
   * leaves its job to another process after about this long.
   */
  jobLockSeconds: z.number().int().min(1).max(600).default(30),
  /**
   * How long and how often an event or a write-back may keep failing before it goes to the
   * dead-letter set with the last answer; a tracker's Retry-After counts as a try.
   */
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(1000).default(10),
      /** First retry delay, doubling each attempt. */
      backoffMs: z.number().int().positive().default(2000),
      /** From the first failure to the last try. */
      maxSeconds: z.number().int().positive().default(3600),
    })
    .prefault({}),
});

const HistoryConfig = z.strictObject({
  /** Keep the history (decisions, ticket versions, write-back outcomes) for reports and audits. */
  enabled: z.boolean().default(true),
  /** postgres://… ; when absent, an embedded PostgreSQL (PGlite) in `dataDir`, for one process. */
  url: z.preprocess(
    // `${HISTORY_URL:-}` in a file: an unset variable means "embedded".
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "expected a postgres:// or postgresql:// URL")
      .optional(),
  ),
  dataDir: z.string().min(1).default("var/history"),
  /** Records the writer stores per transaction. */
  batchSize: z.number().int().min(1).max(10_000).default(500),
  /** Records Redis keeps for the history while the database is away; past it the oldest are dropped. */
  maxBacklog: z.number().int().min(1000).default(1_000_000),
  /** A backlog past this is logged and shown by /readyz as a history store that is behind. */
  alertBacklog: z.number().int().min(1).default(10_000),
  /** Records older than this many days are deleted (once a day); absent: everything is kept. */
  retentionDays: z.number().int().min(1).optional(),
});
export type HistoryConfig = z.infer<typeof HistoryConfig>;

const RedisNode = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(6379),
});

const RedisSentinel = z.strictObject({
  /** The master's name, as the sentinels know it (`sentinel monitor <name> …`). */
  name: z.string().min(1),
  sentinels: z.array(RedisNode).min(1, { message: "needs at least one sentinel (host and port)" }),
  /** The data nodes' password (requirepass); take it from the environment: `${REDIS_PASSWORD}`. */
  password: z.string().min(1).optional(),
  /** The sentinels' own password, when they have one. */
  sentinelPassword: z.string().min(1).optional(),
  db: z.number().int().min(0).default(0),
  /**
   * Replicas that must hold an accepted webhook before it is answered 202 (Redis WAIT), so a
   * failover right after the answer loses nothing; 0 answers on the master's word alone.
   */
  waitForReplicas: z.number().int().min(0).default(1),
  /** How long an answer waits for those replicas before it says 503 and the tracker resends. */
  waitTimeoutMs: z.number().int().min(1).default(1000),
});

const RedisCluster = z.strictObject({
  /** Some of the cluster's masters; the rest are discovered from them. */
  nodes: z.array(RedisNode).min(1, { message: "needs at least one node (host and port)" }),
  password: z.string().min(1).optional(),
});

const RedisConfig = z
  .strictObject({
    /** redis://… ; when absent (and REDIS_URL is unset) `serve` starts a private redis-server. */
    url: z.string().min(1).optional(),
    /** A master watched by Redis Sentinel: the bridge follows a failover to the promoted replica. */
    sentinel: RedisSentinel.optional(),
    /** A Redis Cluster: the partitions spread over its shards (see KeySpace). */
    cluster: RedisCluster.optional(),
    keyPrefix: z
      .string()
      .min(1)
      .regex(/^[^{}]+$/, { message: "may not hold { or }: the bridge puts its own hash tags around it" })
      .default("reglament"),
    /** Where the private redis-server keeps its append-only file. */
    dataDir: z.string().min(1).default("var/redis"),
  })
  .refine((r) => [r.url, r.sentinel, r.cluster].filter(Boolean).length <= 1, {
    message: "give one of url, sentinel or cluster: they are three ways to reach one Redis",
  });
export type RedisConfig = z.infer<typeof RedisConfig>;

const ProjectBinding = z.strictObject({ pack: z.string().min(1) });

const TrackerInstance = z.strictObject({
  kind: TrackerKind,
  baseUrl: fetchableUrl(),
  token: z.string().min(1),
  /** The shared secret webhooks must carry; unused for MantisBT polling-only instances. */
  webhookSecret: z.string().min(1).optional(),
  /** The tracker account the bridge writes with: its own changes are recognised by it. */
  bridgeUser: z.string().min(1),
  /** Project (MantisBT, GitLab) or queue (Yandex Tracker) → the pack that governs it. */
  projects: z.record(z.string(), ProjectBinding).refine((p) => Object.keys(p).length > 0, {
    message: "needs at least one project or queue with its pack",
  }),
  /** Seconds between reconciliation listings (for MantisBT: the polling interval). */
  reconcileIntervalSeconds: z.number().int().positive().default(60),
  /** Write-backs allowed per second to this tracker (the write-back queue's rate limit). */
  writesPerSecond: z.number().positive().default(5),
  /** Adapter-specific settings (label mapping, organisation id, …), validated by the adapter. */
  options: z.record(z.string(), z.unknown()).default({}),
  /**
   * Tracker settings the start-up check found to refuse a write of an enforcing pack that
   * the administrator accepts as they are (e.g. `handle_bug_threshold`, when reporters must
   * not be handlers): their refusals are warnings instead of stopping the start, and each
   * refused write is still said on the ticket.
   */
  acceptRefusals: z.array(z.string().min(1)).default([]),
  /**
   * A demonstration entry whose baseUrl is not a real tracker: webhooks posted to it are
   * handled, but it is not checked at start-up nor polled, so a demo start logs no
   * failures. Remove it once baseUrl points at yours.
   */
  example: z.boolean().default(false),
});
export type TrackerInstance = z.infer<typeof TrackerInstance>;

const ActorEntry = z.strictObject({ line: Line.optional(), role: Role, name: z.string().optional() });
export type ActorEntry = z.infer<typeof ActorEntry>;

const PackSettings = z.strictObject({
  mode: Mode.optional(),
  language: z.enum(["ru", "en"]).optional(),
  /** Deployment facts the pack's rules refer to by name (head of line 2, infrastructure owner, …). */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Per-rule option overrides, validated by each rule's schema when the pack loads. */
  rules: z.record(z.string(), z.unknown()).default({}),
  /** Local days off and working days, and holiday iCalendar files, on top of the pack's calendar. */
  calendar: CalendarOverride.optional(),
  /** A customer's own calendar for its tickets: project/queue → override on top of the pack's. */
  customerCalendars: z.record(z.string(), CalendarOverride).default({}),
  /** The SLA choices the regulation leaves to the deployment: the auto-close delay, the pause statuses. */
  sla: SlaOverride.optional(),
});
export type PackSettings = z.infer<typeof PackSettings>;

const AlertEndpoint = z.strictObject({
  name: z.string().min(1),
  url: fetchableUrl(),
  secret: z.string().min(8),
  events: z.array(AlertEvent).min(1),
  /** Only alerts about these packs; all packs when absent. */
  packs: z.array(z.string()).optional(),
});

/**
 * The configuration's schema. `trackerOptions` gives each tracker kind's schema of
 * `trackers.<instance>.options` (from the adapters), so a mistake there is reported
 * with the rest of the file.
 */
export function configSchema(knownPacks: readonly string[], trackerOptions: Record<string, z.ZodType> = {}) {
  const unknownPack = (id: string) => {
    const hint = closest(id, knownPacks);
    return `unknown pack "${id}"${hint ? `; did you mean "${hint}"?` : ""} (valid packs: ${knownPacks.join(", ")})`;
  };
  const packId = z.string().refine((id) => knownPacks.includes(id), {
    error: (issue) => unknownPack(String(issue.input)),
  });
  return z
    .strictObject({
      mode: Mode.default("dry-run"),
      server: ServerConfig.prefault({}),
      redis: RedisConfig.prefault({}),
      pipeline: PipelineConfig.prefault({}),
      history: HistoryConfig.prefault({}),
      trackers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i), TrackerInstance).default({}),
      actors: z.record(z.string(), z.record(z.string(), ActorEntry)).default({}),
      packs: z.record(packId, PackSettings).default({}),
      alerts: z
        .strictObject({
          endpoints: z.array(AlertEndpoint).default([]),
          atRiskRatio: z.number().gt(0).lt(1).default(0.8),
        })
        .prefault({}),
    })
    .superRefine((cfg, ctx) => {
      for (const [name, inst] of Object.entries(cfg.trackers)) {
        const optionsSchema = trackerOptions[inst.kind];
        const options = optionsSchema?.safeParse(inst.options, { reportInput: true });
        for (const problem of options?.success === false
          ? describeIssues(options.error.issues, { input: inst.options, schema: optionsSchema })
          : []) {
          ctx.addIssue({
            code: "custom",
            path: ["trackers", name, "options", ...(problem.path as (string | number)[])],
            message: problem.text,
            input: undefined,
          });
        }
        for (const [project, binding] of Object.entries(inst.projects)) {
          if (!knownPacks.includes(binding.pack)) {
            ctx.addIssue({
              code: "custom",
              path: ["trackers", name, "projects", project, "pack"],
              message: unknownPack(binding.pack),
            });
          }
        }
      }
      for (const instance of Object.keys(cfg.actors)) {
        if (!(instance in cfg.trackers)) {
          ctx.addIssue({
            code: "custom",
            path: ["actors", instance],
            message: `names tracker instance "${instance}", which is not under trackers (known: ${Object.keys(cfg.trackers).join(", ") || "none"})`,
          });
        }
      }
    });
}

export type Config = z.infer<ReturnType<typeof configSchema>>;
