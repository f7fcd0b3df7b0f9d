import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DateTime } from "luxon";
import type { Language } from "../engine/rule.js";
import { Errors } from "../errors/catalogue.js";
import { explainIssues } from "../validation/explain-issues.js";
import { formatDuration, type Span } from "./duration.js";
import { calendarWords } from "./explain-words.js";
import { daysOffFromIcs } from "./ics.js";
import { type Country, type ProductionDay, productionCalendar } from "./production.js";
import {
  type CalendarSpec,
  type CalendarSpecInput,
  CalendarSpec as CalendarSpecSchema,
  type ClockInterval,
  parseInterval,
  type Weekday,
  weekdays,
} from "./spec.js";

export type DayKind =
  | "working"
  | "short"
  | "weekend"
  | "holiday"
  | "dayOff"
  | "workedWeekend"
  | "extraDayOff"
  | "extraWorkingDay";

export interface CalendarDay {
  /** YYYY-MM-DD in the calendar's zone. */
  date: string;
  weekday: Weekday;
  kind: DayKind;
  /** Local midnight as epoch milliseconds. */
  start: number;
  /** Why the day is what it is: the holiday's name, the day a day off was moved from, … */
  note?: string;
  /** Working intervals as epoch milliseconds [start, end). */
  intervals: [number, number][];
}

