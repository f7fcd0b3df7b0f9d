import { type Change, creationOf, type FieldChange } from "../domain/change.js";
import type { Actor, Ticket } from "../domain/ticket.js";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";

/** What the bridge remembers of a ticket to tell, later, what changed since it last looked. */
export interface Snapshot {
  title: string;
  description: string;
  type?: string;
  impact?: string;
  priority?: string;
  status: string;
  line?: number;
  labels: string[];
  assignee?: string;
  commentIds: string[];
  updatedAt?: string;
}

export function snapshotOf(ticket: Ticket): Snapshot {
  return {
    title: ticket.title,
    description: ticket.description,
    type: ticket.type?.value,
    impact: ticket.impact?.value,
    priority: ticket.priority?.value,
    status: ticket.status.value,
    line: ticket.line,
    labels: [...ticket.labels].sort(),
    assignee: ticket.assignee?.id,
    commentIds: ticket.comments.map((c) => c.id),
    updatedAt: ticket.updatedAt,
  };
}

const fields = [
  "title",
  "description",
  "type",
  "impact",
  "priority",
  "status",
  "line",
  "labels",
  "assignee",
] as const;

/**
 * The change between what the bridge last saw and the ticket now, as one Change: a
 * creation when it never saw the ticket, a comment when one was added, else the fields
 * that differ. The actor is whoever the history says last touched it.
 */
export function diffSnapshot(before: Snapshot | undefined, ticket: Ticket): Change | undefined {
  const lastBy: Actor = ticket.history.at(-1)?.by ?? ticket.comments.at(-1)?.author ?? ticket.reporter;
  if (!before) return firstSighting(ticket);
  const now = snapshotOf(ticket);
  const changed: FieldChange[] = [];
  for (const f of fields) {
    if (JSON.stringify(before[f]) !== JSON.stringify(now[f]))
      changed.push({ field: f, from: before[f], to: now[f] });
  }
  const seen = new Set(before.commentIds);
  // The bridge's own notes are never the comment a person's change carries.
  const added = ticket.comments.filter((c) => !seen.has(c.id) && c.author.role !== "bridge");
  const comment = added.at(-1);
  if (changed.length === 0 && !comment) return undefined;
  return {
    kind: comment && changed.length === 0 ? "commented" : "updated",
    actor: comment && changed.length === 0 ? comment.author : lastBy,
    at: ticket.updatedAt,
    fields: changed,
    ...(comment ? { comment } : {}),
  };
}

/**
 * A ticket the bridge has no snapshot of: its creation, unless it was edited or
 * commented on after it was created (a ticket first met in a backfill, or after the
 * snapshots were lost) — then its latest edit as the history tells it, or its latest
 * comment, so creation rules do not fire again on an old ticket.
 */
function firstSighting(ticket: Ticket): Change {
  const created = Date.parse(ticket.createdAt);
  const later = ticket.history.filter((h) => Date.parse(h.at) > created && h.field !== "comment");
  const latest = later.reduce((max, h) => Math.max(max, Date.parse(h.at)), Number.NEGATIVE_INFINITY);
  const comment = ticket.comments.at(-1);
  if (comment && Date.parse(comment.createdAt) > Math.max(created, latest)) {
    return { kind: "commented", actor: comment.author, at: comment.createdAt, fields: [], comment };
  }
  const last = later.filter((h) => Date.parse(h.at) === latest);
  if (last.length === 0) return creationOf(ticket);
  return {
    kind: "updated",
    actor: last.at(-1)!.by,
    at: last.at(-1)!.at,
    fields: last.map((h) => ({ field: h.field, from: h.from, to: h.to })),
  };
}

export class SnapshotStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
  ) {}

  #key(instance: string, id: string): string {
    return this.keys.ticket(`${instance}/${id}`, "snapshot");
  }

  async get(instance: string, id: string): Promise<Snapshot | undefined> {
    const raw = await this.redis.get(this.#key(instance, id));
    return raw ? (JSON.parse(raw) as Snapshot) : undefined;
  }

  async put(instance: string, id: string, ticket: Ticket): Promise<void> {
    await this.redis.set(this.#key(instance, id), JSON.stringify(snapshotOf(ticket)));
  }

  /** Stores the ticket's snapshot and returns the one it replaces, in one round trip. */
  async swap(instance: string, id: string, ticket: Ticket): Promise<Snapshot | undefined> {
    const raw = await this.redis.set(this.#key(instance, id), JSON.stringify(snapshotOf(ticket)), "GET");
    return raw ? (JSON.parse(raw) as Snapshot) : undefined;
  }
}
