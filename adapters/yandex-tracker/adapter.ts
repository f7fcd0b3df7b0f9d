import type { AdapterFactory, NativeReading, TrackerAdapter, UpdatedPage } from "../../src/domain/adapter.js";
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
import { ChangelogItem, TrackerComment, TrackerIssue } from "./payloads.js";
import { parseTrigger, verifyTriggerSecret } from "./trigger.js";
import { YandexWriter } from "./write-back.js";

/** Changelog pages walked for one ticket (50 entries each); older entries are not needed to decide. */
const maxChangelogPages = 10;

export function createYandexAdapter(
  n: YandexNormaliser,
  client: YandexClient,
  settings: { queues: readonly string[]; bridgeUser: string; webhookSecret?: string; now?: () => number },
): TrackerAdapter {
  const writer = new YandexWriter(client, n);
  const now = settings.now ?? Date.now;
  const issuePath = (key: string) => `/v2/issues/${encodeURIComponent(key)}`;

  async function changelog(key: string): Promise<ChangelogItem[]> {
    const items: ChangelogItem[] = [];
    let after: string | undefined;
    for (let page = 0; page < maxChangelogPages; page++) {
      const res = await client.request<unknown>(`read the changelog of ${key}`, {
        method: "GET",
        url: `${issuePath(key)}/changelog`,
        params: { perPage: 50, ...(after ? { id: after } : {}) },
      });
      const batch = ChangelogItem.array().parse(res.data);
      items.push(...batch);
      if (batch.length < 50) break;
      after = batch.at(-1)!.id;
    }
    return items;
  }

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

    checkCapabilities: (needs) => checkYandexCapabilities(client, n, needs),

    async fetchTicket(ref) {
      const [issue, comments, log] = await Promise.all([
        client.request<unknown>(`read ${ref.id}`, { method: "GET", url: issuePath(ref.id) }),
        client.request<unknown>(`read the comments of ${ref.id}`, {
          method: "GET",
          url: `${issuePath(ref.id)}/comments`,
        }),
        changelog(ref.id),
      ]);
      return ticketFromIssue(
        n,
        TrackerIssue.parse(issue.data),
        TrackerComment.array().parse(comments.data),
        log,
      );
    },

    async fetchFields(ref) {
      const res = await client.request<unknown>(`read ${ref.id}`, { method: "GET", url: issuePath(ref.id) });
      return ticketFromIssue(n, TrackerIssue.parse(res.data));
    },

    applyActions: (ref, actions, { marker, beforeWrite }) =>
      writer.apply(ref.id, actions, marker, beforeWrite),

    /**
     * `POST /v2/issues/_search` with a filter on the queue and `updated` from the cursor,
     * oldest first. The cursor moves to the newest `updatedAt` listed, so every request
     * stays within the first pages and the 10,000-result paging limit is never reached; a
     * full page sharing one timestamp moves on by page number instead.
     */
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

    async *listUpdated({ since, until, projects }) {
      for (const queue of projects ?? settings.queues) {
        for (let page = 1; ; page++) {
          const res = await client.request<unknown>(`list queue ${queue}`, {
            method: "POST",
            url: "/v2/issues/_search",
            params: { perPage: n.options.pageSize, page },
            data: {
              filter: {
                queue,
                updated: { from: toTrackerDate(since), ...(until ? { to: toTrackerDate(until) } : {}) },
              },
              order: "+updated",
            },
          });
          const listed = TrackerIssue.array()
            .parse(res.data)
            .map((issue) => ({
              ref: { tracker: "yandex" as const, instance: n.instance, project: queue, id: issue.key },
              updatedAt: date(issue.updatedAt, "updatedAt"),
            }));
          if (listed.length) yield listed;
          const totalPages = Number(res.headers["x-total-pages"] ?? 1);
          if (page >= totalPages || listed.length < n.options.pageSize) break;
        }
      }
    },

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
        const listed = TrackerIssue.array()
          .parse(res.data)
          .map((issue) => ({
            ref: { tracker: "yandex" as const, instance: n.instance, project: queue, id: issue.key },
            updatedAt: date(issue.updatedAt, "updatedAt"),
          }));
        tickets.push(...listed);
        const totalPages = Number(res.headers["x-total-pages"] ?? 1);
        const more = page < totalPages && listed.length === n.options.pageSize;
        next[queue] = nextWatermark(at, listed.at(-1)?.updatedAt ?? since, more);
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
      },
    );
  },
};
