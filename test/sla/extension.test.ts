import { describe, expect, it } from "vitest";
import { ruleCatalogue } from "../../policies/rules/index.js";
import { loadPack } from "../../src/engine/pack-loader.js";
import {
  agrees,
  extensionPatterns,
  isoMoment,
  proposedMoment,
  russianMoment,
} from "../../src/sla/extension.js";
import { packTime } from "../../src/sla/pack-sla.js";
import { SlaSpec } from "../../src/sla/sla-spec.js";
import { isLinear } from "../../src/text/linear.js";

const kTime = packTime(loadPack("krasnoyarsk-kmiac", { rules: ruleCatalogue }));
const cal = kTime.calendar;
const rule = kTime.sla!.extension!;
const patterns = extensionPatterns(rule);

describe("a deadline extension's words (4.8)", () => {
  it("compiles the pack's patterns once, on RE2", () => {
    expect(extensionPatterns(rule)).toBe(patterns);
    expect([patterns.command, patterns.agreement, isoMoment, russianMoment].every(isLinear)).toBe(true);
  });

  it("agrees unless «не » comes right before the words, as the look-behind it replaces said", () => {
    expect(agrees(patterns, "Согласен")).toBe(true);
    expect(agrees(patterns, "Не возражаю")).toBe(true);
    expect(agrees(patterns, "Не согласен")).toBe(false);
    expect(agrees(patterns, "НЕ\u00a0согласна")).toBe(false);
    expect(agrees(patterns, "не не возражаю")).toBe(false);
    expect(agrees(patterns, "Сначала был не согласен, теперь согласен")).toBe(true);
  });

  it("reads the proposed moment in either form, the ISO one first", () => {
    expect(cal.iso(proposedMoment(" 2026-03-04 12:00, ждём", cal)!)).toBe("2026-03-04T12:00:00+07:00");
    expect(cal.iso(proposedMoment(" 04.03.2026 г. в 9:30", cal)!)).toBe("2026-03-04T09:30:00+07:00");
    expect(cal.iso(proposedMoment(" 05.03.2026, а не 2026-03-06 10:00", cal)!)).toBe(
      "2026-03-06T10:00:00+07:00",
    );
    expect(proposedMoment(" когда-нибудь", cal)).toBeUndefined();
  });

  it("answers on RE2 for 100 KB comments made to make its patterns backtrack", () => {
    const space = " ".repeat(100_000);
    expect(patterns.command.exec(`продлеваю${space}срок${space}x`)).toBeNull();
    expect(agrees(patterns, "не ".repeat(33_000))).toBe(false);
    expect(proposedMoment(`04.03.2026${space}г${space}в${space}`, cal)).toBeDefined();
    expect(proposedMoment("1.1.".repeat(25_000), cal)).toBeUndefined();
    expect(proposedMoment("2026-".repeat(20_000), cal)).toBeUndefined();
  });

  it("refuses a pack's pattern RE2 cannot run, at its option, saying what to change", () => {
    const parsed = SlaSpec.safeParse({
      section: "4.8",
      extension: { section: "4.8", clocks: ["resolution"], agreement: "(?<!не\\s)согласен" },
    });
    expect(parsed.success).toBe(false);
    const [issue] = parsed.error!.issues;
    expect(issue!.path).toEqual(["extension", "agreement"]);
    expect(issue!.message).toMatch(/\/\(\?<!не\\s\)согласен\/ cannot run on RE2.*no look-around/);
  });
});
