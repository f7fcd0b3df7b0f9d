import type { Change, FieldChange } from "../../src/domain/change.js";
import type { Actor, Comment, HistoryEntry, Ticket } from "../../src/domain/ticket.js";
import { safeHref } from "../../src/domain/web-link.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import { gitlabDate } from "./dates.js";
import { LabelMapping, labelFields } from "./label-mapping.js";
import type { GitlabOptions } from "./options.js";
import type {
  HookUser,
  IssueHook,
  NoteHook,
  RestIssue,
  RestLabelEvent,
  RestNote,
  RestUser,
} from "./payloads.js";
import { uploadsIn } from "./uploads.js";

/**
 * GitLab shapes → the neutral Ticket and Change. A GitLab ticket's id is GitLab's own
 * full reference, `group/project#iid`: unique within the instance and readable — but it
 * changes when the project is renamed or moved to another group (the numeric project and
 * issue ids do not): see `ProjectMove`.
 * Users are known by username; where a payload names a user only by numeric id the
 * ticket is marked incomplete and the pipeline fetches it through the REST API.
 */
export interface Normaliser {
  instance: string;
  options: GitlabOptions;
  mapping: LabelMapping;
  /**
   * The config key of a project: its numeric id when configured so, else its path; a
   * configured project GitLab showed at start-up is known by its numeric id, so it stays
   * the same project after a rename.
   */
  projectKey(project: { id: number; path: string }): string;
  /** Numeric project id → the project's path, as last seen (issue links name projects by id only). */
  paths: Map<number, string>;
  /** The configured projects as GitLab showed them at start-up: numeric id → config key and path. */
  configured: Map<number, { key: string; path: string }>;
  /** Told once per project and new path when a configured project's path is not what it was. */
  onMoved?: (move: ProjectMove) => void;
  /** Where people open issues (the instance's baseUrl); absent when reading a file. */
  baseUrl?: string;
}

/** A configured project seen under another path than at start-up: renamed, or moved to another group. */
export interface ProjectMove {
  /** Its key in trackers.<instance>.projects. */
  key: string;
  id: number;
  from: string;
  to: string;
}

const samePath = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function createNormaliser(
  instance: string,
  options: GitlabOptions,
  configuredProjects: readonly string[],
  baseUrl?: string,
): Normaliser {
  const told = new Set<string>();
  const n: Normaliser = {
    instance,
    options,
    mapping: new LabelMapping(options.labels),
    paths: new Map(),
    configured: new Map(),
    projectKey: ({ id, path }) => {
      // A listing without references names the project by what it was asked with.
      const isPath = !/^\d+$/.test(path);
      if (isPath) n.paths.set(id, path);
      const known = n.configured.get(id);
      if (known && isPath && !samePath(known.path, path) && !told.has(`${id}\u0000${path}`)) {
        told.add(`${id}\u0000${path}`);
        n.onMoved?.({ key: known.key, id, from: known.path, to: path });
      }
      if (known) return known.key;
      return configuredProjects.includes(String(id)) ? String(id) : path;
    },
    ...(baseUrl ? { baseUrl } : {}),
  };
  return n;
}

/** `group/project#17` → the project path and the issue's iid. */
export function splitTicketId(id: string): { project: string; iid: number } | undefined {
  const at = id.lastIndexOf("#");
  const iid = Number(id.slice(at + 1));
  if (at <= 0 || !Number.isInteger(iid) || iid <= 0) return undefined;
  return { project: id.slice(0, at), iid };
}

/**
 * The issue's page: built under the configured GitLab, since a hook's `url` and the API's
 * `web_url` are whatever the payload says (a `javascript:` URL, another host). Without a
 * base (a file read), the payload's own, if it is http(s).
 */
function issueUrl(n: Normaliser, path: string, iid: number, given: string | undefined): string | undefined {
  // A project known only by its numeric id has no web path to build the page from.
  if (!n.baseUrl || /^\d+$/.test(path)) return safeHref(given);
  const project = path.split("/").map(encodeURIComponent).join("/");
  return safeHref(`${withoutTrailingSlashes(n.baseUrl)}/${project}/-/issues/${iid}`);
}

function date(text: string, what: string): string {
  const iso = gitlabDate(text);
  if (!iso)
    throw new Error(
      `${what} "${text}" is not a GitLab date (2013-12-03T17:15:43Z or 2015-05-17 17:06:40 UTC)`,
    );
  return iso;
}

