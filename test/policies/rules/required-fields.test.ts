import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/required-fields.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

describe("required-fields", () => {
  it("lists the empty fields on creation", () => {
    const [f] = runRule(
      rule,
      { fields: ["title", "description", "type"] },
      ticket({ description: "  ", type: undefined }),
      created(),
    );
    expect(f?.data?.fields).toBe("«Описание», «Категория»");
    expect(f?.actions).toBeUndefined();
  });

  it("rejects back to the reporter in reject mode", () => {
    const [f] = runRule(
      rule,
      { fields: ["priority"], mode: "reject" },
      ticket({ priority: undefined }),
      created(),
    );
    expect(f?.actions).toEqual([
      { type: "transition", status: "feedback" },
      { type: "assign", to: "ivanov" },
    ]);
  });

  it("checks on creation only by default, always when asked, or in given phases", () => {
    const update = change({ field: "title", from: "a", to: "b", actor: { id: "x" } });
    const t = ticket({ assignee: undefined, status: "inProgress" });
    expect(runRule(rule, { fields: ["assignee"] }, t, update)).toEqual([]);
    expect(runRule(rule, { fields: ["assignee"], on: "always" }, t, update)).toHaveLength(1);
    expect(runRule(rule, { fields: ["assignee"], on: { phases: ["in_progress"] } }, t, update)).toHaveLength(
      1,
    );
    expect(runRule(rule, { fields: ["assignee"], on: { phases: ["new"] } }, t, update)).toEqual([]);
  });

  it("addresses the configured person", () => {
    const [f] = runRule(
      rule,
      { fields: ["assignee"], addressTo: { param: "head" } },
      ticket({ assignee: undefined }),
      created(),
      { params: { head: "soloviei" } },
    );
    expect(f?.data?.to).toBe("@soloviei, ");
  });
});
