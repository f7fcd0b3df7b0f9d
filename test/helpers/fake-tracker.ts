import { timingSafeEqual } from "node:crypto";
import axios, { type AxiosInstance, isAxiosError } from "axios";
import { z } from "zod";
import { keepAliveAgents } from "../../adapters/support/keep-alive.js";
import { configSchema } from "../../src/config/schema.js";
import type { AdapterFactory, TrackerAdapter, WebhookRequest } from "../../src/domain/adapter.js";
import { Change } from "../../src/domain/change.js";
import { Ticket } from "../../src/domain/ticket.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import { Errors } from "../../src/errors/catalogue.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { testServerAuth } from "./auth.js";

/**
 * A test double of a tracker adapter speaking a small JSON API over real HTTP (answered
 * by nock in tests), so the pipeline is exercised through the adapter port exactly as a
 * real adapter would be: verify, parse, fetch, apply, list.
 *   GET /issues/:id · PATCH /issues/:id · POST /issues/:id/comments · GET /issues?since=
 * Webhook: header x-test-token, body { delivery, issue, change }.
 */
export interface FakeIssue {
  id: string;
  project: string;
  title: string;
  description?: string;
  type?: string;
  impact?: string;
  priority?: string;
  status: string;
  labels?: string[];
  reporter: string;
  assignee?: string;
  created_at: string;
  updated_at?: string;
  comments?: { id: string; author: string; body: string; created_at: string }[];
}

/**
 * An issue of the fake tracker that breaks the Sevastopol matrix (block impact with normal
 * priority), reported by a line-1 user and assigned to the head of line 2.
 */
export function fakeIssue(over: Partial<FakeIssue> = {}): FakeIssue {
  return {
    id: "101",
    project: "support",
    title: "Не открывается ЭМК",
    description: "Ошибка 500 при открытии карты",
    type: "ЭМК",
    impact: "block",
    priority: "normal",
    status: "new",
    reporter: "ivanov",
    assignee: "petrova",
    created_at: "2026-03-02T09:00:00+03:00",
    comments: [],
    ...over,
  };
}

function toTicket(instance: string, issue: FakeIssue): Ticket {
  return Ticket.parse({
    ref: { tracker: "gitlab", instance, project: issue.project, id: issue.id },
    title: issue.title,
    description: issue.description ?? "",
    type: issue.type,
    impact: issue.impact,
    priority: issue.priority,
    status: issue.status,
    labels: issue.labels ?? [],
    reporter: { id: issue.reporter },
    assignee: issue.assignee ? { id: issue.assignee } : undefined,
    createdAt: issue.created_at,
    updatedAt: issue.updated_at,
    comments: (issue.comments ?? []).map((c) => ({
      id: c.id,
      author: { id: c.author },
      body: c.body,
      createdAt: c.created_at,
    })),
  });
}

function fail(instance: string, what: string, err: unknown): never {
  if (isAxiosError(err) && err.response) {
    const status = err.response.status;
    throw new TrackerRequestError({
      instance,
      what,
      status,
      reason: err.response.statusText || "error",
      retryable: status === 429 || status >= 500,
      retryAfterMs: TrackerRequestError.parseRetryAfter(
        err.response.headers["retry-after"] as string | undefined,
      ),
    });
  }
  throw new TrackerRequestError({ instance, what, reason: (err as Error).message, retryable: true });
}

