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

export function parseSpan(text: string, dayMs: number): Span {
  const m = /^\s*(?:(\d+(?:\.\d+)?)d)?\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?:in)?)?\s*$/i.exec(
    text,
  );
  if (!m || (!m[1] && !m[2] && !m[3])) throw Errors.DURATION_INVALID(text);
  const [, d = "0", h = "0", min = "0"] = m;
  const days = Math.floor(Number(d));
  return {
    days,
    ms: Math.round((Number(d) - days) * dayMs + Number(h) * HOUR + Number(min) * MINUTE),
  };
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
