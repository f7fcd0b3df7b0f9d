import type { Language } from "../engine/rule.js";
import { linear } from "../text/linear.js";
import type { CalendarDay } from "./business-calendar.js";

/**
 * The words of the calendar's explanations (`explainAdd`, `explainSpan`) in the pack's
 * language. The English ones are the calendar's own: day kinds and notes as it keeps them.
 */

const ruKinds: Record<CalendarDay["kind"], string> = {
  working: "рабочий день",
  short: "сокращённый предпраздничный день",
  weekend: "выходной",
  holiday: "праздник",
  dayOff: "нерабочий день",
  workedWeekend: "перенесённый рабочий день",
  extraDayOff: "нерабочий день",
  extraWorkingDay: "рабочий день",
};

const ruWeekdays: Record<string, string> = {
  mon: "пн",
  tue: "вт",
  wed: "ср",
  thu: "чт",
  fri: "пт",
  sat: "сб",
  sun: "вс",
};

const workedRestDay = linear("worked rest day with (\\w+) hours");
const shortenedDay = linear("shortened pre-holiday day \\(−(\\d+) min\\)");

/** The calendar's notes, rendered in Russian phrase by phrase (holiday titles stay as the production calendar writes them). */
function ruNote(note: string): string {
  return note
    .replace(/day off moved from (\S+)/, "выходной перенесён с $1")
    .replace("extra day off", "дополнительный выходной")
    .replace(workedRestDay, (_, d: string) => `рабочий выходной, часы как в ${ruWeekdays[d] ?? d}`)
    .replace(shortenedDay, "предпраздничный день сокращён на $1 мин")
    .replace("day off of this deployment", "нерабочий день этой установки")
    .replace("working day of this deployment", "рабочий день этой установки");
}

export interface CalendarWords {
  /** "2026-03-09 mon" */
  label(day: CalendarDay): string;
  /** The day's kind with its note: "holiday (Women's Day)". */
  why(day: CalendarDay): string;
  skipped(why: string): string;
  countedAsDay(why: string): string;
  counted(why: string, hours: string, sum: string, ranges: string): string;
  due(iso: string): string;
  dueAfter(iso: string, duration: string): string;
  daysFrom(days: number, fromIso: string): string;
  thenWorkingTime(duration: string): string;
}

const plural = (n: number) => (n === 1 ? "" : "s");

/** Russian plural of "рабочий день" for n. */
export function ruWorkingDays(n: number): string {
  const d10 = n % 10;
  const d100 = n % 100;
  if (d10 === 1 && d100 !== 11) return `${n} рабочий день`;
  if (d10 >= 2 && d10 <= 4 && (d100 < 12 || d100 > 14)) return `${n} рабочих дня`;
  return `${n} рабочих дней`;
}

export const calendarWords: Record<Language, CalendarWords> = {
  en: {
    label: (day) => `${day.date} ${day.weekday}`,
    why: (day) => `${day.kind}${day.note ? ` (${day.note})` : ""}`,
    skipped: (why) => `skipped — ${why}`,
    countedAsDay: (why) => `counted as a day — ${why}`,
    counted: (why, hours, sum, ranges) =>
      `${why}, hours ${hours}; counted ${sum}${ranges ? ` (${ranges})` : ""}`,
    due: (iso) => `due ${iso}`,
    dueAfter: (iso, duration) => `due ${iso} after ${duration} of working time`,
    daysFrom: (days, from) =>
      `${days} working day${plural(days)} from ${from}: the same time of day ${days} working day${plural(days)} later, however long the days between`,
    thenWorkingTime: (duration) => `then ${duration} of working time:`,
  },
  ru: {
    label: (day) => `${day.date} ${ruWeekdays[day.weekday] ?? day.weekday}`,
    why: (day) => `${ruKinds[day.kind]}${day.note ? ` (${ruNote(day.note)})` : ""}`,
    skipped: (why) => `пропущен — ${why}`,
    countedAsDay: (why) => `засчитан как день — ${why}`,
    counted: (why, hours, sum, ranges) =>
      `${why}, рабочее время ${hours}; засчитано ${sum}${ranges ? ` (${ranges})` : ""}`,
    due: (iso) => `срок ${iso}`,
    dueAfter: (iso, duration) => `срок ${iso} — через ${duration} рабочего времени`,
    daysFrom: (days, from) =>
      `${ruWorkingDays(days)} от ${from}: то же время суток через ${ruWorkingDays(days)}, какой бы длины ни были дни между ними`,
    thenWorkingTime: (duration) => `затем ${duration} рабочего времени:`,
  },
};
