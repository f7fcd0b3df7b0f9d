import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/comment-on-final-status.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, ticket } from "../../helpers/tickets.js";

const comment = (role?: "line2") =>
  change({
    kind: "commented",
    actor: { id: "client", ...(role ? { role } : {}) },
    comment: {
      id: "9",
      author: { id: "client" },
      body: "А когда исправите?",
      createdAt: "2026-02-20T10:00:00+03:00",
    },
  });

describe("comment-on-final-status", () => {
  it("answers a customer's comment on a closed ticket, quoting its number", () => {
    const [f] = runRule(
      rule,
      {},
      ticket({ ref: { tracker: "yandex", id: "SUPPORT-42" }, status: "closed" }),
      comment(),
    );
    expect(f?.outcome).toBe("violation");
    expect(f?.data?.key).toBe("SUPPORT-42");
    expect(f?.explain).toBe(true);
  });

  it("treats cancelled phases as final by default", () => {
    expect(runRule(rule, {}, ticket({ status: "duplicate" }), comment())).toHaveLength(1);
  });

  it("stays silent on an open ticket and for support staff", () => {
    expect(runRule(rule, {}, ticket({ status: "inProgress" }), comment())).toEqual([]);
    expect(runRule(rule, {}, ticket({ status: "closed" }), comment("line2"))).toEqual([]);
  });

  it("uses the listed statuses when given", () => {
    expect(runRule(rule, { statuses: ["closed"] }, ticket({ status: "duplicate" }), comment())).toEqual([]);
  });

  it("ignores changes that are not comments", () => {
    expect(
      runRule(
        rule,
        {},
        ticket({ status: "closed" }),
        change({ field: "title", from: "a", to: "b", actor: { id: "x" } }),
      ),
    ).toEqual([]);
  });
});
