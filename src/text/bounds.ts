import type { Change, FieldChange } from "../domain/change.js";
import type { Comment, Ticket } from "../domain/ticket.js";

/**
 * How much of each text a tracker user wrote the patterns read, in UTF-16 code units.
 * RE2 makes a match linear in the text's length; these caps bound that length, so the
 * cost of one event does not grow with what one person pasted. Each is well above what
 * the trackers let a person type where they have a limit (titles: GitLab and Yandex
 * Tracker 255, MantisBT 128; GitLab labels 255; MantisBT's description is a 64 KiB
 * column), so a real ticket is read whole. Only matching sees the cut text: the ticket is
 * stored, logged and written back whole. Custom field values and user names are not cut:
 * rules compare them whole, no pattern reads them. (README / SECURITY.md list these.)
 */
export const matchCaps = {
  title: 1_024,
  description: 65_536,
  comment: 32_768,
  label: 1_024,
  /** An attachment's file name (the personal-data rule reads names). */
  fileName: 1_024,
} as const;

/** The first `cap` code units, never ending in half of a surrogate pair. */
export function capped(text: string, cap: number): string {
  if (text.length <= cap) return text;
  const code = text.charCodeAt(cap - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? cap - 1 : cap);
}

const commentFits = (c: Comment) => c.body.length <= matchCaps.comment;
const cappedComment = (c: Comment): Comment =>
  commentFits(c) ? c : { ...c, body: capped(c.body, matchCaps.comment) };

/** The ticket as the rules match it: the same object when every text fits, as nearly all do. */
export function ticketForMatching(ticket: Ticket): Ticket {
  if (
    ticket.title.length <= matchCaps.title &&
    ticket.description.length <= matchCaps.description &&
    ticket.comments.every(commentFits) &&
    ticket.labels.every((l) => l.length <= matchCaps.label) &&
    ticket.attachments.every((a) => a.name.length <= matchCaps.fileName)
  )
    return ticket;
  return {
    ...ticket,
    title: capped(ticket.title, matchCaps.title),
    description: capped(ticket.description, matchCaps.description),
    comments: ticket.comments.map(cappedComment),
    labels: ticket.labels.map((l) => capped(l, matchCaps.label)),
    attachments: ticket.attachments.map((a) =>
      a.name.length <= matchCaps.fileName ? a : { ...a, name: capped(a.name, matchCaps.fileName) },
    ),
  };
}

// The texts a change's fields carry (a description edited, labels added), by field.
const fieldCaps: Readonly<Record<string, number>> = {
  title: matchCaps.title,
  description: matchCaps.description,
  labels: matchCaps.label,
};

const fits = (value: unknown, cap: number): boolean =>
  typeof value === "string" ? value.length <= cap : !Array.isArray(value) || value.every((v) => fits(v, cap));
const cappedValue = (value: unknown, cap: number): unknown =>
  typeof value === "string"
    ? capped(value, cap)
    : Array.isArray(value)
      ? value.map((v) => cappedValue(v, cap))
      : value;

function fieldFits(f: FieldChange): boolean {
  const cap = fieldCaps[f.field];
  return cap === undefined || (fits(f.from, cap) && fits(f.to, cap));
}

/** The change as the rules match it: its comment and the texts its fields moved cut like the ticket's. */
export function changeForMatching(change: Change): Change {
  if (change.fields.every(fieldFits) && (!change.comment || commentFits(change.comment))) return change;
  return {
    ...change,
    fields: change.fields.map((f) => {
      if (fieldFits(f)) return f;
      const cap = fieldCaps[f.field]!;
      return { ...f, from: cappedValue(f.from, cap), to: cappedValue(f.to, cap) };
    }),
    ...(change.comment ? { comment: cappedComment(change.comment) } : {}),
  };
}
