import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/assignee-on-status.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, ticket } from "../../helpers/tickets.js";

const options = { requirements: [{ status: "feedback", assignee: "reporter", requireComment: true }] };

describe("assignee-on-status", () => {
  it("reassigns to the reporter and asks for the question", () => {
    const c = change({ field: "status", from: "inProgress", to: "feedback", actor: { id: "dev" } });
    const f = runRule(rule, options, ticket({ status: "feedback", assignee: { id: "dev" } }), c);
    expect(f.map((x) => x.messageId)).toEqual(["reassigned", "commentMissing"]);
    expect(f[0]?.actions).toEqual([{ type: "assign", to: "ivanov" }]);
  });

  it("does nothing for other statuses or when the status did not change", () => {
    const other = change({ field: "status", from: "new", to: "inProgress", actor: { id: "dev" } });
    expect(runRule(rule, options, ticket({ status: "inProgress" }), other)).toEqual([]);
    const title = change({ field: "title", from: "a", to: "b", actor: { id: "dev" } });
    expect(runRule(rule, options, ticket({ status: "feedback", assignee: { id: "dev" } }), title)).toEqual(
      [],
    );
  });
});
