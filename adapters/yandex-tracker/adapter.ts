import type { Logger } from "pino";
import type {
  AdapterFactory,
  NativeReading,
  TrackerAdapter,
  UpdatedPage,
  UpdatedTicket,
} from "../../src/domain/adapter.js";
import { creationOf } from "../../src/domain/change.js";
import { Errors } from "../../src/errors/catalogue.js";
import { accessDenied } from "../../src/errors/tracker-error.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import { parseOrThrow } from "../../src/validation/parse.js";
import { nextWatermark, readCursor, type Watermark } from "../support/listing-cursor.js";
import { checkYandexCapabilities } from "./capabilities.js";
import { YandexClient } from "./client.js";
import { toTrackerDate } from "./dates.js";
import { date, ticketFromIssue, type YandexNormaliser } from "./normalise.js";
import { YandexOptions } from "./options.js";
import { readChangelog, readComments } from "./paging.js";
import { TrackerIssue } from "./payloads.js";
import { PAGED_RESULT_LIMIT, scrollSearch } from "./scroll.js";
import { parseTrigger, verifyTriggerSecret } from "./trigger.js";
import { YandexWriter } from "./write-back.js";

export function createYandexAdapter(
  n: YandexNormaliser,
  client: YandexClient,
  settings: {
    queues: readonly string[];
    bridgeUser: string;
    webhookSecret?: string;
    now?: () => number;
    logger?: Pick<Logger, "info" | "warn">;
  },
): TrackerAdapter {
  const writer = new YandexWriter(client, n);
  const now = settings.now ?? Date.now;
  const issuePath = (key: string) => `/v2/issues/${encodeURIComponent(key)}`;
  const listed = (queue: string, data: unknown): UpdatedTicket[] =>
    TrackerIssue.array()
      .parse(data)
      .map((issue) => ({
        ref: { tracker: "yandex" as const, instance: n.instance, project: queue, id: issue.key },
        updatedAt: date(issue.updatedAt, "updatedAt"),
      }));

  return {
    kind: "yandex",
    instance: n.instance,
    verifyWebhook: (req) =>
      verifyTriggerSecret(n.instance, settings.webhookSecret, n.options.secretHeader, req),
    // The secret is all there is to check, and it is a header (or Basic auth).
    verifyWebhookHeaders: (headers) =>
      verifyTriggerSecret(n.instance, settings.webhookSecret, n.options.secretHeader, {
        headers,
        rawBody: Buffer.alloc(0),
      }),
    parseWebhook: (req) => parseTrigger(n.instance, req),
    isBridgeActor: (actor) => actor.id === settings.bridgeUser,

    async verifyAccess() {
      for (const queue of settings.queues) {
        try {
          await client.request(`check queue ${queue}`, {
            method: "GET",
            url: `/v2/queues/${encodeURIComponent(queue)}`,
          });
        } catch (err) {
          throw accessDenied(n.instance, queue, err);
        }
      }
    },

    checkCapabilities: (needs) =>
      checkYandexCapabilities(client, n, needs, {
        bridgeUser: settings.bridgeUser,
        ...(settings.logger ? { logger: settings.logger } : {}),
      }),

    async fetchTicket(ref) {
      const [issue, comments, log] = await Promise.all([
        client.request<unknown>(`read ${ref.id}`, { method: "GET", url: issuePath(ref.id) }),
        readComments(client, n, ref.id),
        readChangelog(client, n, ref.id, settings.logger),
      ]);
      return ticketFromIssue(n, TrackerIssue.parse(issue.data), comments, log);
    },

    async fetchFields(ref) {
      const res = await client.request<unknown>(`read ${ref.id}`, { method: "GET", url: issuePath(ref.id) });
      return ticketFromIssue(n, TrackerIssue.parse(res.data));
    },

    applyActions: (ref, actions, { marker, beforeWrite }) =>
      writer.apply(ref.id, actions, marker, beforeWrite),

    refFromUrl(url) {
      const base = withoutTrailingSlashes(n.options.webUrl);
      const m = url.startsWith(base) ? /^\/([A-Z][A-Z0-9]*)-(\d+)\b/.exec(url.slice(base.length)) : null;
      return m
        ? { tracker: "yandex", instance: n.instance, project: m[1]!, id: `${m[1]}-${m[2]}` }
        : undefined;
    },

    async listOpen(queue, limit) {
      const res = await client.request<unknown>(`list the open issues of queue ${queue}`, {
        method: "POST",
        url: "/v2/issues/_search",
        params: { perPage: Math.min(limit, 100), page: 1 },
        data: { query: `Queue: ${queue} Resolution: empty() "Sort by": Updated DESC` },
      });
      return TrackerIssue.array()
        .parse(res.data)
        .map((issue) => ticketFromIssue(n, issue));
    },

    /**
     * Page by page while the window holds at most 10,000 issues (X-Total-Count on the
     * first page); past that, paged output would stop short, so the queue is scrolled
     * instead (scroll.ts), in the same order.
     */
    async *listUpdated({ since, until, projects }) {
      for (const queue of projects ?? settings.queues) {
        const body = {
          filter: {
            queue,
            updated: { from: toTrackerDate(since), ...(until ? { to: toTrackerDate(until) } : {}) },
          },
          order: "+updated",
        };
        for (let page = 1; ; page++) {
          const res = await client.request<unknown>(`list queue ${queue}`, {
            method: "POST",
            url: "/v2/issues/_search",
            params: { perPage: n.options.pageSize, page },
            data: body,
          });
          if (page === 1 && Number(res.headers["x-total-count"] ?? 0) > PAGED_RESULT_LIMIT) {
            for await (const batch of scrollSearch(client, `scroll queue ${queue}`, body, n.options.pageSize))
              yield listed(queue, batch);
            break;
          }
          const tickets = listed(queue, res.data);
          if (tickets.length) yield tickets;
          const totalPages = Number(res.headers["x-total-pages"] ?? 1);
          if (page >= totalPages || tickets.length < n.options.pageSize) break;
        }
      }
    },

    /**
     * `POST /v2/issues/_search` with a filter on the queue and `updated` from the cursor,
     * oldest first. The cursor moves to the newest `updatedAt` listed, so every request
     * stays within the first pages and the 10,000-result paging limit is never reached; a
     * full page sharing one timestamp moves on by page number instead.
     */
    async listUpdatedSince(cursorText): Promise<UpdatedPage> {
      const cursor = readCursor<Watermark>(cursorText);
      const start = new Date(now() - n.options.backfillHours * 3600_000).toISOString();
      const next: Record<string, Watermark> = {};
      const tickets: UpdatedPage["tickets"] = [];
      for (const queue of settings.queues) {
        const at = cursor[queue] ?? { since: start, page: 1 };
        const { since, page } = at;
        const res = await client.request<unknown>(`list queue ${queue}`, {
          method: "POST",
          url: "/v2/issues/_search",
          params: { perPage: n.options.pageSize, page },
          data: { filter: { queue, updated: { from: toTrackerDate(since) } }, order: "+updated" },
        });
        const page1 = listed(queue, res.data);
        tickets.push(...page1);
        const totalPages = Number(res.headers["x-total-pages"] ?? 1);
        const more = page < totalPages && page1.length === n.options.pageSize;
        next[queue] = nextWatermark(at, page1.at(-1)?.updatedAt ?? since, more);
      }
      return { tickets, cursor: JSON.stringify(next) };
    },
  };
}

