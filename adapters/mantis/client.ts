import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from "axios";
import type { RecordedRequest } from "../../src/domain/adapter.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import { recorded } from "../support/dry-run.js";
import { keepAliveAgents } from "../support/keep-alive.js";

/**
 * MantisBT's REST API over axios. Authorization is the bare token (released 2.x does not
 * take "Bearer"). Many MantisBT errors carry their text only in the HTTP reason phrase,
 * which Node reads as latin-1: it is decoded back from UTF-8 so a Russian message stays
 * readable. 429 and 5xx are retryable; 412 (a person changed the issue since it was
 * read) is a conflict the pipeline answers by deciding again; 400, 401, 403 and 404 are
 * permanent.
 */
export class MantisClient {
  readonly #http: AxiosInstance;

  constructor(
    private readonly instance: string,
    baseUrl: string,
    token: string,
    timeoutMs: number,
    private readonly dryRun?: (request: RecordedRequest) => void,
  ) {
    this.#http = axios.create({
      baseURL: `${withoutTrailingSlashes(baseUrl)}/api/rest`,
      headers: { authorization: token, "content-type": "application/json" },
      timeout: timeoutMs,
      ...keepAliveAgents(),
    });
  }

  async request<T>(
    what: string,
    config: {
      method: string;
      url: string;
      data?: unknown;
      params?: unknown;
      headers?: Record<string, string>;
    },
  ): Promise<AxiosResponse<T>> {
    if (this.dryRun && config.method.toUpperCase() !== "GET")
      return recorded(this.#http, config, this.dryRun);
    try {
      return await this.#http.request<T>(config);
    } catch (err) {
      throw this.#mapped(`${what} (${config.method} /api/rest${config.url})`, err);
    }
  }

  #mapped(what: string, err: unknown): TrackerRequestError {
    if (isAxiosError(err) && err.response) {
      const { status, statusText, data, headers } = err.response;
      const said = data && typeof data === "object" ? (data as { message?: unknown }).message : undefined;
      const phrase = statusText ? Buffer.from(statusText, "latin1").toString("utf8") : "";
      return new TrackerRequestError({
        instance: this.instance,
        what,
        status,
        reason:
          typeof said === "string" && said
            ? said
            : status === 412
              ? "the issue was changed by someone else meanwhile; it is re-read and decided again"
              : phrase || "error",
        retryable: status === 429 || status >= 500,
        conflict: status === 412,
        retryAfterMs: TrackerRequestError.parseRetryAfter(headers["retry-after"] as string | undefined),
      });
    }
    const reason = isAxiosError(err) && err.code === "ECONNABORTED" ? "timed out" : (err as Error).message;
    return new TrackerRequestError({ instance: this.instance, what, reason, retryable: true });
  }
}
