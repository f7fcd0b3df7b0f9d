import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/reason-required-on-type-change.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, ticket } from "../../helpers/tickets.js";

const typeChange = (role: "line1" | "line2" | "line3", reason?: string) =>
  change({
    kind: "updated",
    actor: { id: "spec", role },
    fields: [{ field: "type", from: "Ошибка", to: "Консультация" }],
    ...(reason
      ? { comment: { id: "1", author: { id: "spec" }, body: reason, createdAt: "2026-02-20T10:00:00+03:00" } }
      : {}),
  });

describe("reason-required-on-type-change", () => {
  it("asks line 2 and 3 for a reason", () => {
    expect(runRule(rule, {}, ticket(), typeChange("line2"))).toHaveLength(1);
    expect(runRule(rule, {}, ticket(), typeChange("line3"))).toHaveLength(1);
  });

  it("accepts a change with a reason, and any change by line 1", () => {
    expect(runRule(rule, {}, ticket(), typeChange("line2", "Это вопрос по работе, не ошибка"))).toEqual([]);
    expect(runRule(rule, {}, ticket(), typeChange("line1"))).toEqual([]);
  });
});
