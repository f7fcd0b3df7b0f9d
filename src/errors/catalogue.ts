/**
 * The one catalogue of coded errors (after Fastify's errors.js). Every error a person
 * has to act on is defined here once: its code, the message template, the CLI exit
 * status and the HTTP status it maps to, and whether retrying can help.
 */

/** The CLI's exit statuses (README, "Exit statuses"). */
export const ExitCode = {
  /** Nothing to report. */
  ok: 0,
  /** A check found violations. */
  findings: 1,
  /** Bad input, usage or configuration, or a tracker's refusal. */
  badInput: 2,
  /** A service it needs does not answer: Redis, a tracker, the port to listen on. */
  unavailable: 3,
} as const;

export interface ErrorDefinition<A extends unknown[]> {
  readonly code: string;
  readonly exitCode: number;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly message: (...args: A) => string;
}

export class ReglamentError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly httpStatus: number;
  readonly retryable: boolean;
  /** Extra lines, one per problem, printed after the message (e.g. every config mistake). */
  readonly details: readonly string[];

  constructor(
    def: { code: string; exitCode: number; httpStatus: number; retryable: boolean },
    message: string,
    details: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ReglamentError";
    this.code = def.code;
    this.exitCode = def.exitCode;
    this.httpStatus = def.httpStatus;
    this.retryable = def.retryable;
    this.details = details;
  }

  /** The full text for a terminal: the message, then one indented line per problem. */
  describe(): string {
    return [`${this.code}: ${this.message}`, ...this.details.map((d) => `  - ${d}`)].join("\n");
  }
}

export interface ErrorFactory<A extends unknown[]> extends ErrorDefinition<A> {
  (...args: A): ReglamentError;
  withDetails(details: readonly string[], ...args: A): ReglamentError;
  is(err: unknown): err is ReglamentError;
}

function define<A extends unknown[]>(
  code: string,
  opts: { exitCode?: number; httpStatus?: number; retryable?: boolean },
  message: (...args: A) => string,
): ErrorFactory<A> {
  const def = {
    code,
    exitCode: opts.exitCode ?? ExitCode.badInput,
    httpStatus: opts.httpStatus ?? 500,
    retryable: opts.retryable ?? false,
  };
  const factory = ((...args: A) => new ReglamentError(def, message(...args))) as ErrorFactory<A>;
  Object.assign(factory, def, {
    message,
    withDetails: (details: readonly string[], ...args: A) =>
      new ReglamentError(def, message(...args), details),
    is: (err: unknown): err is ReglamentError => err instanceof ReglamentError && err.code === code,
  });
  return factory;
}

