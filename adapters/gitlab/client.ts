import { createRequesterFn, type RequestHandlerFn } from "@gitbeaker/requester-utils";
import {
  IssueLabelEvents,
  IssueLinks,
  IssueNotes,
  Issues,
  ProjectHooks,
  ProjectMembers,
  Projects,
  Users,
} from "@gitbeaker/rest";
import type { RecordedRequest } from "../../src/domain/adapter.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";

/**
 * The GitLab REST client: @gitbeaker/rest's resources over a request handler of our own
 * that makes exactly one attempt. gitbeaker's default handler retries 429 and 502 ten
 * times without reading Retry-After, so a retried note POST could post a comment twice
 * and a rate limit would be hammered; here every failure becomes a TrackerRequestError
 * (429/5xx and network errors retryable, with Retry-After; other 4xx permanent) and the
 * pipeline's write-back queue owns retries, backoff and the dead-letter set.
 */
export interface GitlabApi {
  issues: InstanceType<typeof Issues<false>>;
  notes: InstanceType<typeof IssueNotes<false>>;
  labelEvents: InstanceType<typeof IssueLabelEvents<false>>;
  links: InstanceType<typeof IssueLinks<false>>;
  users: InstanceType<typeof Users<false>>;
  projects: InstanceType<typeof Projects<false>>;
  hooks: InstanceType<typeof ProjectHooks<false>>;
  members: InstanceType<typeof ProjectMembers<false>>;
}

async function body(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  if (type === "application/json") return (await response.json()) ?? {};
  return await response.text();
}

function failureReason(response: Response, content: unknown): string {
  if (content && typeof content === "object") {
    const c = content as Record<string, unknown>;
    const said = c.message ?? c.error;
    if (said !== undefined) return typeof said === "string" ? said : JSON.stringify(said);
  }
  if (typeof content === "string" && content.trim()) return content.trim().slice(0, 300);
  return response.statusText || "error";
}

function singleAttempt(instance: string, dryRun?: (request: RecordedRequest) => void): RequestHandlerFn {
  return async (endpoint, options = {}) => {
    const {
      prefixUrl,
      searchParams,
      method,
      headers,
      body: payload,
      signal,
    } = options as {
      prefixUrl: string;
      searchParams?: string;
      method: string;
      headers?: Record<string, string>;
      body?: string;
      signal?: AbortSignal;
    };
    const url = new URL(endpoint, prefixUrl.endsWith("/") ? prefixUrl : `${prefixUrl}/`);
    url.search = searchParams ?? "";
    const what = `${method} /${endpoint}`;
    if (dryRun && method.toUpperCase() !== "GET") {
      dryRun({
        method: method.toUpperCase(),
        url: url.toString(),
        ...(payload !== undefined ? { body: JSON.parse(payload) as unknown } : {}),
      });
      // A created issue is linked next: it is answered as issue 0 of project 0.
      return { body: { id: 0, iid: 0, project_id: 0, title: "" } as never, headers: {}, status: 201 };
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: payload, signal });
    } catch (err) {
      const e = err as Error;
      // undici says only "fetch failed"; the cause names the network problem (ENOTFOUND, ECONNREFUSED…).
      const cause = (e as Error & { cause?: Error }).cause;
      const reason =
        e.name === "TimeoutError" || e.name === "AbortError"
          ? "timed out"
          : cause?.message
            ? `${e.message}: ${cause.message}`
            : e.message;
      throw new TrackerRequestError({ instance, what, reason, retryable: true });
    }
    const content = await body(response);
    if (response.ok) {
      return {
        body: content as never,
        headers: Object.fromEntries(response.headers.entries()),
        status: response.status,
      };
    }
    const status = response.status;
    throw new TrackerRequestError({
      instance,
      what,
      status,
      reason: failureReason(response, content),
      retryable: status === 429 || status >= 500,
      retryAfterMs: TrackerRequestError.parseRetryAfter(response.headers.get("retry-after") ?? undefined),
    });
  };
}

export function gitlabApi(
  instance: string,
  baseUrl: string,
  token: string,
  timeoutMs: number,
  dryRun?: (request: RecordedRequest) => void,
): GitlabApi {
  const options = {
    host: withoutTrailingSlashes(baseUrl),
    token,
    queryTimeout: timeoutMs,
    requesterFn: createRequesterFn(async (_resource, request) => request, singleAttempt(instance, dryRun)),
  };
  return {
    issues: new Issues(options),
    notes: new IssueNotes(options),
    labelEvents: new IssueLabelEvents(options),
    links: new IssueLinks(options),
    users: new Users(options),
    projects: new Projects(options),
    hooks: new ProjectHooks(options),
    members: new ProjectMembers(options),
  };
}
