import type { AdapterFactory, NativeReading, TrackerAdapter, UpdatedPage } from "../../src/domain/adapter.js";
import { creationOf } from "../../src/domain/change.js";
import type { TicketRef } from "../../src/domain/ticket.js";
import { Errors } from "../../src/errors/catalogue.js";
import { accessDenied, TrackerRequestError } from "../../src/errors/tracker-error.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import { parseOrThrow } from "../../src/validation/parse.js";
import { readCursor } from "../support/listing-cursor.js";
import { checkMantisCapabilities } from "./capabilities.js";
import { MantisClient } from "./client.js";
import { type MantisNormaliser, ticketFromIssue } from "./normalise.js";
import { MantisOptions } from "./options.js";
import { IssuesAnswer, ListingAnswer, MantisIssue } from "./payloads.js";
import { parsePluginEvent, pluginSignatureHeader, verifyPluginSignature } from "./plugin-events.js";
import { MantisWriter } from "./write-back.js";

/** How many pages one poll walks at most before it hands back a cursor and goes on next time. */
const maxPagesPerPoll = 20;

export function createMantisAdapter(
  n: MantisNormaliser,
  client: MantisClient,
  settings: { projects: readonly string[]; bridgeUser: string; webhookSecret?: string; now?: () => number },
): TrackerAdapter {
  const writer = new MantisWriter(client, n);
  const now = settings.now ?? Date.now;
  /** One page of a project's listing, newest update first (MantisBT's default order). */
  const listingPage = async (project: string, page: number) =>
    ListingAnswer.parse(
      (
        await client.request<unknown>(`list project ${project}`, {
          method: "GET",
          url: "/issues",
          params: {
            project_id: project,
            page_size: n.options.pageSize,
            page,
            select: "id,project,updated_at",
          },
        })
      ).data,
    ).issues;
  const listedRef = (project: string, id: number): TicketRef => ({
    tracker: "mantis",
    instance: n.instance,
    project,
    id: String(id),
  });
  return {
    kind: "mantis",
    instance: n.instance,
    verifyWebhook: (req) => verifyPluginSignature(n.instance, settings.webhookSecret, req),
    verifyWebhookHeaders: (headers) => pluginSignatureHeader(n.instance, settings.webhookSecret, headers),
    parseWebhook: (req) => parsePluginEvent(n.instance, req),
    isBridgeActor: (actor) => actor.id === settings.bridgeUser,

    async verifyAccess() {
      for (const project of settings.projects) {
        try {
          const res = await client.request<{ projects?: unknown[] }>(`check project ${project}`, {
            method: "GET",
            url: `/projects/${project}`,
          });
          if (!res.data.projects?.length) {
            throw new TrackerRequestError({
              instance: n.instance,
              what: `check project ${project}`,
              status: 404,
              reason: "MantisBT lists no such project",
              retryable: false,
            });
          }
        } catch (err) {
          throw accessDenied(n.instance, project, err);
        }
      }
    },

    checkCapabilities: (needs) => checkMantisCapabilities(client, n.options, settings.bridgeUser, needs),

    async fetchTicket(ref) {
      return ticketFromIssue(n, (await writer.read(ref.id)).issue);
    },

    applyActions: (ref, actions, { marker, beforeWrite }) =>
      writer.apply(ref.id, actions, marker, beforeWrite),

    /**
     * MantisBT has no "updated since" filter: its default listing is newest update first,
     * so each project is walked page by page until an issue older than the cursor (or a
     * short page) shows the rest was seen. Timestamps have one-second resolution, so the
     * cursor's own second is listed again — harmless, the snapshot shows nothing new.
     */
    refFromUrl(url) {
      const base = withoutTrailingSlashes(n.baseUrl ?? "");
      if (!base || !url.startsWith(base) || !URL.canParse(url)) return undefined;
      const page = new URL(url);
      const id = page.pathname.endsWith("/view.php") ? page.searchParams.get("id") : null;
      return id && /^\d+$/.test(id) ? { tracker: "mantis", instance: n.instance, id } : undefined;
    },

    async listOpen(project, limit) {
      // MantisBT's REST listing has no "open" filter: the latest issues, full, and the
      // pipeline keeps those its pack calls open.
      const res = await client.request<unknown>(`list the latest issues of project ${project}`, {
        method: "GET",
        url: "/issues",
        params: { project_id: project, page_size: limit, page: 1 },
      });
      return IssuesAnswer.parse(res.data).issues.map((issue) => ticketFromIssue(n, issue));
    },

    async *listUpdated({ since, until, projects }) {
      const from = Date.parse(since);
      const to = until ? Date.parse(until) : Number.POSITIVE_INFINITY;
      for (const project of projects ?? settings.projects) {
        // Newest update first: pages are walked until an issue older than the window.
        for (let page = 1; ; page++) {
          const issues = await listingPage(project, page);
          const inWindow = issues.filter(
            (i) => Date.parse(i.updated_at) >= from && Date.parse(i.updated_at) < to,
          );
          if (inWindow.length)
            yield inWindow.map((issue) => ({
              ref: listedRef(project, issue.id),
              updatedAt: issue.updated_at,
            }));
          const older = issues.some((i) => Date.parse(i.updated_at) < from);
          if (older || issues.length < n.options.pageSize) break;
        }
      }
    },

    async listUpdatedSince(cursorText): Promise<UpdatedPage> {
      const cursor = readCursor<string>(cursorText);
      const start = new Date(now() - n.options.backfillHours * 3600_000).toISOString();
      const next: Record<string, string> = {};
      const tickets: UpdatedPage["tickets"] = [];
      for (const project of settings.projects) {
        const since = cursor[project] ?? start;
        let newest = since;
        for (let page = 1; page <= maxPagesPerPoll; page++) {
          const issues = await listingPage(project, page);
          const fresh = issues.filter((i) => Date.parse(i.updated_at) >= Date.parse(since));
          for (const issue of fresh) {
            tickets.push({
              ref: listedRef(project, issue.id),
              updatedAt: issue.updated_at,
            });
            if (Date.parse(issue.updated_at) > Date.parse(newest)) newest = issue.updated_at;
          }
          if (fresh.length < issues.length || issues.length < n.options.pageSize) break;
        }
        next[project] = newest;
      }
      return { tickets, cursor: JSON.stringify(next) };
    },
  };
}

