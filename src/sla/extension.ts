import type { BusinessCalendar } from "../calendar/business-calendar.js";
import { type LinearPattern, linear } from "../text/linear.js";
import type { SlaSpec } from "./sla-spec.js";

/**
 * The words of a deadline extension (Krasnoyarsk 4.8) in comments: the executor's
 * proposal with its new moment, the reporter's agreement. Anyone can write a comment, so
 * every pattern here runs on RE2.
 */

export interface ExtensionPatterns {
  command: LinearPattern;
  /** The agreement, with the «не » that would negate it caught in group 1. */
  agreement: LinearPattern;
}

const compiled = new WeakMap<NonNullable<SlaSpec["extension"]>, ExtensionPatterns>();

/** The pack's patterns, compiled once per loaded SLA table (the schema has made sure RE2 takes them). */
export function extensionPatterns(rule: NonNullable<SlaSpec["extension"]>): ExtensionPatterns {
  let patterns = compiled.get(rule);
  if (!patterns) {
    patterns = {
      command: linear(rule.command, "iu"),
      // RE2 has no look-behind: «не » right before the words is matched with them and checked.
      agreement: linear(`(не\\s)?(?:${rule.agreement})`, "giu"),
    };
    compiled.set(rule, patterns);
  }
  return patterns;
}

/** True when the text agrees somewhere: the agreement's words, not right after «не ». */
export function agrees(patterns: ExtensionPatterns, text: string): boolean {
  for (const m of text.matchAll(patterns.agreement)) if (m[1] === undefined) return true;
  return false;
}

export const isoMoment = linear(/(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?/);
export const russianMoment = linear(
  /(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*(?:г\.?)?\s*(?:в\s*)?(\d{1,2}):(\d{2}))?/u,
);

/** "2026-03-10 15:00", "2026-03-10T15:00", "10.03.2026 15:00", "10.03.2026": the moment it names in the calendar's zone. */
export function proposedMoment(text: string, cal: BusinessCalendar): number | undefined {
  const iso = isoMoment.exec(text);
  const ru = iso ? null : russianMoment.exec(text);
  const m = iso
    ? [iso[1], iso[2], iso[3], iso[4], iso[5]]
    : ru
      ? [ru[3], ru[2], ru[1], ru[4], ru[5]]
      : undefined;
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m;
  const date = `${y}-${mo!.padStart(2, "0")}-${d!.padStart(2, "0")}`;
  try {
    if (h !== undefined) return cal.parse(`${date}T${h.padStart(2, "0")}:${mi}:00`);
    // A date alone: the end of that day's working hours.
    const day = cal.dayOf(cal.parse(`${date}T12:00:00`));
    return day.intervals.length ? day.intervals[day.intervals.length - 1]![1] : undefined;
  } catch {
    return undefined;
  }
}
