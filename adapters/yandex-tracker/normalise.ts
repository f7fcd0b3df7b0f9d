import { own } from "../../src/domain/own.js";
import type { Actor, Comment, HistoryEntry, Ticket } from "../../src/domain/ticket.js";
import { safeHref } from "../../src/domain/web-link.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import { trackerDate } from "./dates.js";
import type { YandexOptions } from "./options.js";
import type { ChangelogItem, Ref, TrackerComment, TrackerIssue } from "./payloads.js";

/**
 * A Yandex Tracker issue (with its comments and changelog) → the neutral Ticket.
 * Priorities and statuses are read by key and mapped through the options; the display
 * name is kept as the label. Users are known by their id, as the API names them.
 */
export interface YandexNormaliser {
  instance: string;
  options: YandexOptions;
}

export function actorOf(ref: Ref): Actor {
  return { id: ref.id, ...(ref.display ? { name: ref.display } : {}) };
}

export function date(text: string, what: string): string {
  const iso = trackerDate(text);
  if (!iso) throw new Error(`${what} "${text}" is not a Yandex Tracker date (2017-06-11T05:16:01.339+0000)`);
  return iso;
}

export function statusValue(n: YandexNormaliser, key: string): string {
  return own(n.options.statuses, key) ?? key;
}

/** The tracker status key of a pack status: the mapped key, else the status itself. */
export function statusKey(n: YandexNormaliser, status: string): string {
  return Object.entries(n.options.statuses).find(([, value]) => value === status)?.[0] ?? status;
}

/** The changelog's field ids → the neutral model's, and a value as it compares. */
const fieldNames: Record<string, string> = { summary: "title", tags: "labels", assignee: "assignee" };

function value(n: YandexNormaliser, field: string, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v))
    return v.map((x) => (typeof x === "object" && x ? ((x as Ref).key ?? (x as Ref).id) : x));
  if (typeof v !== "object") return v;
  const ref = v as { key?: string; id?: string | number };
  if (field === "status" && ref.key) return statusValue(n, ref.key);
  if (field === "priority" && ref.key) return own(n.options.priorities, ref.key) ?? "unknown";
  return ref.key ?? (ref.id === undefined ? undefined : String(ref.id));
}

/**
 * A queue's local field is keyed in the issue by its id, `<hex>--<key>`
 * (`6054ae3a2b6b2c7f80bb9a93--loc_field_key`, get-local-fields.md; the official client
 * reads every key with `--` in it as one, by what follows). The ticket keeps it under
 * its key, or under the whole id where the key is already taken.
 */
export function localFieldKey(id: string): string | undefined {
  const at = id.lastIndexOf("--");
  return at > 0 && at + 2 < id.length ? id.slice(at + 2) : undefined;
}

function localFields(n: YandexNormaliser, issue: TrackerIssue, taken: ReadonlySet<string>) {
  const out: Record<string, unknown> = {};
  for (const [id, raw] of Object.entries(issue)) {
    const key = localFieldKey(id);
    if (!key) continue;
    const kept = value(n, id, raw);
    if (kept === undefined) continue;
    out[taken.has(key) || key in out ? id : key] = kept;
  }
  return out;
}

function history(n: YandexNormaliser, items: readonly ChangelogItem[]): HistoryEntry[] {
  return items.flatMap((item) => {
    const by = actorOf(item.updatedBy);
    const at = date(item.updatedAt, "changelog updatedAt");
    return [
      ...item.fields.map((f) => ({
        field: own(fieldNames, f.field.id) ?? localFieldKey(f.field.id) ?? f.field.id,
        from: value(n, f.field.id, f.from),
        to: value(n, f.field.id, f.to),
        by,
        at,
      })),
      ...(item.comments?.added ?? []).map((c) => ({ field: "comment", to: c.id, by, at })),
    ];
  });
}

export function ticketFromIssue(
  n: YandexNormaliser,
  issue: TrackerIssue,
  comments: readonly TrackerComment[] = [],
  changelog: readonly ChangelogItem[] = [],
): Ticket {
  const priorityKey = issue.priority?.key;
  // The key goes in the path as one segment: a key is the tracker's word, not a path of ours.
  const url = safeHref(`${withoutTrailingSlashes(n.options.webUrl)}/${encodeURIComponent(issue.key)}`);
  const commentsOut: Comment[] = comments.map((c) => ({
    id: c.id,
    author: actorOf(c.createdBy),
    body: c.text,
    public: true,
    createdAt: date(c.createdAt, "comment createdAt"),
  }));
  return {
    ref: {
      tracker: "yandex",
      instance: n.instance,
      project: issue.queue.key ?? issue.key.split("-")[0]!,
      id: issue.key,
      ...(url ? { url } : {}),
    },
    title: issue.summary,
    description: issue.description ?? "",
    ...(issue.type?.key
      ? { type: { value: issue.type.key, ...(issue.type.display ? { label: issue.type.display } : {}) } }
      : {}),
    ...(priorityKey
      ? {
          priority: {
            value: own(n.options.priorities, priorityKey) ?? "unknown",
            native: priorityKey,
            ...(issue.priority?.display ? { label: issue.priority.display } : {}),
          },
        }
      : {}),
    status: {
      value: statusValue(n, issue.status.key ?? issue.status.id),
      native: issue.status.key ?? issue.status.id,
      ...(issue.status.display ? { label: issue.status.display } : {}),
    },
    labels: issue.tags,
    reporter: actorOf(issue.createdBy),
    assignee: issue.assignee ? actorOf(issue.assignee) : undefined,
    createdAt: date(issue.createdAt, "issue createdAt"),
    updatedAt: date(issue.updatedAt, "issue updatedAt"),
    comments: commentsOut,
    history: history(n, changelog),
    // Files are listed by a request of their own (GET /v3/issues/{key}/attachments), not read yet.
    attachments: [],
    custom: {
      ...localFields(n, issue, new Set(["followers", "version"])),
      followers: issue.followers.map((f) => f.id),
      ...(issue.version ? { version: issue.version } : {}),
    },
  };
}
