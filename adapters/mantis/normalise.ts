import { impacts, priorities } from "../../src/domain/enums.js";
import { own } from "../../src/domain/own.js";
import type { Actor, HistoryEntry, Ticket } from "../../src/domain/ticket.js";
import { safeHref } from "../../src/domain/web-link.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import type { MantisOptions } from "./options.js";
import type { Account, EnumRef, MantisHistoryItem, MantisIssue } from "./payloads.js";

/**
 * A MantisBT issue → the neutral Ticket. Enums are read by `name` (the English key; the
 * `label` is in the API user's language), severity is the impact ("Влияние"), category
 * the type, tags the labels, and the configured custom field the support line. An enum
 * MantisBT stored as 0 or an unknown id (`@0@`) reads as `unknown` with the id kept.
 */
export interface MantisNormaliser {
  instance: string;
  /** The web address of the MantisBT, for the tickets' links; absent when reading a file. */
  baseUrl?: string;
  options: MantisOptions;
}

export function actorOf(account: Account): Actor {
  return {
    id: account.name ?? `user-id-${account.id}`,
    ...(account.real_name ? { name: account.real_name } : {}),
  };
}

function scaled(ref: EnumRef | undefined, scale: readonly string[]) {
  if (!ref) return undefined;
  return { value: scale.includes(ref.name) ? ref.name : "unknown", native: ref.id };
}

function lineOf(n: MantisNormaliser, issue: MantisIssue): 1 | 2 | 3 | undefined {
  if (!n.options.lineField) return undefined;
  const value = issue.custom_fields.find((f) => f.field.name === n.options.lineField)?.value;
  return value === "1" || value === "2" || value === "3" ? (Number(value) as 1 | 2 | 3) : undefined;
}

/** MantisBT's field names in history → the neutral model's. */
function neutralField(n: MantisNormaliser, field: string): string {
  const names: Record<string, string> = {
    severity: "impact",
    handler: "assignee",
    category: "type",
    summary: "title",
  };
  if (n.options.lineField && field === n.options.lineField) return "line";
  return own(names, field) ?? field;
}

function historyValue(value: unknown): unknown {
  if (value && typeof value === "object") {
    const v = value as { id?: number; name?: string };
    if (v.id === 0) return undefined;
    return v.name ?? v.id;
  }
  return value === "" ? undefined : value;
}

function historyEntry(n: MantisNormaliser, item: MantisHistoryItem): HistoryEntry | undefined {
  const by = actorOf(item.user);
  const at = item.created_at;
  if (item.type.name === "field-updated" && item.field) {
    const field = neutralField(n, item.field.name);
    const from = historyValue(item.old_value);
    const to = historyValue(item.new_value);
    const asLine = (v: unknown) => (field === "line" && typeof v === "string" ? Number(v) : v);
    return { field, from: asLine(from), to: asLine(to), by, at };
  }
  if (item.type.name === "tag-added" && item.tag) return { field: "labels", to: item.tag.name, by, at };
  if (item.type.name === "tag-deleted" && item.tag) return { field: "labels", from: item.tag.name, by, at };
  if (item.type.name === "note-added" && item.note)
    return { field: "comment", to: String(item.note.id), by, at };
  return undefined;
}

export function ticketFromIssue(n: MantisNormaliser, issue: MantisIssue): Ticket {
  const line = lineOf(n, issue);
  // Under the configured MantisBT only, and only an http(s) one: the page is a link in the console.
  const url = n.baseUrl
    ? safeHref(`${withoutTrailingSlashes(n.baseUrl)}/view.php?id=${issue.id}`)
    : undefined;
  return {
    ref: {
      tracker: "mantis",
      instance: n.instance,
      project: String(issue.project.id),
      id: String(issue.id),
      ...(url ? { url } : {}),
    },
    title: issue.summary,
    description: issue.description,
    ...(issue.category ? { type: { value: issue.category.name, native: issue.category.id } } : {}),
    ...(issue.severity ? { impact: scaled(issue.severity, impacts) as Ticket["impact"] } : {}),
    ...(issue.priority ? { priority: scaled(issue.priority, priorities) as Ticket["priority"] } : {}),
    status: { value: issue.status.name, native: issue.status.id },
    ...(line ? { line } : {}),
    labels: issue.tags.map((t) => t.name),
    reporter: actorOf(issue.reporter),
    assignee: issue.handler && issue.handler.id !== 0 ? actorOf(issue.handler) : undefined,
    createdAt: issue.created_at,
    updatedAt: issue.updated_at,
    comments: issue.notes.map((note) => ({
      id: String(note.id),
      author: actorOf(note.reporter),
      body: note.text,
      public: note.view_state?.name !== "private",
      createdAt: note.created_at,
    })),
    history: issue.history.flatMap((item) => historyEntry(n, item) ?? []),
    attachments: [
      ...issue.attachments.map((f) => ({
        name: f.filename,
        ...(f.size !== undefined ? { size: f.size } : {}),
      })),
      ...issue.notes.flatMap((note) =>
        note.attachments.map((f) => ({
          name: f.filename,
          ...(f.size !== undefined ? { size: f.size } : {}),
          commentId: String(note.id),
        })),
      ),
    ],
    custom: Object.fromEntries(issue.custom_fields.map((f) => [f.field.name, f.value])),
  };
}

/** Every account an issue names, for learning user ids (names are never written). */
export function accountsOf(issue: MantisIssue): Account[] {
  return [
    issue.reporter,
    ...(issue.handler ? [issue.handler] : []),
    ...issue.notes.map((note) => note.reporter),
    ...issue.history.map((h) => h.user),
  ];
}
