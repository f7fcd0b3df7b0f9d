import { describe, expect, it } from "vitest";
import { type CapabilityReport, trackerFactsOf } from "../../src/runtime/adapters.js";

/** What the start-up check's findings tell the rules of each project (Sevastopol 5: may the reporter close?). */
describe("tracker facts from the start-up capability check", () => {
  const need = {
    kind: "reporterClosesResolved" as const,
    resolved: ["resolved"],
    closed: "closed",
    by: { pack: "sevastopol-miac", rule: "status-transition-guard", section: "5" },
  };
  const report: CapabilityReport = {
    checked: new Set(["mantis"]),
    findings: [
      {
        instance: "mantis",
        project: "1",
        severity: "hinders",
        need,
        setting: "allow_reporter_close",
        message: "…",
      },
    ],
  };

  it("the reporter may close unless the check found a setting against it; unknown where nothing was checked", () => {
    expect(trackerFactsOf(report, "mantis", "1")).toEqual({ reporterCloses: false });
    expect(trackerFactsOf(report, "mantis", "2")).toEqual({ reporterCloses: true });
    expect(trackerFactsOf(report, "gitlab", "1")).toBeUndefined();
    expect(trackerFactsOf(report, "mantis", undefined)).toBeUndefined();
  });
});
