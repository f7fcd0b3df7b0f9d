import fc from "fast-check";
import { describe, it } from "vitest";
import { MINUTE } from "../../src/calendar/duration.js";
import { packCalendar } from "../helpers/calendars.js";

const calendars = ["krasnoyarsk-kmiac", "e-recipe-by", "mgerm"].map((id) => [id, packCalendar(id)] as const);
const start = Date.parse("2025-01-01T00:00:00Z");
const span = Date.parse("2027-06-01T00:00:00Z") - start;

// Any instant of the covered years (to the minute) and durations from 0 to a month of working time.
const instant = fc.integer({ min: 0, max: Math.floor(span / MINUTE) }).map((m) => start + m * MINUTE);
const duration = fc.integer({ min: 0, max: 22 * 8 * 60 }).map((m) => m * MINUTE);

describe.each(calendars)("%s calendar properties", (_id, cal) => {
  it("workingTimeBetween(a, addWorkingTime(a, d)) = d", () => {
    fc.assert(
      fc.property(instant, duration, (a, d) => cal.workingTimeBetween(a, cal.addWorkingTime(a, d)) === d),
      { numRuns: 2000 },
    );
  });

  it("is monotonic in the duration and in the start", () => {
    fc.assert(
      fc.property(instant, duration, duration, (a, d1, d2) => {
        const [lo, hi] = d1 <= d2 ? [d1, d2] : [d2, d1];
        return cal.addWorkingTime(a, lo) <= cal.addWorkingTime(a, hi);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(instant, instant, duration, (a, b, d) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return cal.addWorkingTime(lo, d) <= cal.addWorkingTime(hi, d);
      }),
      { numRuns: 2000 },
    );
  });

  it("adding in two steps equals adding once", () => {
    fc.assert(
      fc.property(
        instant,
        duration,
        duration,
        (a, d1, d2) => cal.addWorkingTime(cal.addWorkingTime(a, d1), d2) === cal.addWorkingTime(a, d1 + d2),
      ),
      { numRuns: 2000 },
    );
  });

  it("never lands outside working time for a positive duration", () => {
    fc.assert(
      fc.property(
        instant,
        duration.filter((d) => d > 0),
        (a, d) => {
          const due = cal.addWorkingTime(a, d);
          // The due moment is the end of working time: the minute before it is working time.
          return cal.isWorkingTime(due - 1);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("workingTimeBetween is additive", () => {
    fc.assert(
      fc.property(instant, instant, instant, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        return cal.workingTimeBetween(a, b) + cal.workingTimeBetween(b, c) === cal.workingTimeBetween(a, c);
      }),
    );
  });
});