export function actorOf(user: HookUser | RestUser): Actor {
  return { id: user.username, ...(user.name ? { name: user.name } : {}) };
}

function statusOf(n: Normaliser, state: string): Ticket["status"] {
  const value = state === "opened" || state === "closed" ? n.options.statuses[state] : state;
  return { value, native: state };
}

/** Priority, impact, line and type as the labels say, set on the ticket being built. */
function setLabelledFields(n: Normaliser, labels: readonly string[], ticket: Ticket): Ticket {
  for (const field of labelFields) {
    const found = n.mapping.read(field, labels);
    if (!found) continue;
    if (field === "line") ticket.line = found.value as Ticket["line"];
    else (ticket as Record<string, unknown>)[field] = { value: String(found.value), native: found.label };
  }
  return ticket;
}

export function ticketFromRest(
  n: Normaliser,
  issue: RestIssue,
  projectPath: string,
  notes: readonly RestNote[] = [],
  labelEvents: readonly RestLabelEvent[] = [],
): Ticket {
  const comments: Comment[] = notes
    .filter((note) => !note.system)
    .map((note) => ({
      id: String(note.id),
      author: actorOf(note.author),
      body: note.body,
      public: !(note.internal || note.confidential),
      createdAt: date(note.created_at, "note created_at"),
    }))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const history: HistoryEntry[] = labelEvents
    .filter((e) => e.label)
    .map((e) => ({
      field: "labels",
      ...(e.action === "add" ? { to: e.label!.name } : { from: e.label!.name }),
      by: actorOf(e.user),
      at: date(e.created_at, "label event created_at"),
    }));
  const [assignee] = issue.assignees;
  const id = issue.references?.full ?? `${projectPath}#${issue.iid}`;
  const url = issueUrl(n, splitTicketId(id)?.project ?? projectPath, issue.iid, issue.web_url);
  return setLabelledFields(n, issue.labels, {
    ref: {
      tracker: "gitlab",
      instance: n.instance,
      project: n.projectKey({ id: issue.project_id, path: projectPath }),
      id,
      ...(url ? { url } : {}),
    },
    title: issue.title,
    description: issue.description ?? "",
    status: statusOf(n, issue.state),
    labels: issue.labels,
    reporter: actorOf(issue.author),
    assignee: assignee ? actorOf(assignee) : undefined,
    createdAt: date(issue.created_at, "issue created_at"),
    updatedAt: date(issue.updated_at, "issue updated_at"),
    comments,
    history,
    attachments: [
      ...uploadsIn(issue.description),
      ...notes.filter((note) => !note.system).flatMap((note) => uploadsIn(note.body, String(note.id))),
    ],
    custom: {},
  });
}

/** A user named only by numeric id: readable, and marks the ticket as needing a fetch. */
function byId(id: number): Actor {
  return { id: `user-id-${id}` };
}

export interface HookTicket {
  ticket: Ticket;
  /** False when some user is known only by numeric id: fetch the issue before evaluating. */
  complete: boolean;
}

/** What both hooks say of an issue, in the same words. */
interface HookIssue {
  project: { id: number; path_with_namespace: string };
  iid: number;
  url?: string;
  title: string;
  description?: string | null;
  state: string;
  labels: readonly { title: string }[];
  reporter: Actor;
  assignee?: Actor;
  created_at: string;
  updated_at?: string;
}

// Built field by field rather than spread from the parsed hook: this runs for every
// delivery, and copying the hook's objects cost more than the rest of the normalising.
function hookTicket(n: Normaliser, i: HookIssue): Ticket {
  const path = i.project.path_with_namespace;
  const labels = i.labels.map((l) => l.title);
  const ref: Ticket["ref"] = {
    tracker: "gitlab",
    instance: n.instance,
    project: n.projectKey({ id: i.project.id, path }),
    id: `${path}#${i.iid}`,
  };
  const url = issueUrl(n, path, i.iid, i.url);
  if (url) ref.url = url;
  const ticket: Ticket = {
    ref,
    title: i.title,
    description: i.description ?? "",
    status: statusOf(n, i.state),
    labels,
    reporter: i.reporter,
    assignee: i.assignee,
    createdAt: date(i.created_at, "created_at"),
    comments: [],
    history: [],
    attachments: uploadsIn(i.description),
    custom: {},
  };
  if (i.updated_at) ticket.updatedAt = date(i.updated_at, "updated_at");
  return setLabelledFields(n, labels, ticket);
}

