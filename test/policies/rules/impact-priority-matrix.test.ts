import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/impact-priority-matrix.js";
import { runRule } from "../../helpers/rule-harness.js";
import { created, ticket } from "../../helpers/tickets.js";

const matrix = { tweak: ["low", "normal"], block: ["immediate"] };

describe("impact-priority-matrix", () => {
  it("correct mode clamps into the allowed range", () => {
    const [low] = runRule(
      rule,
      { matrix, mode: "correct" },
      ticket({ impact: "tweak", priority: "none" }),
      created(),
    );
    expect(low?.actions).toEqual([{ type: "setField", field: "priority", value: "low" }]);
    const [high] = runRule(
      rule,
      { matrix, mode: "correct" },
      ticket({ impact: "tweak", priority: "urgent" }),
      created(),
    );
    expect(high?.actions).toEqual([{ type: "setField", field: "priority", value: "normal" }]);
  });

  it("reject mode returns the ticket to the reporter in the reject status", () => {
    const [f] = runRule(
      rule,
      { matrix, mode: "reject", rejectStatus: "needInfo" },
      ticket({ impact: "block", priority: "low" }),
      created(),
    );
    expect(f?.actions).toEqual([
      { type: "transition", status: "needInfo" },
      { type: "assign", to: "ivanov" },
    ]);
  });

  it("comment mode only explains", () => {
    const [f] = runRule(
      rule,
      { matrix, mode: "comment" },
      ticket({ impact: "block", priority: "low" }),
      created(),
    );
    expect(f?.actions).toBeUndefined();
    expect(f?.explain).toBe(true);
  });

  it("an impact missing from the matrix (trivial) is itself a violation", () => {
    const [f] = runRule(rule, { matrix }, ticket({ impact: "trivial", priority: "low" }), created());
    expect(f?.messageId).toBe("impactNotAllowed");
  });

  it("rejects a matrix naming an unknown priority", () => {
    expect(rule.options.safeParse({ matrix: { block: ["asap"] } }).success).toBe(false);
  });
});
