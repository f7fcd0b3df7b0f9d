import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BusinessCalendar } from "../../src/calendar/business-calendar.js";
import { HOUR, MINUTE, parseSpan } from "../../src/calendar/duration.js";
import type { ReglamentError } from "../../src/errors/catalogue.js";
import { isoOps, packCalendar } from "../helpers/calendars.js";

const krasnoyarsk = packCalendar("krasnoyarsk-kmiac");
const minsk = packCalendar("e-recipe-by");
const k = isoOps(krasnoyarsk);
const m = isoOps(minsk);

describe("Krasnoyarsk calendar (RU, 08:30–17:30, lunch 13:00–14:00)", () => {
  it("skips the weekend and the 23 February holiday (Friday 15:00 + 4h → Tuesday 10:00)", () => {
    expect(k.add("2026-02-20T15:00:00+07:00", 4)).toBe("2026-02-24T10:00:00+07:00");
    expect(k.between("2026-02-20T15:00:00+07:00", "2026-02-24T10:00:00+07:00")).toBe(4);
  });

  it("crosses lunch", () => {
    expect(k.add("2026-03-02T12:30:00+07:00", 1)).toBe("2026-03-02T14:30:00+07:00");
    expect(k.between("2026-03-02T12:00:00+07:00", "2026-03-02T15:00:00+07:00")).toBe(2);
  });

  it("jumps the New Year holidays, the transferred 31 December and 9 January", () => {
    expect(k.add("2025-12-30T17:00:00+07:00", 1)).toBe("2026-01-12T09:00:00+07:00");
  });

  it("skips a transferred day off (9 March 2026, moved from 8 March)", () => {
    expect(k.add("2026-03-06T17:00:00+07:00", 1)).toBe("2026-03-10T09:00:00+07:00");
  });

  it("ends a shortened pre-holiday day an hour earlier (3 November 2026)", () => {
    expect(k.add("2026-11-03T16:00:00+07:00", 1)).toBe("2026-11-05T09:00:00+07:00");
    expect(krasnoyarsk.isWorkingTime(krasnoyarsk.parse("2026-11-03T16:45:00+07:00"))).toBe(false);
  });

  it("works on 3 July, a Belarusian holiday", () => {
    expect(k.add("2026-07-03T09:00:00+07:00", 1)).toBe("2026-07-03T10:00:00+07:00");
  });

  it("answers isWorkingTime and nextWorkingMoment", () => {
    const at = (iso: string) => krasnoyarsk.parse(iso);
    expect(krasnoyarsk.isWorkingTime(at("2026-03-02T13:30:00+07:00"))).toBe(false);
    expect(krasnoyarsk.isWorkingTime(at("2026-03-02T14:00:00+07:00"))).toBe(true);
    expect(krasnoyarsk.iso(krasnoyarsk.nextWorkingMoment(at("2026-03-02T13:30:00+07:00")))).toBe(
      "2026-03-02T14:00:00+07:00",
    );
    expect(krasnoyarsk.iso(krasnoyarsk.nextWorkingMoment(at("2026-02-21T11:00:00+07:00")))).toBe(
      "2026-02-24T08:30:00+07:00",
    );
    expect(krasnoyarsk.nextWorkingMoment(at("2026-03-02T10:00:00+07:00"))).toBe(
      at("2026-03-02T10:00:00+07:00"),
    );
  });

  it("a working day 'd' is 8 working hours", () => {
    expect(krasnoyarsk.dayMs).toBe(8 * HOUR);
  });
});

describe("Minsk calendar (BY, Mon–Thu 09:00–18:00, Fri 09:00–16:45, lunch 13:00–13:45)", () => {
  it("ends Friday at 16:45", () => {
    expect(m.add("2026-03-13T16:00:00+03:00", 1)).toBe("2026-03-16T09:15:00+03:00");
  });

  it("works on 23 February, a Russian holiday", () => {
    expect(m.add("2026-02-23T09:00:00+03:00", 1)).toBe("2026-02-23T10:00:00+03:00");
  });

  it("skips 3 July (Independence Day) after a shortened 2 July", () => {
    expect(m.add("2026-07-02T16:30:00+03:00", 1)).toBe("2026-07-06T09:30:00+03:00");
  });

  it("works Saturday 25 April 2026 (transferred, shortened) with Monday's hours", () => {
    expect(m.add("2026-04-24T16:00:00+03:00", 1)).toBe("2026-04-25T09:15:00+03:00");
    expect(m.between("2026-04-24T09:00:00+03:00", "2026-04-28T09:00:00+03:00")).toBe(22.5);
  });

  it("a working day 'd' is Monday's 8 h 15 min", () => {
    expect(minsk.dayMs).toBe(8 * HOUR + 15 * MINUTE);
  });
});

describe("DST (Europe/Berlin, which has it)", () => {
  const allDay = ["00:00-24:00"];
  const berlin24 = BusinessCalendar.of({
    zone: "Europe/Berlin",
    week: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
    years: [2026, 2026],
  });
  const office = BusinessCalendar.of({
    zone: "Europe/Berlin",
    week: {
      mon: ["09:00-17:00"],
      tue: ["09:00-17:00"],
      wed: ["09:00-17:00"],
      thu: ["09:00-17:00"],
      fri: ["09:00-17:00"],
    },
    years: [2026, 2026],
  });

  it("the spring-forward day has 23 hours and the fall-back day 25", () => {
    expect(isoOps(berlin24).between("2026-03-28T12:00:00+01:00", "2026-03-29T12:00:00+02:00")).toBe(23);
    expect(isoOps(berlin24).between("2026-10-24T12:00:00+02:00", "2026-10-25T12:00:00+01:00")).toBe(25);
  });

  it("office hours keep their local times across the change", () => {
    expect(isoOps(office).add("2026-03-27T16:00:00+01:00", 2)).toBe("2026-03-30T10:00:00+02:00");
    expect(isoOps(office).between("2026-03-27T16:00:00+01:00", "2026-03-30T10:00:00+02:00")).toBe(2);
  });
});

