import { Errors } from "../errors/catalogue.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** A day of plain elapsed time (a clock in calendar time: "within 3 days" = 72 h). */
export const DAY_MS = 24 * HOUR;

/**
 * A span of working time as a regulation writes it: `30m`, `4h`, `1h30m`, `2d`, `1d4h`.
 * Days are working days counted as days — "2 дня" ends on the 2nd following working day
 * at the same time of day (`BusinessCalendar.addSpan`), however long the days between
 * are; hours and minutes are working time. `days` is the whole days; a fraction of a day
 * is working time of the calendar's standard day, in `ms` with the hours and minutes.
 */
export interface Span {
  days: number;
  ms: number;
}

// One amount and its unit at the start of what is left. Read part by part, each anchored:
// a single pattern of three optional parts makes a long run of digits backtrack.
const part = /^(\d+(?:\.\d+)?)(min|[dhm])\s*/i;
const unitOrder = "dhm";

/** Days, hours and minutes, in that order, each at most once; undefined when it is not a span. */
function amounts(text: string): [number, number, number] | undefined {
  const found: [number, number, number] = [0, 0, 0];
  let rest = text.trim();
  let next = 0;
  if (!rest) return undefined;
  while (rest) {
    const m = part.exec(rest);
    const unit = m ? unitOrder.indexOf(m[2]![0]!.toLowerCase()) : -1;
    if (!m || unit < next) return undefined;
    found[unit] = Number(m[1]);
    next = unit + 1;
    rest = rest.slice(m[0].length);
  }
  return found;
}

/** True for a span `parseSpan` reads. */
export const isSpan = (text: string): boolean => amounts(text) !== undefined;

export function parseSpan(text: string, dayMs: number): Span {
  const found = amounts(text);
  if (!found) throw Errors.DURATION_INVALID(text);
  const [d, h, min] = found;
  const days = Math.floor(d);
  return { days, ms: Math.round((d - days) * dayMs + h * HOUR + min * MINUTE) };
}

/**
 * A span's nominal length in working time, a day being the calendar's standard day (8 h
 * for Krasnoyarsk's 08:30–17:30 with an hour's lunch): for what has no start moment (a
 * clock not started yet). Where the start is known, `BusinessCalendar.spanFrom` counts
 * the real days.
 */
export function parseDuration(text: string, dayMs: number): number {
  const { days, ms } = parseSpan(text, dayMs);
  return days * dayMs + ms;
}

export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  let rest = Math.round(Math.abs(ms) / MINUTE);
  const h = Math.floor(rest / 60);
  rest -= h * 60;
  return `${sign}${h ? `${h}h` : ""}${rest || !h ? `${rest}m` : ""}`;
}
