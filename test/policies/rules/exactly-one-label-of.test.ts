import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/exactly-one-label-of.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

const options = {
  labels: ["Priority: Low", "Priority: Medium", "Priority: High"],
  groupName: "приоритета",
  missingLabel: "needs-priority",
};
const gl = (labels: string[]) =>
  ticket({ ref: { tracker: "gitlab", id: "7" }, labels, assignee: { id: "op1" } });

describe("exactly-one-label-of", () => {
  it("asks the assignee for a label and marks the ticket when none is set", () => {
    const [f] = runRule(rule, options, gl(["bug"]), created());
    expect(f?.outcome).toBe("violation");
    expect(f?.data?.to).toBe("op1");
    expect(f?.actions).toEqual([{ type: "addLabel", label: "needs-priority" }]);
  });

  it("keeps the highest of several and removes the others", () => {
    const [f] = runRule(
      rule,
      options,
      gl(["Priority: Low", "Priority: High", "Priority: Medium"]),
      created(),
    );
    expect(f?.data?.kept).toBe("Priority: High");
    expect(f?.actions).toEqual([
      { type: "removeLabel", label: "Priority: Low" },
      { type: "removeLabel", label: "Priority: Medium" },
    ]);
  });

  it("is silent with exactly one", () => {
    expect(runRule(rule, options, gl(["Priority: Medium"]), created())).toEqual([]);
  });

  it("removes the marker once a label is set", () => {
    const c = change({
      field: "labels",
      from: ["needs-priority"],
      to: ["needs-priority", "Priority: Low"],
      actor: { id: "op1" },
    });
    const [f] = runRule(rule, options, gl(["needs-priority", "Priority: Low"]), c);
    expect(f?.outcome).toBe("info");
    expect(f?.actions).toEqual([{ type: "removeLabel", label: "needs-priority" }]);
  });

  it("does not ask again while the marker is there", () => {
    const c = change({
      field: "labels",
      from: ["needs-priority"],
      to: ["needs-priority", "x"],
      actor: { id: "op1" },
    });
    expect(runRule(rule, options, gl(["needs-priority", "x"]), c)).toEqual([]);
  });

  it("supports scoped labels by prefix", () => {
    const [f] = runRule(
      rule,
      { prefix: "priority::", labels: ["priority::low", "priority::high"], groupName: "p" },
      gl(["priority::low", "priority::high"]),
      created(),
    );
    expect(f?.actions).toEqual([{ type: "removeLabel", label: "priority::low" }]);
  });

  it("ignores changes that do not touch labels", () => {
    expect(
      runRule(rule, options, gl([]), change({ field: "title", from: "a", to: "b", actor: { id: "x" } })),
    ).toEqual([]);
  });

  it("rejects options without labels or prefix", () => {
    expect(rule.options.safeParse({ groupName: "x" }).success).toBe(false);
  });
});