/** Subtracts breaks from a day's intervals. */
function cut(intervals: readonly ClockInterval[], breaks: readonly ClockInterval[]): ClockInterval[] {
  let out = intervals.map((i) => ({ ...i }));
  for (const b of breaks) {
    out = out.flatMap((i) => {
      if (b.end <= i.start || b.start >= i.end) return [i];
      const parts: ClockInterval[] = [];
      if (b.start > i.start) parts.push({ start: i.start, end: b.start });
      if (b.end < i.end) parts.push({ start: b.end, end: i.end });
      return parts;
    });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A shortened day ends `minutes` of working time earlier. */
function shorten(intervals: ClockInterval[], minutes: number): ClockInterval[] {
  const out = intervals.map((i) => ({ ...i }));
  let left = minutes;
  while (left > 0 && out.length > 0) {
    const last = out[out.length - 1]!;
    const len = last.end - last.start;
    if (len > left) {
      last.end -= left;
      left = 0;
    } else {
      out.pop();
      left -= len;
    }
  }
  return out;
}

/** Index of the last element ≤ value in a sorted array, or -1. */
function lastAtOrBelow(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Index of the first element ≥ value in a sorted array, or the length. */
/** t itself within the day's hours, else the nearest working moment of the day before it (or its first). */
function clampInto(intervals: readonly (readonly [number, number])[], t: number): number {
  let clamped = intervals[0]![0];
  for (const [s, e] of intervals) {
    if (t < s) break;
    clamped = Math.min(t, e);
  }
  return clamped;
}

function firstAtOrAbove(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Working time of one team: its weekly schedule in its time zone, cut by breaks, with the
 * country's production calendar and local exceptions applied. Every day of the covered
 * years is computed once into sorted interval arrays with a running total of working
 * time, so each operation is a binary search — never a walk per minute or per hour — and
 * DST is handled by computing each boundary as a local time in the zone.
 * All instants are epoch milliseconds; durations are milliseconds of working time.
 */
export class BusinessCalendar {
  readonly spec: CalendarSpec;
  readonly zone: string;
  readonly days: readonly CalendarDay[];
  /** Working time of a standard day: the meaning of "1d". */
  readonly dayMs: number;
  readonly firstYear: number;
  readonly lastYear: number;
  readonly #starts: Float64Array;
  readonly #ends: Float64Array;
  /** Working time before interval i starts. */
  readonly #before: Float64Array;
  /** Working time up to the end of interval i. */
  readonly #through: Float64Array;
  readonly #rangeStart: number;
  readonly #rangeEnd: number;
  readonly #dayStarts: Float64Array;

  constructor(spec: CalendarSpec) {
    this.spec = spec;
    this.zone = spec.zone;
    const country = spec.country;
    const production = country ? productionCalendar(country) : undefined;
    const years = production ? Object.keys(production).map(Number).sort() : [];
    this.firstYear = production ? years[0]! : spec.years[0];
    this.lastYear = production ? years[years.length - 1]! : spec.years[1];

    const hours = Object.fromEntries(weekdays.map((d) => [d, spec.week[d].map(parseInterval)])) as Record<
      Weekday,
      ClockInterval[]
    >;
    const breaks = spec.breaks.map(parseInterval);
    const standard = cut(
      hours.mon.length ? hours.mon : (weekdays.map((d) => hours[d]).find((h) => h.length) ?? []),
      breaks,
    );
    this.dayMs = standard.reduce((a, i) => a + (i.end - i.start), 0) * 60_000;
    const extraOff = new Set(spec.extraDaysOff);
    const extraOn = new Set(spec.extraWorkingDays);

    const days: CalendarDay[] = [];
    let day = DateTime.fromObject({ year: this.firstYear, month: 1, day: 1 }, { zone: spec.zone });
    const stop = DateTime.fromObject({ year: this.lastYear + 1, month: 1, day: 1 }, { zone: spec.zone });
    this.#rangeStart = day.toMillis();
    this.#rangeEnd = stop.toMillis();
    while (day < stop) {
      const date = day.toISODate()!;
      const weekday = weekdays[day.weekday - 1]!;
      // A rest day is one the weekly schedule gives no hours (usually Saturday and Sunday).
      const weekend = hours[weekday].length === 0;
      const exception: ProductionDay | undefined = production?.[String(day.year)]?.days[date.slice(5)];
      let kind: DayKind = weekend ? "weekend" : "working";
      let note: string | undefined;
      let schedule = hours[weekday];
      if (exception?.kind === "holiday") {
        kind = "holiday";
        note = exception.title;
      } else if (exception?.kind === "dayOff") {
        kind = "dayOff";
        note = exception.movedFrom
          ? `day off moved from ${day.year}-${exception.movedFrom}`
          : "extra day off";
      } else if (exception?.kind === "working" || (exception?.kind === "short" && weekend)) {
        kind = "workedWeekend";
        schedule = hours[spec.workedWeekendAs];
        note = `worked rest day with ${spec.workedWeekendAs} hours`;
      }
      if (exception?.kind === "short") {
        if (!weekend) kind = "short";
        note = `${note ? `${note}, ` : ""}shortened pre-holiday day (−${spec.shortDayMinutes} min)`;
      }
      if (extraOff.has(date)) {
        kind = "extraDayOff";
        note = "day off of this deployment";
      } else if (extraOn.has(date) && (kind === "weekend" || kind === "holiday" || kind === "dayOff")) {
        kind = "extraWorkingDay";
        schedule = weekend ? hours[spec.workedWeekendAs] : hours[weekday];
        note = "working day of this deployment";
      }
      const off = kind === "weekend" || kind === "holiday" || kind === "dayOff" || kind === "extraDayOff";
      let local = off ? [] : cut(schedule, breaks);
      if (!off && exception?.kind === "short") local = shorten(local, spec.shortDayMinutes);
      const at = (minutes: number) =>
        DateTime.fromObject(
          {
            year: day.year,
            month: day.month,
            day: day.day,
            hour: Math.floor(minutes / 60),
            minute: minutes % 60,
          },
          { zone: spec.zone },
        ).toMillis();
      const next = day.plus({ days: 1 });
      const intervals = local.map(
        (i) => [at(i.start), i.end === 1440 ? next.toMillis() : at(i.end)] as [number, number],
      );
      days.push({ date, weekday, kind, start: day.toMillis(), ...(note ? { note } : {}), intervals });
      day = next;
    }
    this.days = days;
    this.#dayStarts = new Float64Array(days.map((d) => d.start));

    const all = days.flatMap((d) => d.intervals);
    this.#starts = new Float64Array(all.map((i) => i[0]));
    this.#ends = new Float64Array(all.map((i) => i[1]));
    this.#before = new Float64Array(all.length);
    this.#through = new Float64Array(all.length);
    let total = 0;
    all.forEach(([s, e], i) => {
      this.#before[i] = total;
      total += e - s;
      this.#through[i] = total;
    });
  }

  /**
   * Builds a calendar from a spec as written in YAML, with every problem explained; the
   * spec's iCalendar files (relative to baseDir) become further days off.
   */
  static fromSpec(input: unknown, where: string, baseDir = process.cwd()): BusinessCalendar {
    const parsed = CalendarSpecSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) {
      const problems = explainIssues(parsed.error.issues, { input, schema: CalendarSpecSchema });
      throw Errors.CALENDAR_INVALID.withDetails(problems, where, problems.length);
    }
    const spec = parsed.data;
    const fromIcs = spec.icsFiles.flatMap((file) => {
      const path = resolve(baseDir, file);
      try {
        return daysOffFromIcs(readFileSync(path, "utf8"), spec.country ? [2000, 2100] : spec.years);
      } catch (err) {
        throw Errors.CALENDAR_INVALID.withDetails([`icsFiles: ${path}: ${(err as Error).message}`], where, 1);
      }
    });
    return new BusinessCalendar({ ...spec, extraDaysOff: [...spec.extraDaysOff, ...fromIcs] });
  }

  static of(input: CalendarSpecInput): BusinessCalendar {
    return BusinessCalendar.fromSpec(input, "the given spec");
  }

  #check(t: number): void {
    if (t >= this.#rangeStart && t < this.#rangeEnd) return;
    const year = DateTime.fromMillis(t, { zone: this.zone }).year;
    const country = this.spec.country as Country | undefined;
    if (country) {
      const available = Object.keys(productionCalendar(country)).map(Number);
      throw Errors.CALENDAR_YEAR_MISSING(country, year, available);
    }
    throw Errors.CALENDAR_OUT_OF_RANGE(this.iso(t), `${this.firstYear}-01-01`, `${this.lastYear}-12-31`);
  }

  /** Working time from the start of the calendar up to t. */
  #cumulative(t: number): number {
    const i = lastAtOrBelow(this.#starts, t);
    if (i < 0) return 0;
    return t < this.#ends[i]! ? this.#before[i]! + (t - this.#starts[i]!) : this.#through[i]!;
  }

  isWorkingTime(t: number): boolean {
    this.#check(t);
    const i = lastAtOrBelow(this.#starts, t);
    return i >= 0 && t < this.#ends[i]!;
  }

  /** t itself when it is working time, else the start of the next working interval. */
  nextWorkingMoment(t: number): number {
    this.#check(t);
    const i = lastAtOrBelow(this.#starts, t);
    if (i >= 0 && t < this.#ends[i]!) return t;
    const next = this.#starts[i + 1];
    if (next === undefined) this.#check(this.#rangeEnd);
    return next!;
  }

  /** Working time between two instants (negative when b is before a). */
  workingTimeBetween(a: number, b: number): number {
    this.#check(a);
    this.#check(b);
    return this.#cumulative(b) - this.#cumulative(a);
  }

  /** The instant at which `duration` of working time has passed since t (t itself for 0). */
  addWorkingTime(t: number, duration: number): number {
    if (!(duration >= 0)) throw Errors.DURATION_INVALID(String(duration));
    this.#check(t);
    if (duration === 0) return t;
    const target = this.#cumulative(t) + duration;
    const j = firstAtOrAbove(this.#through, target);
    if (j >= this.#through.length) this.#check(this.#rangeEnd);
    return this.#starts[j]! + (target - this.#before[j]!);
  }

  /**
   * The moment `n` working days after t: the n-th following working day at t's time of
   * day (t moved to the next working moment first), clamped into that day's hours — so a
   * shortened day in between does not move it. "2 дня" from Wednesday 10:00 is Friday
   * 10:00 whatever Thursday's hours.
   */
  addWorkingDays(t: number, n: number): number {
    const start = this.nextWorkingMoment(t);
    if (n === 0) return start;
    let i = lastAtOrBelow(this.#dayStarts, start);
    for (let counted = 0; counted < n; ) {
      i++;
      if (i >= this.days.length) this.#check(this.#rangeEnd);
      if (this.days[i]!.intervals.length) counted++;
    }
    const day = this.days[i]!;
    const local = DateTime.fromMillis(start, { zone: this.zone });
    const [year, month, date] = day.date.split("-").map(Number) as [number, number, number];
    const same = DateTime.fromObject(
      {
        year,
        month,
        day: date,
        hour: local.hour,
        minute: local.minute,
        second: local.second,
        millisecond: local.millisecond,
      },
      { zone: this.zone },
    ).toMillis();
    return clampInto(day.intervals, same);
  }

  /** The end of a span (`2d`, `4h`, `1d4h`) from t: its days as days, then its hours as working time. */
  addSpan(t: number, span: Span): number {
    const afterDays = span.days ? this.addWorkingDays(t, span.days) : t;
    return this.addWorkingTime(afterDays, span.ms);
  }

  /** How much working time a span takes from t — what a clock started at t has to spend. */
  spanFrom(t: number, span: Span): number {
    return this.workingTimeBetween(t, this.addSpan(t, span));
  }

  /** Why `addSpan(t, span)` lands where it does: the days counted as days, then the working time. */
  explainSpan(t: number, span: Span, language: Language = "en"): string[] {
    if (!span.days) return this.explainAdd(t, span.ms, language);
    const w = calendarWords[language];
    const start = this.nextWorkingMoment(t);
    const afterDays = this.addWorkingDays(t, span.days);
    const lines = [w.daysFrom(span.days, this.iso(start))];
    for (let i = lastAtOrBelow(this.#dayStarts, start) + 1; i < this.days.length; i++) {
      const day = this.days[i]!;
      if (day.start > afterDays) break;
      lines.push(
        `${w.label(day)}: ${day.intervals.length ? w.countedAsDay(w.why(day)) : w.skipped(w.why(day))}`,
      );
    }
    if (span.ms)
      return [
        ...lines,
        w.thenWorkingTime(formatDuration(span.ms)),
        ...this.explainAdd(afterDays, span.ms, language),
      ];
    return [...lines, w.due(this.iso(afterDays))];
  }

  dayOf(t: number): CalendarDay {
    this.#check(t);
    return this.days[lastAtOrBelow(this.#dayStarts, t)]!;
  }

  /** ISO 8601 with the calendar's offset, without milliseconds. */
  iso(t: number): string {
    return DateTime.fromMillis(t, { zone: this.zone }).toISO({ suppressMilliseconds: true })!;
  }

  /** An ISO 8601 moment; one without an offset is a local time of the calendar's zone. */
  parse(iso: string): number {
    const dt = DateTime.fromISO(iso, { zone: this.zone });
    if (!dt.isValid)
      throw Errors.INPUT_UNREADABLE(
        `the moment "${iso}"`,
        "expected ISO 8601 such as 2026-02-20T15:00:00+07:00",
      );
    return dt.toMillis();
  }

  /**
   * Why `addWorkingTime(t, duration)` lands where it does: one line per day from t to the
   * due moment, saying what was counted and what was skipped and why.
   */
  explainAdd(t: number, duration: number, language: Language = "en"): string[] {
    const w = calendarWords[language];
    const due = this.addWorkingTime(t, duration);
    const lines: string[] = [];
    const hhmm = (ms: number) => DateTime.fromMillis(ms, { zone: this.zone }).toFormat("HH:mm");
    for (let i = lastAtOrBelow(this.#dayStarts, t); i < this.days.length; i++) {
      const day = this.days[i]!;
      if (day.intervals.length === 0) {
        lines.push(`${w.label(day)}: ${w.skipped(w.why(day))}`);
      } else {
        const used = day.intervals
          .map(([s, e]) => [Math.max(s, t), Math.min(e, due)] as const)
          .filter(([s, e]) => e > s);
        const sum = used.reduce((a, [s, e]) => a + (e - s), 0);
        const hours = day.intervals.map(([s, e]) => `${hhmm(s)}–${hhmm(e)}`).join(", ");
        const counted = used.map(([s, e]) => `${hhmm(s)}–${hhmm(e)}`).join(", ");
        lines.push(`${w.label(day)}: ${w.counted(w.why(day), hours, formatDuration(sum), counted)}`);
      }
      const nextStart = this.days[i + 1]?.start ?? this.#rangeEnd;
      if (due < nextStart) break;
    }
    lines.push(w.dueAfter(this.iso(due), formatDuration(duration)));
    return lines;
  }
}
