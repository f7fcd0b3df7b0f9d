import { describe, expect, it } from "vitest";
import { HOUR, MINUTE, parseSpan } from "../../src/calendar/duration.js";
import { SlaSpec } from "../../src/sla/sla-spec.js";

const target = (t: string) =>
  SlaSpec.safeParse({
    section: "1",
    clocks: [{ id: "r", kind: "reaction", title: "R", targets: [{ target: t }] }],
  }).success;

describe("durations as a regulation writes them", () => {
  it("reads days, hours and minutes, with space around and between them", () => {
    expect(parseSpan(" 1d 4h30min ", 8 * HOUR)).toEqual({ days: 1, ms: 4 * HOUR + 30 * MINUTE });
    expect(parseSpan("1.5D", 8 * HOUR)).toEqual({ days: 1, ms: 4 * HOUR });
    expect(() => parseSpan("", 8 * HOUR)).toThrow(/REG_DURATION_INVALID|duration/i);
    expect(() => parseSpan("1 d", 8 * HOUR)).toThrow();
    expect(target(" 2d 4h ")).toBe(true);
    expect(target("4h 30m")).toBe(true);
    expect(target("4 h")).toBe(false);
    expect(target("2h 1d")).toBe(false);
    expect(target("")).toBe(false);
  });

  it("answers for 100 KB texts made to make the patterns backtrack", () => {
    const space = " ".repeat(100_000);
    expect(() => parseSpan(`${space}x`, 8 * HOUR)).toThrow();
    expect(() => parseSpan(`1d${space}2h${space}x`, 8 * HOUR)).toThrow();
    expect(() => parseSpan("1".repeat(100_000), 8 * HOUR)).toThrow();
    expect(target(`1d${space}x`)).toBe(false);
    expect(target("1.1".repeat(33_000))).toBe(false);
  });
});
