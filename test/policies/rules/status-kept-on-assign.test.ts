import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/status-kept-on-assign.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

const options = { statuses: ["new"], into: ["assigned", "inProgress"] };
const head = { id: "petrova", role: "head_of_line2" as const };
const assignedAndMoved = (to: string) =>
  change({
    kind: "updated",
    actor: head,
    fields: [
      { field: "assignee", from: undefined, to: "sidorov" },
      { field: "status", from: "new", to },
    ],
  });

describe("status-kept-on-assign", () => {
  it("puts «Новая» back when the assignment moved the ticket to «Назначена» (MantisBT's auto_set_status_to_assigned)", () => {
    const [f] = runRule(
      rule,
      options,
      ticket({ status: "assigned", assignee: { id: "sidorov" } }),
      assignedAndMoved("assigned"),
    );
    expect(f).toMatchObject({
      outcome: "violation",
      actions: [{ type: "transition", status: "new" }],
      explain: true,
    });
    expect(f?.data).toMatchObject({ from: "new", to: "assigned" });
  });

  it("a ticket created already assigned and «Назначена» is put back to «Новая»", () => {
    const [f] = runRule(
      rule,
      options,
      ticket({ status: "assigned", assignee: { id: "petrova" } }),
      created(),
    );
    expect(f?.actions).toEqual([{ type: "transition", status: "new" }]);
  });

  it("leaves alone an assignment that keeps the status, a move elsewhere, and a status change without an assignment", () => {
    const t = ticket({ status: "new", assignee: { id: "sidorov" } });
    expect(
      runRule(rule, options, t, change({ field: "assignee", from: "petrova", to: "sidorov", actor: head })),
    ).toEqual([]);
    // Returning the ticket to its reporter with a question is a person's decision (5).
    expect(
      runRule(
        rule,
        options,
        ticket({ status: "feedback", assignee: { id: "ivanov" } }),
        assignedAndMoved("feedback"),
      ),
    ).toEqual([]);
    expect(
      runRule(
        rule,
        options,
        ticket({ status: "assigned", assignee: { id: "sidorov" } }),
        change({ field: "status", from: "new", to: "assigned", actor: head }),
      ),
    ).toEqual([]);
  });

  it("only comments when told to", () => {
    const [f] = runRule(
      rule,
      { ...options, action: "comment" },
      ticket({ status: "assigned", assignee: { id: "sidorov" } }),
      assignedAndMoved("assigned"),
    );
    expect(f?.actions).toEqual([]);
  });
});
