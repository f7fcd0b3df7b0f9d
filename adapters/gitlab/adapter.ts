import type { Logger } from "pino";
import type { AdapterFactory, NativeReading, TrackerAdapter, UpdatedPage } from "../../src/domain/adapter.js";
import type { TicketRef } from "../../src/domain/ticket.js";
import { Errors } from "../../src/errors/catalogue.js";
import { accessDenied, TrackerRequestError } from "../../src/errors/tracker-error.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import { parseOrThrow } from "../../src/validation/parse.js";
import { nextWatermark, readCursor, type Watermark } from "../support/listing-cursor.js";
import { checkGitlabCapabilities } from "./capabilities.js";
import { type GitlabApi, gitlabApi } from "./client.js";
import { linkedTickets } from "./links.js";
import { Membership, ProjectAnswer } from "./membership.js";
import {
  changeFromIssueHook,
  changeFromNoteHook,
  createNormaliser,
  type Normaliser,
  splitTicketId,
  ticketFromIssueHook,
  ticketFromNoteHook,
  ticketFromRest,
} from "./normalise.js";
import { GitlabOptions } from "./options.js";
import { IssueHook, NoteHook, RestIssue, RestLabelEvent, RestNote } from "./payloads.js";
import { ProjectTiers } from "./tier.js";
import { parseGitlabWebhook, verifyGitlabToken } from "./webhook.js";
import { stoppedHooks, WebhookWatch } from "./webhook-watch.js";
import { GitlabWriter } from "./write-back.js";

/** The project path in a GitLab ticket's full reference, ready for the REST API. */
function locate(instance: string, ref: TicketRef): { project: string; iid: number } {
  const where = splitTicketId(ref.id);
  if (!where) {
    throw new TrackerRequestError({
      instance,
      what: `find ticket "${ref.id}"`,
      reason: 'a GitLab ticket id is its full reference, "group/project#iid"',
      retryable: false,
    });
  }
  return where;
}

