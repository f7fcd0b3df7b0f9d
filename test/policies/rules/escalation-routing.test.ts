import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/escalation-routing.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

const l2 = { trigger: { label: "L2" }, toLine: 2, reason: "Эскалация" };

describe("escalation-routing", () => {
  it("moves the ticket to the line-2 queue and raises ticket.escalated when the label is added", () => {
    const c = change({
      field: "labels",
      from: ["bug"],
      to: ["bug", "L2"],
      actor: { id: "op1", role: "line1" },
    });
    const [f] = runRule(rule, l2, ticket({ labels: ["bug", "L2"], line: 1 }), c);
    expect(f?.actions).toEqual([{ type: "setField", field: "line", value: 2 }]);
    expect(f?.alerts).toEqual(["ticket.escalated"]);
    expect(f?.outcome).toBe("info");
  });

  it("does not fire again when the label was already there", () => {
    const c = change({ field: "labels", from: ["L2"], to: ["L2", "x"], actor: { id: "op1" } });
    expect(runRule(rule, l2, ticket({ labels: ["L2", "x"], line: 2 }), c)).toEqual([]);
  });

  it("assigns the configured owner, from a pack parameter", () => {
    const options = {
      trigger: { label: "L1: Infrastructure" },
      assignTo: { param: "infrastructureOwner" },
      alerts: [],
      reason: "Инфраструктура",
    };
    const [f] = runRule(rule, options, ticket({ labels: ["L1: Infrastructure"] }), created(), {
      params: { infrastructureOwner: "bortnik" },
    });
    expect(f?.actions).toEqual([{ type: "assign", to: "bortnik" }]);
  });

  it("throws a precise error when the parameter is not configured", () => {
    const options = { trigger: { label: "X" }, assignTo: { param: "owner" }, reason: "r" };
    expect(() => runRule(rule, options, ticket({ labels: ["X"] }), created())).toThrow(
      /packs\.test-pack\.params\.owner/,
    );
  });

  it("requires the companion labels", () => {
    const options = {
      trigger: { label: "L1: Infrastructure", withLabels: ["Priority: High"] },
      reason: "r",
      comment: false,
    };
    expect(runRule(rule, options, ticket({ labels: ["L1: Infrastructure"] }), created())).toEqual([]);
    const [f] = runRule(
      rule,
      options,
      ticket({ labels: ["L1: Infrastructure", "Priority: High"] }),
      created(),
    );
    expect(f?.alerts).toEqual(["ticket.escalated"]);
    expect(f?.explain).toBe(false);
  });

  it("fires on entering a status", () => {
    const options = { trigger: { status: "production" }, toLine: 3, reason: "r" };
    const c = change({ field: "status", from: "checked", to: "production", actor: { id: "a" } });
    expect(runRule(rule, options, ticket({ status: "production" }), c)).toHaveLength(1);
  });

  it("rejects a trigger with two conditions", () => {
    expect(rule.options.safeParse({ trigger: { label: "a", status: "b" }, reason: "r" }).success).toBe(false);
  });
});