/** What a hook's `object_attributes` or `issue` says of the issue, with its people resolved. */
function hookIssue(
  project: HookIssue["project"],
  issue: IssueHook["object_attributes"] | NonNullable<NoteHook["issue"]>,
  reporter: Actor,
  assignee: Actor | undefined,
): HookIssue {
  return {
    project,
    iid: issue.iid,
    url: "url" in issue ? issue.url : undefined,
    title: issue.title,
    description: issue.description,
    state: issue.state,
    labels: issue.labels,
    reporter,
    assignee,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
  };
}

export function ticketFromIssueHook(n: Normaliser, hook: IssueHook): HookTicket {
  const a = hook.object_attributes;
  const reporterKnown = hook.user.id !== undefined && hook.user.id === a.author_id;
  const [assignee] = hook.assignees;
  return {
    complete: reporterKnown,
    ticket: hookTicket(
      n,
      hookIssue(
        hook.project,
        a,
        reporterKnown ? actorOf(hook.user) : byId(a.author_id),
        assignee ? actorOf(assignee) : undefined,
      ),
    ),
  };
}

/** A Note Hook names the issue's people by numeric id only: never complete. */
export function ticketFromNoteHook(n: Normaliser, hook: NoteHook): HookTicket {
  const issue = hook.issue!;
  const reporterKnown = hook.user.id !== undefined && hook.user.id === issue.author_id;
  const [assigneeId] = issue.assignee_ids;
  return {
    complete: false,
    ticket: hookTicket(
      n,
      hookIssue(
        hook.project,
        issue,
        reporterKnown ? actorOf(hook.user) : byId(issue.author_id),
        assigneeId === undefined ? undefined : byId(assigneeId),
      ),
    ),
  };
}

const titles = (labels: readonly { title: string }[] | null | undefined) =>
  (labels ?? []).map((l) => l.title);
/** GitLab's `state_id`: 1 opened, 2 closed (3 merged and 4 locked are merge-request states). */
const stateNames: Record<number, string> = { 1: "opened", 2: "closed", 3: "merged", 4: "locked" };

export function changeFromIssueHook(n: Normaliser, hook: IssueHook): Change {
  const a = hook.object_attributes;
  const actor = actorOf(hook.user);
  if (a.action === "open")
    return { kind: "created", actor, at: date(a.created_at, "created_at"), fields: [] };
  const c = hook.changes;
  const fields: FieldChange[] = [];
  if (c.labels) {
    const from = titles(c.labels.previous);
    const to = titles(c.labels.current);
    fields.push({ field: "labels", from, to });
    for (const field of labelFields) {
      const before = n.mapping.read(field, from)?.value;
      const after = n.mapping.read(field, to)?.value;
      if (before !== after) fields.push({ field, from: before, to: after });
    }
  }
  if (c.assignees) {
    fields.push({
      field: "assignee",
      from: c.assignees.previous?.[0]?.username,
      to: c.assignees.current?.[0]?.username,
    });
  }
  const stateFrom = c.state_id?.previous ?? undefined;
  const stateTo = c.state_id?.current ?? undefined;
  if (stateTo !== undefined && stateNames[stateTo]) {
    fields.push({
      field: "status",
      from: stateFrom === undefined ? undefined : statusOf(n, stateNames[stateFrom] ?? "").value,
      to: statusOf(n, stateNames[stateTo]).value,
    });
  } else if (a.action === "close" || a.action === "reopen") {
    const to = a.action === "close" ? "closed" : "opened";
    const from = a.action === "close" ? "opened" : "closed";
    fields.push({ field: "status", from: statusOf(n, from).value, to: statusOf(n, to).value });
  }
  for (const field of ["title", "description", "confidential"] as const) {
    const move = c[field];
    if (move) fields.push({ field, from: move.previous ?? undefined, to: move.current ?? undefined });
  }
  return { kind: "updated", actor, at: date(a.updated_at, "updated_at"), fields };
}

export function changeFromNoteHook(hook: NoteHook): Change {
  const note = hook.object_attributes;
  const actor = actorOf(hook.user);
  const at = date(note.created_at, "object_attributes.created_at");
  const confidential =
    note.internal === true || note.confidential === true || hook.event_type === "confidential_note";
  return {
    kind: "commented",
    actor,
    at,
    fields: [],
    comment: { id: String(note.id), author: actor, body: note.note, public: !confidential, createdAt: at },
  };
}
