import { z } from "zod";
import type { Ticket } from "../../src/domain/ticket.js";

/** The ticket fields a regulation makes mandatory, by their neutral names. */
export const fieldNames = ["title", "description", "type", "impact", "priority", "assignee"] as const;
export const FieldName = z.enum(fieldNames);
export type FieldName = z.infer<typeof FieldName>;

/** True when the ticket leaves the field empty (a blank title or description counts as empty). */
export function isMissing(ticket: Ticket, field: FieldName): boolean {
  switch (field) {
    case "title":
    case "description":
      return ticket[field].trim() === "";
    case "type":
    case "impact":
    case "priority":
      return ticket[field] === undefined;
    case "assignee":
      return ticket.assignee === undefined;
  }
}
