import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/reporter-allowed.js";
import { runRule } from "../../helpers/rule-harness.js";
import { created, ticket } from "../../helpers/tickets.js";

const options = { roles: ["line1"], users: ["trusted"], notify: { user: "head" } };

describe("reporter-allowed", () => {
  it("tells the head about a ticket from a non-designated reporter", () => {
    const [f] = runRule(rule, options, ticket({ reporter: { id: "x" } }), created({ id: "x" }));
    expect(f?.data).toEqual({ notify: "head", reporter: "x" });
  });

  it("accepts designated roles and listed users", () => {
    expect(runRule(rule, options, ticket(), created())).toEqual([]);
    expect(
      runRule(rule, options, ticket({ reporter: { id: "trusted" } }), created({ id: "trusted" })),
    ).toEqual([]);
  });
});
