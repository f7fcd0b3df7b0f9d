import { describe, expect, it } from "vitest";
import rule, { similarity, titleTokens } from "../../../policies/rules/duplicate-suspect.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

const open = ticket({
  ref: { tracker: "mantis", id: "90", url: "https://m/90" },
  title: "Не открывается карта пациента в регистратуре",
});

describe("duplicate-suspect", () => {
  it("marks a similar new ticket of the same reporter and links the open one", () => {
    const t = ticket({ title: "Не открываются карты пациентов в регистратуре" });
    const [f] = runRule(rule, {}, t, created(), { openTicketsOfReporter: [open] });
    expect(f?.data?.others).toBe("90 (https://m/90)");
    expect(f?.actions).toEqual([{ type: "addLabel", label: "possible-duplicate" }]);
    expect(f?.actions?.some((a) => a.type === "transition")).toBe(false);
  });

  it("ignores different problems, other reporters and updates", () => {
    expect(
      runRule(rule, {}, ticket({ title: "Не печатается отчёт по диспансеризации" }), created(), {
        openTicketsOfReporter: [open],
      }),
    ).toEqual([]);
    const other = { ...open, reporter: { id: "someone" } };
    expect(
      runRule(rule, {}, ticket({ title: open.title }), created(), { openTicketsOfReporter: [other] }),
    ).toEqual([]);
    expect(
      runRule(
        rule,
        {},
        ticket({ title: open.title }),
        change({ field: "title", from: "a", to: "b", actor: { id: "x" } }),
        { openTicketsOfReporter: [open] },
      ),
    ).toEqual([]);
  });

  it("measures token similarity on word stems", () => {
    expect(similarity(titleTokens("Карта пациента"), titleTokens("карты пациентов"))).toBe(1);
    expect(similarity(titleTokens("a b"), titleTokens(""))).toBe(0);
  });
});
