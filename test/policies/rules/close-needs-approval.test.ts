import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/close-needs-approval.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, ticket } from "../../helpers/tickets.js";

/** e-Recipe 4.1, MIS remarks: «До устранения замечаний задача остается открытой … по согласованию с руководителем … закрывает задачу». */
const options = {
  labelPrefix: { param: "misLabelPrefix" },
  approver: { param: "headOfSupport" },
  confirmedLabel: { param: "misFixedLabel" },
  revertTo: "new",
};
const params = { misLabelPrefix: "МИС: ", headOfSupport: "solovei", misFixedLabel: "МИС устранено" };
const closedBy = (id: string) =>
  change({ field: "status", from: "new", to: "closed", actor: { id, role: "line1" } });
const mis = (over = {}) => ticket({ status: "closed", labels: ["Priority: Low", "МИС: Клиника"], ...over });
const run = (t: ReturnType<typeof ticket>, c = closedBy("nedaboi"), p: Record<string, unknown> = params) =>
  runRule(rule, options, t, c, { params: p });

describe("close-needs-approval (e-Recipe, MIS remarks)", () => {
  it("4.1 «До устранения замечаний задача остается открытой»: closed without the head of support → reopened and explained", () => {
    expect(run(mis())).toEqual([
      expect.objectContaining({
        outcome: "violation",
        messageId: "reopened",
        actions: [{ type: "transition", status: "new" }],
        data: { label: "МИС: Клиника", approver: "solovei" },
        explain: true,
      }),
    ]);
  });

  it("the agreement: the head of support closes it, has written on it, or the fix-confirmed label is there", () => {
    expect(run(mis(), closedBy("solovei"))).toEqual([]);
    const note = {
      id: "c1",
      author: { id: "solovei" },
      body: "Согласовано",
      createdAt: "2026-02-20T11:00:00+03:00",
    };
    expect(run(mis({ comments: [note] }))).toEqual([]);
    expect(run(mis({ labels: ["МИС: Клиника", "МИС устранено"] }))).toEqual([]);
  });

  it("stays quiet for an issue of no vendor, another status, or while the deployment names no vendor labels", () => {
    expect(run(mis({ labels: ["Priority: Low"] }))).toEqual([]);
    expect(
      run(
        mis({ status: "new" }),
        change({ field: "labels", from: [], to: ["МИС: Клиника"], actor: { id: "x" } }),
      ),
    ).toEqual([]);
    expect(run(mis(), closedBy("nedaboi"), { headOfSupport: "solovei" })).toEqual([]);
  });

  it("without revertTo only explains", () => {
    const [f] = runRule(rule, { ...options, revertTo: undefined }, mis(), closedBy("nedaboi"), { params });
    expect(f).toMatchObject({ messageId: "unapproved", actions: [] });
  });
});
