import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/auto-assign.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

/** Krasnoyarsk, Appendix 2, status «Новый»: «при корректном заполнении … автоматически назначается на исполнителя по заданным правилам». */
const options = {
  assignments: [
    { types: ["Консультация"], toLine: 1 },
    { types: ["Ошибка"], projects: ["emk"], assignTo: { param: "emkDuty" } },
    { types: ["Ошибка"], assignTo: { user: "vltp-duty" }, toLine: 2 },
  ],
};
const filled = {
  ref: { tracker: "yandex" as const, id: "K-1", project: "mis" },
  status: "new",
  title: "Ошибка записи",
  description: "Не сохраняется запись на приём",
  type: "Ошибка",
  priority: "normal" as const,
  assignee: undefined,
};
const run = (t: ReturnType<typeof ticket>, c = created(), o: object = options) =>
  runRule(rule, o, t, c, { params: { emkDuty: "emk-lead" } });

describe("auto-assign (Krasnoyarsk, Appendix 2 «Новый»)", () => {
  it("Приложение 2 «Новый»: a correctly filled new ticket goes to the executor of the first matching rule", () => {
    expect(run(ticket(filled))).toEqual([
      expect.objectContaining({
        outcome: "info",
        actions: [
          { type: "setField", field: "line", value: 2 },
          { type: "assign", to: "vltp-duty" },
        ],
      }),
    ]);
    expect(run(ticket({ ...filled, ref: { ...filled.ref, project: "emk" } }))[0]?.actions).toEqual([
      { type: "assign", to: "emk-lead" },
    ]);
    expect(run(ticket({ ...filled, type: "Консультация", line: 2 }))[0]?.actions).toEqual([
      { type: "setField", field: "line", value: 1 },
    ]);
  });

  it("a ticket not correctly filled waits: it is distributed when the missing field is given", () => {
    expect(run(ticket({ ...filled, description: "" }))).toEqual([]);
    const given = change({ field: "description", from: "", to: filled.description, actor: { id: "clinic" } });
    expect(run(ticket(filled), given)[0]?.actions).toContainEqual({ type: "assign", to: "vltp-duty" });
  });

  it("leaves alone a ticket already assigned, no longer new, of no rule's type, or changed in another field; no rules, nothing", () => {
    expect(run(ticket({ ...filled, assignee: { id: "ivanov" } }))).toEqual([]);
    expect(run(ticket({ ...filled, status: "inProgress" }))).toEqual([]);
    expect(run(ticket({ ...filled, type: "Прочее" }))).toEqual([]);
    expect(
      run(ticket(filled), change({ field: "labels", from: [], to: ["x"], actor: { id: "clinic" } })),
    ).toEqual([]);
    expect(run(ticket(filled), created(), {})).toEqual([]);
  });

  it("refuses a rule that says nowhere to go", () => {
    expect(() => rule.options.parse({ assignments: [{ types: ["Ошибка"] }] })).toThrow(
      /say where the ticket goes/,
    );
  });
});
