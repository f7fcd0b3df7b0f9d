import { z } from "zod";
import { Actor, Comment, Timestamp } from "./ticket.js";

export const changeKinds = ["created", "updated", "commented"] as const;
export const ChangeKind = z.enum(changeKinds);
export type ChangeKind = z.infer<typeof ChangeKind>;

export const FieldChange = z.strictObject({
  field: z.string().min(1),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
});
export type FieldChange = z.infer<typeof FieldChange>;

const ChangeFull = z.strictObject({
  kind: ChangeKind.default("updated"),
  actor: Actor,
  at: Timestamp.optional(),
  fields: z.array(FieldChange).default([]),
  /** The comment this event added, when it added one (a note, a reply). */
  comment: Comment.optional(),
});

/**
 * What one tracker event changed. A change file may use the short single-field form
 * `{ "field", "from", "to", "actor" }`, which is read as an update of that field.
 */
export const Change = z.preprocess((input) => {
  if (input === null || typeof input !== "object" || !("field" in input)) return input;
  const { field, from, to, ...rest } = input as Record<string, unknown>;
  return { kind: "updated", ...rest, fields: [{ field, from, to }] };
}, ChangeFull);
export type Change = z.infer<typeof Change>;
/** What a change file may hold: the full form, or the short single-field form. */
export type ChangeInput =
  | z.input<typeof ChangeFull>
  | { field: string; from?: unknown; to?: unknown; actor: z.input<typeof Actor>; at?: string };

export function changedField(change: Change, field: string): FieldChange | undefined {
  return change.fields.find((f) => f.field === field);
}

/** A ticket's creation by its reporter: the change a first sighting or a ticket file stands for. */
export function creationOf(
  ticket: { reporter: Actor; createdAt: string },
  actor: Actor = ticket.reporter,
): Change {
  return { kind: "created", actor, at: ticket.createdAt, fields: [] };
}
