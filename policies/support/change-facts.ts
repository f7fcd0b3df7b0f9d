import { type Change, changedField } from "../../src/domain/change.js";
import type { Ticket } from "../../src/domain/ticket.js";

/**
 * Questions rules ask about "what just happened", answered the same way everywhere:
 * a creation counts as setting every field the new ticket has.
 */

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value ? [value] : [];
  return [];
}

function plainValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "object" && "value" in (v as object)) return String((v as { value: unknown }).value);
  if (typeof v === "object" && "id" in (v as object)) return String((v as { id: unknown }).id);
  return String(v);
}

export function isCreation(change: Change): boolean {
  return change.kind === "created";
}

/** The labels this change added (all of them on creation). */
export function labelsAdded(ticket: Ticket, change: Change): string[] {
  if (isCreation(change)) return ticket.labels;
  const f = changedField(change, "labels");
  if (!f) return [];
  const before = new Set(asList(f.from));
  return asList(f.to).filter((l) => !before.has(l));
}

export function labelAdded(ticket: Ticket, change: Change, label: string): boolean {
  return labelsAdded(ticket, change).includes(label);
}

/** True when the change touched the field (creation touches every field). */
export function touched(change: Change, field: string): boolean {
  return isCreation(change) || changedField(change, field) !== undefined;
}

/** The field's value before and after this change, as plain strings. */
export function fieldMove(change: Change, field: string): { from?: string; to?: string } | undefined {
  const f = changedField(change, field);
  if (!f) return undefined;
  return { from: plainValue(f.from), to: plainValue(f.to) };
}

/** The status this change moved the ticket into, or the status it was created in. */
export function enteredStatus(ticket: Ticket, change: Change): string | undefined {
  if (isCreation(change)) return ticket.status.value;
  return fieldMove(change, "status")?.to;
}

/** The status the ticket had before this change, when the change moved it. */
export function previousStatus(change: Change): string | undefined {
  return fieldMove(change, "status")?.from;
}

/** True when the change carries a non-empty comment (a question, a reason). */
export function hasComment(change: Change): boolean {
  return (change.comment?.body.trim().length ?? 0) > 0;
}
