import type { BusinessCalendar } from "../calendar/business-calendar.js";
import type { Io } from "./io.js";
import { hasOffset } from "./options.js";

/**
 * A moment given on the command line, on the pack's calendar. One without an offset is
 * read as a local time of the pack's zone, and the command says so (on stderr, so the
 * output stays the same for a script).
 */
export function readMoment(io: Io, option: string, text: string, calendar: BusinessCalendar): number {
  const t = calendar.parse(text);
  if (!hasOffset(text))
    io.err(
      `note: ${option} ${text} has no offset; read in the pack's zone ${calendar.zone}: ${calendar.iso(t)}\n`,
    );
  return t;
}
