import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/status-transition-guard.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, ticket } from "../../helpers/tickets.js";

const guard = { guards: [{ to: "production", after: ["checked"] }] };
const move = (from: string) =>
  change({ field: "status", from, to: "production", actor: { id: "dev", role: "line2" } });

describe("status-transition-guard", () => {
  it("reverts a transition that skipped the required status", () => {
    const [f] = runRule(rule, guard, ticket({ status: "production" }), move("inProgress"));
    expect(f?.outcome).toBe("violation");
    expect(f?.actions).toEqual([{ type: "transition", status: "inProgress" }]);
  });

  it("allows the transition from the required status", () => {
    expect(runRule(rule, guard, ticket({ status: "production" }), move("checked"))).toEqual([]);
  });

  it("only comments when told to", () => {
    const [f] = runRule(
      rule,
      { guards: [{ to: "production", after: ["checked"], action: "comment" }] },
      ticket({ status: "production" }),
      move("new"),
    );
    expect(f?.actions).toEqual([]);
  });

  it("checks who closes when byReporter is set", () => {
    const options = { guards: [{ to: "closed", byReporter: true, action: "comment" }] };
    const byOther = change({ field: "status", from: "feedback", to: "closed", actor: { id: "dev" } });
    const byReporter = change({ field: "status", from: "feedback", to: "closed", actor: { id: "ivanov" } });
    expect(runRule(rule, options, ticket({ status: "closed" }), byOther)).toHaveLength(1);
    expect(runRule(rule, options, ticket({ status: "closed" }), byReporter)).toEqual([]);
  });
});