export function createGitlabAdapter(
  n: Normaliser,
  api: GitlabApi,
  settings: {
    projects: readonly string[];
    bridgeUser: string;
    webhookSecret?: string;
    reconcileIntervalSeconds?: number;
    /** Where people open issues, to read a pasted link. */
    baseUrl?: string;
    now?: () => number;
    logger?: Logger;
  },
): TrackerAdapter {
  const now = settings.now ?? Date.now;
  const reconcileSeconds = settings.reconcileIntervalSeconds ?? 60;
  const tiers = new ProjectTiers(api, n.options.tier);
  const membership = new Membership(api);
  const writer = new GitlabWriter(api, n, tiers);
  const watch = new WebhookWatch({
    now,
    everyMs: n.options.webhookCheckMinutes * 60_000,
    floorMs: reconcileSeconds * 1000,
  });
  const log = settings.logger;
  n.onMoved ??= (m) =>
    log?.warn(
      { instance: n.instance, project: m.key, gitlabProjectId: m.id, from: m.from, to: m.to },
      movedMessage(n.instance, m),
    );
  const adapter: TrackerAdapter = {
    kind: "gitlab",
    instance: n.instance,
    verifyWebhook: (req) => verifyGitlabToken(n.instance, settings.webhookSecret, req),
    // The token is all there is to check, and it is a header.
    verifyWebhookHeaders: (headers) =>
      verifyGitlabToken(n.instance, settings.webhookSecret, { headers, rawBody: Buffer.alloc(0) }),
    parseWebhook: (req) => {
      const parsed = parseGitlabWebhook(n, req);
      if (parsed.handled) for (const e of parsed.events) watch.announced(e.ref.id);
      return parsed;
    },
    isBridgeActor: (actor) => actor.id === settings.bridgeUser,

    async verifyAccess() {
      for (const project of settings.projects) {
        let info: ProjectAnswer;
        try {
          info = ProjectAnswer.parse(await api.projects.show(project));
        } catch (err) {
          throw accessDenied(n.instance, project, err);
        }
        const path = info.path_with_namespace;
        if (!/^\d+$/.test(project) && project.toLowerCase() !== path.toLowerCase()) {
          n.onMoved?.({ key: project, id: info.id, from: project, to: path });
        }
        n.configured.set(info.id, { key: project, path });
        n.paths.set(info.id, path);
        // A public or internal project shows itself to anyone; writing needs membership.
        if ((await membership.role(project, info)) === 0) {
          const me = await membership.me();
          throw Errors.TRACKER_ACCESS_DENIED(
            n.instance,
            `the bridge's user "${me.username}" is not a member of project "${path}" (trackers.${n.instance}.projects: "${project}"): GitLab shows it the ${info.visibility ?? "public or internal"} project, but refuses its labels, assignments, state changes and notes (403); add the user to the project or its group (Project → Manage → Members) with the Reporter role or above`,
          );
        }
      }
    },

    checkCapabilities: (needs) =>
      checkGitlabCapabilities(
        api,
        {
          instance: n.instance,
          internalNotes: n.options.internalNotes,
          reconcileIntervalSeconds: reconcileSeconds,
          membership,
          tiers,
          onTier: (project, path, reading) =>
            log?.info(
              { instance: n.instance, project, tier: reading.tier },
              `GitLab project ${path}: ${reading.tier === "premium" ? "Premium features (scoped labels exclusive, several assignees, blocking links)" : "Free features (scoped labels not exclusive, one assignee, no blocking links)"}, ${reading.evidence === "options.tier" ? "as options.tier says" : `read from ${reading.evidence}; options.tier overrides it`}`,
            ),
        },
        needs,
      ),

    async fetchTicket(ref) {
      const { project, iid } = locate(n.instance, ref);
      const [issue, notes, events] = await Promise.all([
        api.issues.show(iid, { projectId: project }),
        api.notes.all(project, iid, { sort: "asc", orderBy: "created_at", perPage: 100, maxPages: 20 }),
        api.labelEvents.all(project, iid, { perPage: 100, maxPages: 20 }),
      ]);
      return ticketFromRest(
        n,
        RestIssue.parse(issue),
        project,
        RestNote.array().parse(notes),
        RestLabelEvent.array().parse(events),
      );
    },

    async listLinks(ref) {
      const { project, iid } = locate(n.instance, ref);
      return linkedTickets(api, n, project, iid, (url) => adapter.refFromUrl(url));
    },

    async fetchFields(ref) {
      const { project, iid } = locate(n.instance, ref);
      return ticketFromRest(n, RestIssue.parse(await api.issues.show(iid, { projectId: project })), project);
    },

    async applyActions(ref, actions, { marker, beforeWrite }) {
      const { project, iid } = locate(n.instance, ref);
      return writer.apply(project, iid, actions, marker, beforeWrite);
    },

    refFromUrl(url) {
      const base = withoutTrailingSlashes(settings.baseUrl ?? "");
      const m = url.startsWith(base)
        ? /^\/(.+?)\/-\/(?:issues|work_items)\/(\d+)/.exec(url.slice(base.length))
        : null;
      return m
        ? { tracker: "gitlab", instance: n.instance, project: m[1]!, id: `${m[1]}#${m[2]}` }
        : undefined;
    },

    async listOpen(project, limit) {
      const raw = await api.issues.all({
        projectId: project,
        state: "opened",
        orderBy: "updated_at",
        sort: "desc",
        perPage: Math.min(limit, 100),
        page: 1,
      });
      return RestIssue.array()
        .parse(raw)
        .map((issue) => ticketFromRest(n, issue, issue.references?.full?.split("#")[0] ?? project));
    },

    async *listUpdated({ since, until, projects }) {
      for (const project of projects ?? settings.projects) {
        for (let page = 1; ; page++) {
          const raw = await api.issues.all({
            projectId: project,
            updatedAfter: since,
            ...(until ? { updatedBefore: until } : {}),
            orderBy: "updated_at",
            sort: "asc",
            perPage: n.options.pageSize,
            page,
          });
          const issues = RestIssue.array().parse(raw);
          if (issues.length)
            yield issues.map((issue) => ({
              ref: ticketFromRest(n, issue, issue.references?.full?.split("#")[0] ?? project).ref,
              updatedAt: issue.updated_at,
            }));
          if (issues.length < n.options.pageSize) break;
        }
      }
    },

    async listUpdatedSince(cursorText): Promise<UpdatedPage> {
      const cursor = readCursor<Watermark>(cursorText);
      const start = new Date(now() - n.options.backfillHours * 3600_000).toISOString();
      const next: Record<string, Watermark> = {};
      const tickets: UpdatedPage["tickets"] = [];
      for (const project of settings.projects) {
        const at = cursor[project] ?? { since: start, page: 1 };
        const { since, page } = at;
        const raw = await api.issues.all({
          projectId: project,
          updatedAfter: since,
          orderBy: "updated_at",
          sort: "asc",
          perPage: n.options.pageSize,
          page,
        });
        const issues = RestIssue.array().parse(raw);
        for (const issue of issues) {
          const path = issue.references?.full?.split("#")[0] ?? project;
          const { ref } = ticketFromRest(n, issue, path);
          tickets.push({ ref, updatedAt: issue.updated_at });
          watch.listed(ref.id, issue.updated_at);
        }
        next[project] = nextWatermark(
          at,
          issues.at(-1)?.updated_at ?? since,
          issues.length === n.options.pageSize,
        );
      }
      return { tickets, cursor: JSON.stringify(next) };
    },

    async checkWebhooks() {
      if (!watch.due()) return undefined;
      const path = (project: string) =>
        [...n.configured.values()].find((c) => c.key === project)?.path ?? project;
      return stoppedHooks(api, n.instance, settings.projects, path, reconcileSeconds);
    },
  };
  return adapter;
}