export const Errors = {
  CONFIG_NOT_FOUND: define(
    "REG_CONFIG_NOT_FOUND",
    {},
    (file: string) =>
      `configuration file "${file}" does not exist; pass --config FILE or set REGLAMENT_CONFIG (see config/reglament.example.yaml)`,
  ),
  CONFIG_INVALID: define(
    "REG_CONFIG_INVALID",
    {},
    (file: string, count: number) =>
      `configuration file "${file}" has ${count} problem${count === 1 ? "" : "s"}; nothing was started`,
  ),
  ENV_VAR_MISSING: define(
    "REG_ENV_VAR_MISSING",
    {},
    (name: string) =>
      `environment variable ${name} is not set; export ${name}=… or write \${${name}:-default} in the file`,
  ),
  USAGE: define("REG_USAGE", {}, (text: string) => text),
  QUERY_INVALID: define("REG_QUERY_INVALID", { httpStatus: 400 }, (text: string) => text),
  INPUT_INVALID: define(
    "REG_INPUT_INVALID",
    { httpStatus: 400 },
    (what: string, count: number) => `${what} is not valid (${count} problem${count === 1 ? "" : "s"})`,
  ),
  INPUT_UNREADABLE: define(
    "REG_INPUT_UNREADABLE",
    { httpStatus: 400 },
    (what: string, reason: string) => `${what} cannot be read: ${reason}`,
  ),
  UNKNOWN_TRACKER_KIND: define(
    "REG_UNKNOWN_TRACKER_KIND",
    {},
    (kind: string, valid: readonly string[]) =>
      `no adapter is registered for tracker kind "${kind}"; valid kinds: ${valid.join(", ") || "(none registered)"}`,
  ),
  UNKNOWN_PACK: define(
    "REG_UNKNOWN_PACK",
    { httpStatus: 404 },
    (id: string, valid: readonly string[]) => `unknown policy pack "${id}"; valid packs: ${valid.join(", ")}`,
  ),
  PACK_INVALID: define(
    "REG_PACK_INVALID",
    {},
    (file: string, count: number) =>
      `policy pack "${file}" has ${count} problem${count === 1 ? "" : "s"}; it cannot be loaded`,
  ),
  UNKNOWN_RULE: define(
    "REG_UNKNOWN_RULE",
    {},
    (rule: string, where: string, valid: readonly string[]) =>
      `${where}: unknown rule "${rule}"; valid rules: ${valid.join(", ")}`,
  ),
  PACK_PARAM_MISSING: define(
    "REG_PACK_PARAM_MISSING",
    {},
    (pack: string, param: string) =>
      `pack parameter "${param}" is not configured; set packs.${pack}.params.${param} in the configuration file`,
  ),
  RULE_FAILED: define(
    "REG_RULE_FAILED",
    {},
    (rule: string, reason: string) => `rule ${rule} could not run: ${reason}`,
  ),
  CALENDAR_INVALID: define(
    "REG_CALENDAR_INVALID",
    {},
    (where: string, count: number) => `calendar of ${where} has ${count} problem${count === 1 ? "" : "s"}`,
  ),
  CALENDAR_YEAR_MISSING: define(
    "REG_CALENDAR_YEAR_MISSING",
    {},
    (country: string, year: number, available: readonly number[]) =>
      `the ${country.toUpperCase()} production calendar has no data for ${year} (years available: ${available.join(", ")}); ` +
      `add ../shared/calendars/${country}/${year}.xml and run \`npm run calendars:import\` — a year without data is never treated as a plain Mon–Fri year`,
  ),
  CALENDAR_OUT_OF_RANGE: define(
    "REG_CALENDAR_OUT_OF_RANGE",
    {},
    (moment: string, from: string, to: string) =>
      `${moment} is outside the calendar's range ${from} … ${to}; add the production calendar of that year`,
  ),
  DURATION_INVALID: define(
    "REG_DURATION_INVALID",
    {},
    (text: string) =>
      `"${text}" is not a duration; write it like 30m, 4h, 1h30m or 2d (d = working days of the calendar), never negative`,
  ),
  UNKNOWN_INSTANCE: define(
    "REG_UNKNOWN_INSTANCE",
    { httpStatus: 404 },
    (instance: string, known: readonly string[]) =>
      `no tracker instance "${instance}" in the configuration; configured: ${known.join(", ") || "none"}`,
  ),
  WEBHOOK_NO_INSTANCE: define(
    "REG_UNKNOWN_INSTANCE",
    { httpStatus: 404 },
    () =>
      "no tracker instance of this bridge receives webhooks at this address; the hook's URL must be /webhooks/<instance> with an instance of the configuration's trackers",
  ),
  ADAPTER_UNAVAILABLE: define(
    "REG_ADAPTER_UNAVAILABLE",
    { httpStatus: 503, retryable: true },
    (instance: string, kind: string) =>
      `tracker instance "${instance}" (${kind}) is configured, but this version of the bridge has no ${kind} adapter yet; its events are not accepted`,
  ),
  TRACKER_ACCESS_DENIED: define(
    "REG_TRACKER_ACCESS_DENIED",
    {},
    (instance: string, what: string) =>
      `tracker instance "${instance}" cannot be used: ${what}; nothing was started`,
  ),
  TRACKER_PERMISSIONS_MISSING: define(
    "REG_TRACKER_PERMISSIONS_MISSING",
    {},
    (count: number) =>
      `refusing to start: the trackers will refuse ${count === 1 ? "a write" : `${count} kinds of write`} that enforcing packs make (below, with the setting to change); change those settings, or run the packs in dry-run, where this is only a warning`,
  ),
  WEBHOOK_UNAUTHORIZED: define(
    "REG_WEBHOOK_UNAUTHORIZED",
    { httpStatus: 401 },
    (instance: string, what: string) => `webhook for "${instance}" refused: ${what}`,
  ),
  WEBHOOK_INVALID: define(
    "REG_WEBHOOK_INVALID",
    { httpStatus: 400 },
    (instance: string, what: string) =>
      `webhook for "${instance}" is not a delivery the bridge understands: ${what}`,
  ),
  REDIS_URL_REQUIRED: define(
    "REG_REDIS_URL_REQUIRED",
    {},
    (command: string) =>
      `${command} reads the bridge's Redis: set REDIS_URL, or redis.url, redis.sentinel or redis.cluster in the configuration, or start the bridge (\`reglament serve\`) so that its private redis-server runs on this configuration's redis.dataDir`,
  ),
  REDIS_BINARY_MISSING: define(
    "REG_REDIS_BINARY_MISSING",
    {},
    () =>
      "no Redis to use: REDIS_URL and redis.url are not set, and no redis-server binary is on PATH. " +
      "Either install Redis (apt-get install redis-server), or set REDIS_URL=redis://host:6379 " +
      "(or redis.url in the config), or run `docker compose up`",
  ),
  REDIS_START_FAILED: define(
    "REG_REDIS_START_FAILED",
    { exitCode: ExitCode.unavailable, retryable: true },
    (reason: string) => `the private redis-server could not be started: ${reason}`,
  ),
  SECRET_DEFAULTED: define(
    "REG_SECRET_DEFAULTED",
    { exitCode: 2 },
    (secrets: readonly { name: string; path: string }[], packs: readonly string[]) =>
      `refusing to start: ${packs.join(", ")} ${packs.length === 1 ? "enforces" : "enforce"}, but ${secrets
        .map((s) => `${s.path} takes the configuration's demo value because ${s.name} is unset or empty`)
        .join(
          "; ",
        )} — set ${[...new Set(secrets.map((s) => s.name))].join(", ")} in the environment (your shell, or .env with docker compose), or run those packs in dry-run`,
  ),
  UNAUTHORIZED: define("REG_UNAUTHORIZED", { httpStatus: 401 }, (path: string, enabled: readonly string[]) =>
    enabled.length
      ? `${path} needs "Authorization: Bearer <token>" with a token of server.auth.tokens (roles with a token: ${enabled.join(", ")})`
      : `${path} is closed: no token is configured; add one under server.auth.tokens (role viewer or operator)`,
  ),
  FORBIDDEN: define(
    "REG_FORBIDDEN",
    { httpStatus: 403 },
    (who: string, method: string, path: string) =>
      `token "${who}" is a viewer's: ${method} ${path} needs an operator's token`,
  ),
  CROSS_SITE: define(
    "REG_CROSS_SITE",
    { httpStatus: 403 },
    (method: string, path: string) =>
      `${method} ${path} refused: the browser did not say it comes from the console's own pages (Origin); open the console at this bridge's address and act from there`,
  ),
  REDIS_DATA_DIR_IN_USE: define(
    "REG_REDIS_DATA_DIR_IN_USE",
    { exitCode: 2 },
    (dataDir: string, redisPid: number, port: number, bridgePid: number) =>
      `another private redis-server (pid ${redisPid}, port ${port}, started by the bridge with pid ${bridgePid}) already uses ${dataDir}; ` +
      `stop that bridge first, or give this one another redis.dataDir, or point both at one Redis with REDIS_URL=redis://127.0.0.1:${port}`,
  ),
  NOT_FOUND: define("REG_NOT_FOUND", { httpStatus: 404 }, (what: string) => `${what} is not known here`),
  HISTORY_IN_USE: define(
    "REG_HISTORY_IN_USE",
    { exitCode: 2 },
    (dir: string, pid: number) =>
      `the embedded history store in ${dir} is in use by the process with pid ${pid} (one process at a time); ` +
      `ask that bridge (GET /api/decisions), stop it first, or set history.url to a PostgreSQL database that every process and the CLI can share`,
  ),
  HISTORY_UNAVAILABLE: define(
    "REG_HISTORY_UNAVAILABLE",
    { exitCode: ExitCode.unavailable, httpStatus: 503, retryable: true },
    (where: string, reason: string) => `the history store (${where}) does not answer: ${reason}`,
  ),
  SESSIONS_UNAVAILABLE: define(
    "REG_SESSIONS_UNAVAILABLE",
    { exitCode: ExitCode.unavailable, httpStatus: 503, retryable: true },
    () =>
      "the console's sign-ins are kept in Redis, which does not answer; try again when /readyz says redis ok",
  ),
  SIGN_IN_LIMITED: define(
    "REG_SIGN_IN_LIMITED",
    { httpStatus: 429, retryable: true },
    (max: number, seconds: number) =>
      `too many sign-in attempts from this address (${max} a minute); wait ${seconds} s and try again with the right token`,
  ),
  BAD_URL: define(
    "REG_BAD_URL",
    { httpStatus: 400 },
    (what: string) =>
      `the request's path cannot be read: ${what}; send a plain, correctly percent-encoded path`,
  ),
  REDIS_UNAVAILABLE: define(
    "REG_REDIS_UNAVAILABLE",
    { exitCode: ExitCode.unavailable, httpStatus: 503, retryable: true },
    () => "the bridge's Redis does not answer, so the delivery was not accepted; send it again later",
  ),
  REDIS_UNREACHABLE: define(
    "REG_REDIS_UNREACHABLE",
    { exitCode: ExitCode.unavailable, httpStatus: 503, retryable: true },
    (url: string, reason: string) => `Redis at ${url} does not answer: ${reason}`,
  ),
  REDIS_NOT_REPLICATED: define(
    "REG_REDIS_NOT_REPLICATED",
    { exitCode: ExitCode.unavailable, httpStatus: 503, retryable: true },
    (confirmed: number, wanted: number, timeoutMs: number) =>
      `only ${confirmed} of ${wanted} Redis replicas confirmed the event within ${timeoutMs} ms; it is not answered as accepted, so the tracker sends it again — check the replicas (redis-cli INFO replication), or lower redis.sentinel.waitForReplicas`,
  ),
  REDIS_LAYOUT_MISMATCH: define(
    "REG_REDIS_LAYOUT_MISMATCH",
    { exitCode: ExitCode.badInput },
    (prefix: string, stored: number, configured: number) =>
      `the Redis keys under "${prefix}" are laid out for ${stored} partitions, the configuration says pipeline.partitions: ${configured}; every ticket's keys live in the slot of its partition, so changing the number would lose them — set pipeline.partitions back to ${stored}, or give the new layout its own redis.keyPrefix`,
  ),
  SERVER_LISTEN_FAILED: define(
    "REG_SERVER_LISTEN_FAILED",
    { exitCode: ExitCode.unavailable },
    (address: string, reason: string) =>
      `cannot listen on ${address}: ${reason}; choose another server.port or stop what holds it`,
  ),
} as const;

export function isReglamentError(err: unknown): err is ReglamentError {
  return err instanceof ReglamentError;
}