function readNative(input: unknown, instance: string, options: Record<string, unknown>): NativeReading {
  const opts = parseOrThrow(MantisOptions, options, "MantisBT options");
  // The answer of GET (`{ issues: [...] }`) or POST (`{ issue }`), or the issue itself.
  const answer = (input && typeof input === "object" ? input : {}) as { issues?: unknown; issue?: unknown };
  const candidate = Array.isArray(answer.issues) ? answer.issues[0] : (answer.issue ?? input);
  if (!candidate || typeof candidate !== "object" || !("id" in candidate)) {
    throw Errors.INPUT_UNREADABLE(
      "MantisBT issue JSON",
      'expected an issue object (an element of the "issues" array of GET /api/rest/issues/{id})',
    );
  }
  const issue = parseOrThrow(MantisIssue, candidate, "MantisBT issue JSON");
  const ticket = ticketFromIssue({ instance, options: opts }, issue);
  return { ticket, change: creationOf(ticket) };
}

export const mantisAdapterFactory: AdapterFactory = {
  kind: "mantis",
  optionsSchema: MantisOptions,
  readNative,
  create(instance, config, deps) {
    const options = parseOrThrow(MantisOptions, config.options, `trackers.${instance}.options`);
    const n: MantisNormaliser = { instance, baseUrl: config.baseUrl, options };
    return createMantisAdapter(
      n,
      new MantisClient(instance, config.baseUrl, config.token, options.requestTimeoutMs, deps.dryRun),
      {
        projects: Object.keys(config.projects),
        bridgeUser: config.bridgeUser,
        ...(config.webhookSecret ? { webhookSecret: config.webhookSecret } : {}),
      },
    );
  },
};