/** What to do when a configured project's path changed: its tickets' ids change with it. */
function movedMessage(instance: string, m: { key: string; id: number; from: string; to: string }): string {
  return `GitLab project ${m.from} (id ${m.id}, trackers.${instance}.projects: "${m.key}") is now ${m.to}: renamed or moved to another group. The bridge keeps it bound to its pack by its id, and GitLab still answers the old path, but its tickets' ids change from "${m.from}#<iid>" to "${m.to}#<iid>": decision history, SLA clocks and the board keep the old ids, and a ticket's next event starts it afresh under the new one. Rename the key to "${m.to}" (or use the numeric id ${m.id}) and restart; see README, GitLab, "A renamed or moved project"`;
}

function readNative(input: unknown, instance: string, options: Record<string, unknown>): NativeReading {
  const n = createNormaliser(instance, parseOrThrow(GitlabOptions, options, "GitLab options"), []);
  const kind =
    input && typeof input === "object" ? (input as Record<string, unknown>).object_kind : undefined;
  if (kind === "issue" || kind === "work_item") {
    const hook = parseOrThrow(IssueHook, input, "GitLab Issue Hook payload");
    return { ticket: ticketFromIssueHook(n, hook).ticket, change: changeFromIssueHook(n, hook) };
  }
  if (kind === "note") {
    const hook = parseOrThrow(NoteHook, input, "GitLab Note Hook payload");
    if (!hook.issue)
      throw Errors.INPUT_UNREADABLE(
        "GitLab Note Hook payload",
        'it has no "issue": not a comment on an issue',
      );
    return { ticket: ticketFromNoteHook(n, hook).ticket, change: changeFromNoteHook(hook) };
  }
  throw Errors.INPUT_UNREADABLE(
    "GitLab payload",
    `object_kind is ${JSON.stringify(kind)}; expected an Issue Hook ("issue", "work_item") or a Note Hook ("note") body`,
  );
}

export const gitlabAdapterFactory: AdapterFactory = {
  kind: "gitlab",
  optionsSchema: GitlabOptions,
  readNative,
  create(instance, config, deps) {
    const options = parseOrThrow(GitlabOptions, config.options, `trackers.${instance}.options`);
    const projects = Object.keys(config.projects);
    return createGitlabAdapter(
      createNormaliser(instance, options, projects, config.baseUrl),
      gitlabApi(instance, config.baseUrl, config.token, options.requestTimeoutMs, deps.dryRun),
      {
        projects,
        bridgeUser: config.bridgeUser,
        reconcileIntervalSeconds: config.reconcileIntervalSeconds,
        baseUrl: config.baseUrl,
        logger: deps.logger,
        ...(config.webhookSecret ? { webhookSecret: config.webhookSecret } : {}),
      },
    );
  },
};
