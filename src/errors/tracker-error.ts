import { Errors, ExitCode, ReglamentError } from "./catalogue.js";

/**
 * A tracker API call that failed. Adapters map HTTP outcomes onto it: 429 and 5xx (and
 * network errors) are retryable, with the tracker's Retry-After when it sent one; other
 * 4xx are permanent and go to the dead-letter set with this message.
 */
export class TrackerRequestError extends ReglamentError {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly conflict: boolean;
  /** The tracker's own words, without the instance and the request: what a person is shown. */
  readonly reason: string;

  constructor(options: {
    instance: string;
    what: string;
    status?: number;
    reason: string;
    retryable: boolean;
    retryAfterMs?: number;
    /** The ticket changed since it was read (a version or ETag mismatch): decide again instead of writing. */
    conflict?: boolean;
  }) {
    super(
      {
        code: options.retryable ? "REG_TRACKER_UNAVAILABLE" : "REG_TRACKER_REFUSED",
        exitCode: options.retryable ? ExitCode.unavailable : ExitCode.badInput,
        httpStatus: 502,
        retryable: options.retryable,
      },
      `${options.instance}: ${options.what} failed${options.status ? ` with HTTP ${options.status}` : ""}: ${options.reason}`,
    );
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.conflict = options.conflict ?? false;
    this.reason = options.reason;
  }

  /** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
  static parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
    if (!value) return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
  }
}

/**
 * A start-up probe's failure, as the person who configured the instance needs it: a
 * definite refusal (401, 403, 404) becomes REG_TRACKER_ACCESS_DENIED naming the project
 * and what to fix; anything retryable is passed on as it is.
 */
export function accessDenied(instance: string, project: string, err: unknown): unknown {
  if (!(err instanceof TrackerRequestError) || err.retryable) return err;
  const fix =
    err.status === 401
      ? `the tracker refuses the token (${err.message}); check trackers.${instance}.token`
      : `project "${project}" does not exist or the bridge's account cannot see it (${err.message}); fix trackers.${instance}.projects or the account's access`;
  return Errors.TRACKER_ACCESS_DENIED(instance, fix);
}
