import { describe, expect, it } from "vitest";
import { packNeeds } from "../../src/engine/pack-needs.js";
import { pack, sevastopolParams } from "../helpers/tickets.js";

const kinds = (needs: ReturnType<typeof packNeeds>) =>
  needs.map((n) =>
    [n.kind, "status" in n ? n.status : "field" in n ? n.field : undefined].filter(Boolean).join(":"),
  );

describe("what a pack asks of its tracker", () => {
  it("Sevastopol: priority corrections, hand-backs to the reporter, the status kept on assignment, the reporter closing", () => {
    const needs = packNeeds(pack("sevastopol-miac", sevastopolParams));
    expect(kinds(needs)).toEqual(
      expect.arrayContaining([
        "comment",
        "setField:priority",
        "transition:feedback",
        "assign",
        "assignReporter",
        "statusKeptOnAssign",
        "transition:new",
        "writeInStatus:resolved",
        "reporterClosesResolved",
      ]),
    );
    // Each need once, with the first rule that has it.
    expect(new Set(kinds(needs)).size).toBe(needs.length);
    expect(needs.find((n) => n.kind === "assignReporter")?.by).toEqual({
      pack: "sevastopol-miac",
      rule: "required-fields",
      section: "4",
    });
    expect(needs.find((n) => n.kind === "reporterClosesResolved")).toMatchObject({
      resolved: ["resolved"],
      closed: "closed",
      by: { rule: "status-transition-guard", section: "5" },
    });
  });

  it("a rule turned off in the config takes its needs with it", () => {
    const needs = packNeeds(pack("sevastopol-miac", sevastopolParams, { "status-kept-on-assign": false }));
    expect(kinds(needs)).not.toContain("statusKeptOnAssign");
  });

  it("e-Recipe on GitLab: labels and the linked accident report", () => {
    const needs = packNeeds(pack("e-recipe-by", { headOfSupport: "h", infrastructureOwner: "i" }));
    expect(needs.some((n) => n.kind === "labels")).toBe(true);
    expect(needs.some((n) => n.kind === "createLinked")).toBe(true);
  });
});