function readNative(input: unknown, instance: string, options: Record<string, unknown>): NativeReading {
  // Reading a file calls no API, so the organisation is not needed.
  const org = "orgId" in options || "cloudOrgId" in options ? {} : { orgId: "none" };
  const opts = parseOrThrow(YandexOptions, { ...org, ...options }, "Yandex Tracker options");
  if (!input || typeof input !== "object" || !("key" in input)) {
    throw Errors.INPUT_UNREADABLE(
      "Yandex Tracker issue JSON",
      "expected an issue as GET /v2/issues/{key} returns it",
    );
  }
  const issue = parseOrThrow(TrackerIssue, input, "Yandex Tracker issue JSON");
  let ticket: ReturnType<typeof ticketFromIssue>;
  try {
    ticket = ticketFromIssue({ instance, options: opts }, issue);
  } catch (err) {
    throw Errors.INPUT_UNREADABLE("Yandex Tracker issue JSON", (err as Error).message);
  }
  return { ticket, change: creationOf(ticket) };
}

export const yandexAdapterFactory: AdapterFactory = {
  kind: "yandex",
  optionsSchema: YandexOptions,
  readNative,
  create(instance, config, deps) {
    const options = parseOrThrow(YandexOptions, config.options, `trackers.${instance}.options`);
    return createYandexAdapter(
      { instance, options },
      new YandexClient(instance, config.baseUrl, config.token, options, deps.dryRun),
      {
        queues: Object.keys(config.projects),
        bridgeUser: config.bridgeUser,
        ...(config.webhookSecret ? { webhookSecret: config.webhookSecret } : {}),
        logger: deps.logger,
      },
    );
  },
};