export const fakeTrackerFactory: AdapterFactory = {
  kind: "gitlab",
  optionsSchema: z.strictObject({}),
  readNative(input, instance) {
    const body = input as { issue: FakeIssue; change: unknown };
    return { ticket: toTicket(instance, body.issue), change: Change.parse(body.change) };
  },
  create(instance, config): TrackerAdapter {
    const http: AxiosInstance = axios.create({
      baseURL: config.baseUrl,
      headers: { authorization: `Bearer ${config.token}` },
      ...keepAliveAgents(),
    });
    const call = async <T>(what: string, run: () => Promise<{ data: T }>) => {
      try {
        return (await run()).data;
      } catch (err) {
        return fail(instance, what, err);
      }
    };
    return {
      kind: "gitlab",
      instance,
      async verifyAccess() {},
      verifyWebhook(req: WebhookRequest) {
        const given = Buffer.from(String(req.headers["x-test-token"] ?? ""));
        const secret = Buffer.from(config.webhookSecret ?? "");
        if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
          throw Errors.WEBHOOK_UNAUTHORIZED(
            instance,
            "the x-test-token header does not match the configured webhookSecret",
          );
        }
      },
      // Its secret is a header, as GitLab's is: checked before the body is read.
      verifyWebhookHeaders(headers: WebhookRequest["headers"]) {
        this.verifyWebhook({ headers, rawBody: Buffer.alloc(0) });
      },
      parseWebhook(req) {
        let body: { delivery?: string; issue?: FakeIssue; change?: unknown; kind?: string };
        try {
          body = JSON.parse(req.rawBody.toString("utf8"));
        } catch (err) {
          throw Errors.WEBHOOK_INVALID(instance, `the body is not JSON (${(err as Error).message})`);
        }
        if (body.kind === "ping") return { handled: false, reason: "ping event" };
        if (!body.delivery || !body.issue || !body.change)
          throw Errors.WEBHOOK_INVALID(instance, "expected delivery, issue and change");
        const ticket = toTicket(instance, body.issue);
        return {
          handled: true,
          events: [{ deliveryId: body.delivery, ref: ticket.ref, change: Change.parse(body.change), ticket }],
        };
      },
      async fetchTicket(ref) {
        return toTicket(instance, await call<FakeIssue>("get issue", () => http.get(`/issues/${ref.id}`)));
      },
      async applyActions(ref, actions, { marker, beforeWrite = async () => {} }) {
        const issue = await call<FakeIssue>("get issue", () => http.get(`/issues/${ref.id}`));
        const patch: Record<string, unknown> = {};
        const applied = [];
        const skipped = [];
        const comments: Extract<(typeof actions)[number], { type: "comment" }>[] = [];
        for (const a of actions) {
          if (a.type === "comment") comments.push(a);
          else {
            if (a.type === "setField") patch[a.field] = a.value;
            if (a.type === "transition") patch.status = a.status;
            if (a.type === "assign") patch.assignee = a.to;
            if (a.type === "addLabel")
              patch.labels_add = [...((patch.labels_add as string[]) ?? []), a.label];
            if (a.type === "removeLabel")
              patch.labels_remove = [...((patch.labels_remove as string[]) ?? []), a.label];
            applied.push(a);
          }
        }
        if (Object.keys(patch).length) {
          await beforeWrite();
          await call("update issue", () => http.patch(`/issues/${ref.id}`, patch));
        }
        for (const a of comments) {
          const tag = `<!-- ${a.key ?? marker} -->`;
          if ((issue.comments ?? []).some((c) => c.body.includes(tag))) {
            skipped.push(a);
            continue;
          }
          await beforeWrite();
          await call("add comment", () =>
            http.post(`/issues/${ref.id}/comments`, { body: `${a.body}\n\n${tag}` }),
          );
          applied.push(a);
        }
        return { applied, skipped };
      },
      refFromUrl: () => undefined,
      async listOpen(project, limit) {
        const page = await call<{ issues: FakeIssue[] }>("list open issues", () =>
          http.get("/issues", { params: { state: "open", project, limit } }),
        );
        return page.issues.map((i) => toTicket(instance, i));
      },
      async *listUpdated({ since, until }) {
        const page = await call<{ issues: FakeIssue[] }>("list issues", () =>
          http.get("/issues", { params: { since } }),
        );
        const listed = page.issues
          .map((i) => ({ ref: toTicket(instance, i).ref, updatedAt: i.updated_at ?? i.created_at }))
          .filter((t) => !until || t.updatedAt < until);
        if (listed.length) yield listed;
      },
      async listUpdatedSince(cursor) {
        const page = await call<{ issues: FakeIssue[]; next: string }>("list issues", () =>
          http.get("/issues", { params: { since: cursor ?? "" } }),
        );
        return {
          tickets: page.issues.map((i) => ({
            ref: toTicket(instance, i).ref,
            updatedAt: i.updated_at ?? i.created_at,
          })),
          cursor: page.next,
        };
      },
      isBridgeActor: (actor) => actor.id === config.bridgeUser,
    };
  },
};

/**
 * A validated configuration with one fake-tracker instance "shop" at `baseUrl`, its
 * project "support" under the Sevastopol pack (head of line 2: petrova; ivanov on line 1).
 */
export function fakeTrackerConfig(
  baseUrl: string,
  prefix: string,
  k: {
    mode?: "enforce" | "dry-run";
    server?: Record<string, unknown>;
    retry?: Record<string, number>;
    writesPerSecond?: number;
    rules?: Record<string, unknown>;
    alerts?: Record<string, unknown>;
    history?: Record<string, unknown>;
  } = {},
) {
  return configSchema(listPackIds()).parse({
    // The history's own tests turn it on, with a database of their own.
    history: k.history ?? { enabled: false },
    server: { port: 0, logLevel: "silent", auth: testServerAuth, ...k.server },
    redis: { keyPrefix: prefix },
    pipeline: { partitions: 2, retry: { backoffMs: 200, ...k.retry } },
    trackers: {
      shop: {
        kind: "gitlab",
        baseUrl,
        token: "t",
        webhookSecret: "s3cret",
        bridgeUser: "reglament-bot",
        reconcileIntervalSeconds: 3600,
        ...(k.writesPerSecond ? { writesPerSecond: k.writesPerSecond } : {}),
        projects: { support: { pack: "sevastopol-miac" } },
      },
    },
    actors: { shop: { ivanov: { role: "line1", line: 1 }, petrova: { role: "head_of_line2", line: 2 } } },
    packs: {
      "sevastopol-miac": {
        mode: k.mode ?? "enforce",
        params: { headOfLine2: "petrova" },
        rules: k.rules ?? {},
      },
    },
    ...(k.alerts ? { alerts: k.alerts } : {}),
  });
}