describe("overrides and iCalendar holidays", () => {
  const base = {
    zone: "Asia/Krasnoyarsk",
    country: "ru" as const,
    week: {
      mon: ["08:30-17:30"],
      tue: ["08:30-17:30"],
      wed: ["08:30-17:30"],
      thu: ["08:30-17:30"],
      fri: ["08:30-17:30"],
    },
    breaks: ["13:00-14:00"],
  };

  it("adds a deployment's day off and working day", () => {
    const cal = BusinessCalendar.of({
      ...base,
      extraDaysOff: ["2026-03-02"],
      extraWorkingDays: ["2026-02-28"],
    });
    const ops = isoOps(cal);
    expect(ops.add("2026-02-27T17:00:00+07:00", 1)).toBe("2026-02-28T09:00:00+07:00");
    expect(ops.add("2026-02-28T17:00:00+07:00", 1)).toBe("2026-03-03T09:00:00+07:00");
  });

  it("takes days off from an .ics file", () => {
    const ics = join(tmpdir(), `reglament-${process.pid}.ics`);
    writeFileSync(
      ics,
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260302\r\nDTEND;VALUE=DATE:20260304\r\nSUMMARY:Санитарные дни\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    const cal = BusinessCalendar.fromSpec({ ...base, icsFiles: [ics] }, "test");
    expect(isoOps(cal).add("2026-02-27T17:00:00+07:00", 1)).toBe("2026-03-04T09:00:00+07:00");
  });
});

describe("bad input", () => {
  const problemsOf = (spec: unknown) => {
    try {
      BusinessCalendar.fromSpec(spec, "test");
    } catch (err) {
      expect((err as ReglamentError).exitCode).toBe(2);
      return (err as ReglamentError).details.join("\n");
    }
    throw new Error("accepted");
  };
  const week = { mon: ["09:00-18:00"] };

  it("rejects overlapping and reversed intervals", () => {
    expect(problemsOf({ zone: "Europe/Moscow", week: { mon: ["09:00-13:00", "12:00-18:00"] } })).toMatch(
      /week\.mon: intervals "09:00-13:00" and "12:00-18:00" overlap/,
    );
    expect(problemsOf({ zone: "Europe/Moscow", week: { mon: ["18:00-09:00"] } })).toMatch(
      /week\.mon\[0\]: interval "18:00-09:00" ends before it starts/,
    );
  });

  it("rejects an unknown time zone", () => {
    expect(problemsOf({ zone: "Europe/Sevastopol", week })).toMatch(
      /zone: unknown time zone "Europe\/Sevastopol"/,
    );
  });

  it("refuses a year without production-calendar data, naming the years it has", () => {
    expect(() => krasnoyarsk.addWorkingTime(krasnoyarsk.parse("2028-01-10T09:00:00+07:00"), HOUR)).toThrow(
      /no data for 2028 \(years available: 2025, 2026, 2027\); add .*2028\.xml/,
    );
    expect(() =>
      krasnoyarsk.addWorkingTime(krasnoyarsk.parse("2027-12-31T09:00:00+07:00"), 100 * HOUR),
    ).toThrow(/no data for 2028/);
  });

  it("refuses a negative duration", () => {
    expect(() => krasnoyarsk.addWorkingTime(krasnoyarsk.parse("2026-03-02T09:00:00+07:00"), -HOUR)).toThrow(
      /never negative/,
    );
  });
});

describe("working days counted as days (Krasnoyarsk Appendix 2 «в рабочих часах/днях», 4.10)", () => {
  const cal = BusinessCalendar.of({
    zone: "Europe/Moscow",
    week: {
      mon: ["09:00-18:00"],
      tue: ["09:00-12:00", "13:00-15:00"],
      wed: ["09:00-18:00"],
      thu: ["09:00-18:00"],
      fri: ["09:00-18:00"],
    },
    breaks: ["13:00-14:00"],
    years: [2026, 2026],
  });
  const add = (from: string, text: string) =>
    cal.iso(cal.addSpan(cal.parse(from), parseSpan(text, cal.dayMs)));

  it("ends on the n-th following working day at the same time of day", () => {
    expect(add("2026-03-02T10:00:00+03:00", "1d")).toBe("2026-03-03T10:00:00+03:00");
    expect(add("2026-03-06T10:00:00+03:00", "1d")).toBe("2026-03-09T10:00:00+03:00");
  });

  it("starts from the next working moment when given outside the hours", () => {
    expect(add("2026-03-07T12:00:00+03:00", "1d")).toBe("2026-03-10T09:00:00+03:00");
  });

  it("clamps a time of day the day does not have into its hours: after its end, or in its break", () => {
    expect(add("2026-03-02T16:30:00+03:00", "1d")).toBe("2026-03-03T15:00:00+03:00");
    expect(add("2026-03-02T12:30:00+03:00", "1d")).toBe("2026-03-03T12:00:00+03:00");
  });

  it("adds hours and a fraction of a day after the days as working time", () => {
    expect(add("2026-03-02T10:00:00+03:00", "1d1h")).toBe("2026-03-03T11:00:00+03:00");
    // Half a standard day (8 h) is 4 working hours.
    expect(add("2026-03-02T10:00:00+03:00", "0.5d")).toBe("2026-03-02T15:00:00+03:00");
    expect(cal.spanFrom(cal.parse("2026-03-02T10:00:00+03:00"), parseSpan("1d", cal.dayMs))).toBe(8 * HOUR);
  });
});
