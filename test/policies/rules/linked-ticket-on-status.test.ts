import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/linked-ticket-on-status.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, ticket } from "../../helpers/tickets.js";

const options = {
  label: "Авария",
  project: "grp/support",
  title: "Отчёт об аварии {key}",
  purpose: "отчёт",
  labels: ["Priority: High"],
};
const close = change({ field: "status", from: "new", to: "closed", actor: { id: "op" } });

describe("linked-ticket-on-status", () => {
  it("creates the required linked issue when an accident ticket closes", () => {
    const [f] = runRule(rule, options, ticket({ labels: ["Авария"], status: "closed" }), close);
    expect(f?.actions).toEqual([
      {
        type: "createLinked",
        project: "grp/support",
        title: "Отчёт об аварии 101",
        description: "101",
        labels: ["Priority: High"],
        link: "relates_to",
      },
    ]);
  });

  it("does nothing without the label or before the phase", () => {
    expect(runRule(rule, options, ticket({ status: "closed" }), close)).toEqual([]);
    const progress = change({ field: "status", from: "new", to: "inProgress", actor: { id: "op" } });
    expect(runRule(rule, options, ticket({ labels: ["Авария"], status: "inProgress" }), progress)).toEqual(
      [],
    );
  });
});
