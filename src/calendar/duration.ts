import { Errors } from "../errors/catalogue.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/**
 * Durations in working time: `30m`, `4h`, `1h30m`, `2d`, `1d4h`. A `d` is one working day
 * of the calendar it is used with — the working time of its standard day (8 h for
 * Krasnoyarsk's 08:30–17:30 with an hour's lunch), so "2d" and an SLA table's
 * "2 days" mean the same everywhere.
 */
export function parseDuration(text: string, dayMs: number): number {
  const m = /^\s*(?:(\d+(?:\.\d+)?)d)?\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?:in)?)?\s*$/i.exec(
    text,
  );
  if (!m || (!m[1] && !m[2] && !m[3])) throw Errors.DURATION_INVALID(text);
  const [, d = "0", h = "0", min = "0"] = m;
  return Math.round(Number(d) * dayMs + Number(h) * HOUR + Number(min) * MINUTE);
}

export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  let rest = Math.round(Math.abs(ms) / MINUTE);
  const h = Math.floor(rest / 60);
  rest -= h * 60;
  return `${sign}${h ? `${h}h` : ""}${rest || !h ? `${rest}m` : ""}`;
}
