import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from "axios";
import type { RecordedRequest } from "../../src/domain/adapter.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import { recorded } from "../support/dry-run.js";
import { keepAliveAgents } from "../support/keep-alive.js";
import type { YandexOptions } from "./options.js";

/**
 * The Yandex Tracker API over axios: `Authorization: OAuth <token>` (or `Bearer` with an
 * IAM token), the organisation header, JSON. Errors carry `errorMessages` and per-field
 * `errors`; 429 and 5xx are retryable, 409 and 412 (both documented as "a conflict when
 * editing the object … an invalid update version", answer-error-409/412) are a conflict
 * the pipeline answers by deciding again, other 4xx are permanent.
 */
export class YandexClient {
  readonly #http: AxiosInstance;

  constructor(
    private readonly instance: string,
    baseUrl: string,
    token: string,
    options: YandexOptions,
    private readonly dryRun?: (request: RecordedRequest) => void,
  ) {
    this.#http = axios.create({
      baseURL: withoutTrailingSlashes(baseUrl),
      headers: {
        authorization: `${options.authScheme} ${token}`,
        "content-type": "application/json",
        ...(options.orgId ? { "x-org-id": options.orgId } : {}),
        ...(options.cloudOrgId ? { "x-cloud-org-id": options.cloudOrgId } : {}),
      },
      timeout: options.requestTimeoutMs,
      ...keepAliveAgents(),
    });
  }

  async request<T>(
    what: string,
    config: { method: string; url: string; data?: unknown; params?: unknown },
  ): Promise<AxiosResponse<T>> {
    // `_search` is a read sent as POST.
    if (this.dryRun && config.method.toUpperCase() !== "GET" && !config.url.endsWith("/_search"))
      return recorded(this.#http, config, this.dryRun);
    try {
      return await this.#http.request<T>(config);
    } catch (err) {
      throw this.#mapped(`${what} (${config.method} ${config.url})`, err);
    }
  }

  #mapped(what: string, err: unknown): TrackerRequestError {
    if (isAxiosError(err) && err.response) {
      const { status, statusText, data, headers } = err.response;
      const body = (data && typeof data === "object" ? data : {}) as {
        errorMessages?: unknown;
        errors?: Record<string, unknown>;
      };
      const said = [
        ...(Array.isArray(body.errorMessages) ? body.errorMessages.map(String) : []),
        ...Object.entries(body.errors ?? {}).map(([field, message]) => `${field}: ${String(message)}`),
      ].join("; ");
      return new YandexRequestError(
        {
          instance: this.instance,
          what,
          status,
          reason: said || statusText || "error",
          retryable: status === 429 || status >= 500,
          conflict: status === 409 || status === 412,
          retryAfterMs: TrackerRequestError.parseRetryAfter(headers["retry-after"] as string | undefined),
        },
        Object.fromEntries(
          Object.entries(body.errors ?? {}).map(([field, message]) => [field, String(message)]),
        ),
      );
    }
    const reason = isAxiosError(err) && err.code === "ECONNABORTED" ? "timed out" : (err as Error).message;
    return new TrackerRequestError({ instance: this.instance, what, reason, retryable: true });
  }
}

/** A refusal with the per-field `errors` the API sent (`{"errors": {"resolution": "…"}}`), by field id. */
export class YandexRequestError extends TrackerRequestError {
  constructor(
    options: ConstructorParameters<typeof TrackerRequestError>[0],
    readonly fieldErrors: Readonly<Record<string, string>> = {},
  ) {
    super(options);
  }
}
