import { ruleCatalogue } from "../../policies/rules/index.js";
import type { BusinessCalendar } from "../../src/calendar/business-calendar.js";
import { HOUR } from "../../src/calendar/duration.js";
import { loadPack } from "../../src/engine/pack-loader.js";
import { packTime } from "../../src/sla/pack-sla.js";

/** The calendar a shipped pack defines. */
export function packCalendar(id: string): BusinessCalendar {
  return packTime(loadPack(id, { rules: ruleCatalogue })).calendar;
}

/** add/between on ISO strings, for hand-computed cases. */
export function isoOps(cal: BusinessCalendar) {
  return {
    add: (from: string, hours: number) => cal.iso(cal.addWorkingTime(cal.parse(from), hours * HOUR)),
    between: (a: string, b: string) => cal.workingTimeBetween(cal.parse(a), cal.parse(b)) / HOUR,
  };
}
