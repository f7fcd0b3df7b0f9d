import { IANAZone } from "luxon";
import { z } from "zod";
import { countries } from "./production.js";

/**
 * How a team's working time is described, in a pack's `calendar` section or a
 * deployment override: a time zone, a weekly schedule with several intervals per day,
 * breaks cut out of every day, the country's production calendar, and local exceptions.
 */

export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof weekdays)[number];

export interface ClockInterval {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

const intervalPattern = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

export function parseInterval(text: string): ClockInterval {
  const m = intervalPattern.exec(text);
  if (!m) throw new Error(`"${text}" is not an interval like 09:00-18:00`);
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = m[3] === "24:00" ? 24 * 60 : Number(m[4]) * 60 + Number(m[5]);
  return { start, end };
}

const Interval = z.string().superRefine((text, ctx) => {
  if (!intervalPattern.test(text)) {
    ctx.addIssue({ code: "custom", message: `expected an interval like 09:00-18:00, found "${text}"` });
    return;
  }
  const { start, end } = parseInterval(text);
  if (end <= start)
    ctx.addIssue({ code: "custom", message: `interval "${text}" ends before it starts; write start-end` });
});

/** Intervals of one day must not overlap; reported with the day's name. */
function disjoint(list: readonly string[]): string | undefined {
  const parsed = list
    .filter((t) => intervalPattern.test(t))
    .map((t) => ({ t, ...parseInterval(t) }))
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i]!.start < parsed[i - 1]!.end)
      return `intervals "${parsed[i - 1]!.t}" and "${parsed[i]!.t}" overlap`;
  }
  return undefined;
}

const DayIntervals = z
  .array(Interval)
  .default([])
  .superRefine((list, ctx) => {
    const problem = disjoint(list);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const IsoDate = z.iso.date();

const Zone = z.string().refine((zone) => IANAZone.isValidZone(zone), {
  error: (issue) => `unknown time zone "${String(issue.input)}"; use an IANA name such as Europe/Moscow`,
});

export const CalendarSpec = z.strictObject({
  zone: Zone,
  /** The production calendar (holidays, transfers, shortened days); none = a plain week. */
  country: z.enum(countries).optional(),
  week: z.strictObject(
    Object.fromEntries(weekdays.map((d) => [d, DayIntervals])) as Record<Weekday, typeof DayIntervals>,
  ),
  /** Cut out of every working day (lunch). */
  breaks: DayIntervals,
  /** Which weekday's hours a worked Saturday or Sunday has. */
  workedWeekendAs: z.enum(weekdays).default("mon"),
  /** How much earlier a shortened pre-holiday day ends. */
  shortDayMinutes: z.number().int().min(0).max(240).default(60),
  /** Extra days off and working days of this deployment or customer (YYYY-MM-DD). */
  extraDaysOff: z.array(IsoDate).default([]),
  extraWorkingDays: z.array(IsoDate).default([]),
  /** iCalendar files whose events are further days off (paths relative to the file that names them). */
  icsFiles: z.array(z.string().min(1)).default([]),
  /** Years the calendar covers when it has no country calendar (a country calendar covers its data's years). */
  years: z.tuple([z.number().int(), z.number().int()]).default([2025, 2027]),
});
export type CalendarSpec = z.infer<typeof CalendarSpec>;
export type CalendarSpecInput = z.input<typeof CalendarSpec>;

/** What a deployment may change in a pack's calendar: local days off and working days, holiday files. */
export const CalendarOverride = z.strictObject({
  /**
   * The deployment's time zone, where a regulation leaves it unsaid (AURA assumes Moscow
   * time); the pack's working hours are read in it.
   */
  zone: Zone.optional(),
  extraDaysOff: z.array(IsoDate).default([]),
  extraWorkingDays: z.array(IsoDate).default([]),
  icsFiles: z.array(z.string().min(1)).default([]),
});
export type CalendarOverride = z.infer<typeof CalendarOverride>;
