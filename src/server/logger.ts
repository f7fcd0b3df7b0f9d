import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import { type Bindings, type ChildLoggerOptions, type Logger, type LoggerOptions, levels, pino } from "pino";
import pretty from "pino-pretty";
import { redactPersonalData } from "../text/personal-data.js";
import type { LogFormat } from "./log-formats.js";

/**
 * Paths pino blanks out in every log line: credentials of trackers and alert endpoints,
 * and the headers trackers authenticate with. A token in a log is a leaked token.
 */
export const redactPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-gitlab-token"]',
  'req.headers["x-reglament-signature"]',
  'req.headers["x-reglament-secret"]',
  "headers.authorization",
  "*.token",
  "*.secret",
  "*.webhookSecret",
  "*.password",
  "*.*.token",
  "*.*.secret",
  "*.*.webhookSecret",
];

/**
 * Where a tracker's text can reach a log line: the message itself (a decision's message
 * quotes the ticket), the fields that carry a tracker's answer or an error (trackers echo
 * what they refused), and what a write-back did (labels, refused actions with their
 * comments). They pass the personal-data detectors. Only these keys are read, and only
 * on lines that have them: no line is walked whole.
 */
export const textPaths = [
  "msg",
  "reason",
  "error",
  "last",
  "details",
  "changed",
  "refused",
  "wouldDo",
  "decisions",
  "message",
  "title",
  "description",
  "body",
  "labels",
  "comment",
  "text",
  // An error (its message, stack, a tracker's reason), or its message alone as most lines give it.
  "err",
];

const credentialKeys = new Set(
  redactPaths.map((p) =>
    p
      .split(/[.["\]]+/)
      .filter(Boolean)
      .at(-1),
  ),
);

/** Inside a text path credentials are still blanked: the wildcard paths do not reach below it. */
function redactedDeep(value: unknown): unknown {
  if (typeof value === "string") return redactPersonalData(value);
  if (Array.isArray(value)) return value.map(redactedDeep);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, credentialKeys.has(k) ? "[redacted]" : redactedDeep(v)]),
    );
  return value;
}

function censor(value: unknown, path: string[]): unknown {
  return credentialKeys.has(path.at(-1)!) ? "[redacted]" : redactedDeep(value);
}

/** A query parameter that carries a secret (a console launch code, a token pasted into a URL). */
const secretInQuery = /([?&](?:key|token|secret|password|sig)=)[^&#]*/gi;

/** A request as its log line shows it: the URL with secret query values blanked. */
export function requestForLog(req: { method: string; url: string; host?: string; ip?: string }) {
  return {
    method: req.method,
    url: req.url.includes("=") ? req.url.replace(secretInQuery, "$1[redacted]") : req.url,
    host: req.host,
    remoteAddress: req.ip,
  };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: [...redactPaths, ...textPaths], censor },
    serializers: { req: requestForLog },
    base: { service: "reglament" },
  };
}

/**
 * The bridge's logger: JSON lines for machines (the default when stdout is not a
 * terminal), or readable lines for a person at a terminal — local time, level names,
 * the message first and its fields after (pino-pretty, in-process, so a crash loses no line).
 */
export function createLogger(
  level: string,
  format: LogFormat = process.stdout.isTTY ? "pretty" : "json",
): Logger {
  if (format === "json") return pino(loggerOptions(level));
  return pino(
    loggerOptions(level),
    pretty({
      colorize: process.stdout.isTTY,
      translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
      ignore: "pid,hostname,service",
      singleLine: false,
      sync: true,
    }),
  );
}

type RequestLogger = FastifyBaseLogger;
type LogArgs = Parameters<RequestLogger["info"]>;

/**
 * A request's logger, made when the request first logs. Fastify makes a child logger for
 * every request, and pino serialises its bindings through the redaction on the spot:
 * a cost every webhook paid though only a refused or failed one writes a line.
 */
class LazyRequestLogger implements RequestLogger {
  #made: RequestLogger | undefined;

  constructor(
    private readonly parent: RequestLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get #logger(): RequestLogger {
    this.#made ??= this.parent.child(this.bindings, this.options);
    return this.#made;
  }

  /** The request has said something (or meant to, below the level) already. */
  get spoke(): boolean {
    return this.#made !== undefined;
  }

  get level(): string {
    return this.#made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.#logger.level = level;
  }

  fatal(...args: LogArgs): void {
    this.#logger.fatal(...args);
  }
  error(...args: LogArgs): void {
    this.#logger.error(...args);
  }
  warn(...args: LogArgs): void {
    this.#logger.warn(...args);
  }
  info(...args: LogArgs): void {
    this.#logger.info(...args);
  }
  debug(...args: LogArgs): void {
    this.#logger.debug(...args);
  }
  trace(...args: LogArgs): void {
    this.#logger.trace(...args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): RequestLogger {
    return this.#logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory` for the bridge: see LazyRequestLogger. */
export function lazyRequestLogger(
  logger: RequestLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): RequestLogger {
  return new LazyRequestLogger(logger, bindings, options);
}

/** Probes answer 503 as their answer (not ready), not as a failure of the request. */
const probes = new Set(["/healthz", "/readyz"]);

/**
 * How loud a request's one line is: an error for a failure (5xx), info for a refusal (4xx)
 * — an operator sees who was turned away —, debug for the rest (pages, assets, probes).
 */
export function requestLogLevel(url: string, statusCode: number): "error" | "info" | "debug" {
  if (statusCode < 400 || probes.has(url.split("?")[0]!)) return "debug";
  return statusCode >= 500 ? "error" : "info";
}

/**
 * The bridge's request lines: one when a request has ended, at `requestLogLevel`, instead of
 * fastify's two ("incoming request", "request completed") at info for each; none for a
 * request that has already said why it was refused or failed (the error handler's line),
 * and none for a webhook — counted in /metrics, its refusals logged, and two lines for each
 * of thousands a second would cost more than the delivery itself. A line below the level
 * does not make the request's logger.
 */
export class RequestLines extends LogController {
  constructor() {
    // Asked with fastify's request or, before routing, the raw one.
    super({ disableRequestLogging: (request) => request.url?.startsWith("/webhooks/") ?? false });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const log = request.log;
    if (log instanceof LazyRequestLogger && log.spoke) return;
    const level = error ? "error" : requestLogLevel(request.url, reply.statusCode);
    if (levels.values[level]! < (levels.values[log.level] ?? Number.POSITIVE_INFINITY)) return;
    log[level](
      {
        req: request,
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime),
        ...(error ? { err: error } : {}),
      },
      `${request.method} ${requestForLog(request).url} ${reply.statusCode}`,
    );
  }
}
