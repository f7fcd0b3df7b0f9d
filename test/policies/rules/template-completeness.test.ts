import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/template-completeness.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

const options = {
  requestStatus: "needInfo",
  parts: [
    { name: "логин", patterns: ["логин", "login"] },
    { name: "шаги", patterns: ["шаг", "воспроизв", "кнопк"] },
  ],
};

describe("template-completeness", () => {
  it("requests the missing parts and moves the ticket to need-info", () => {
    const [f] = runRule(rule, options, ticket({ description: "Не печатается рецепт" }), created());
    expect(f?.data?.parts).toBe("логин, шаги");
    expect(f?.actions).toEqual([{ type: "transition", status: "needInfo" }]);
  });

  it("names only what is missing", () => {
    const [f] = runRule(
      rule,
      options,
      ticket({ description: "Логин: doctor1. Не печатается рецепт" }),
      created(),
    );
    expect(f?.data?.parts).toBe("шаги");
  });

  it("is satisfied by a complete description, and only checks on creation", () => {
    const full = ticket({ description: "Логин doctor1; нажимаю кнопку «Печать» в карте 123" });
    expect(runRule(rule, options, full, created())).toEqual([]);
    expect(
      runRule(
        rule,
        options,
        ticket({ description: "x" }),
        change({ field: "title", from: "a", to: "b", actor: { id: "x" } }),
      ),
    ).toEqual([]);
  });

  it("refuses an invalid regular expression at load", () => {
    expect(rule.options.safeParse({ parts: [{ name: "x", patterns: ["("] }] }).success).toBe(false);
  });

  it("MGERM «Тема письма — … наименование отделения в клинике»: the subject names one of the departments the deployment lists; unlisted, not asked", () => {
    const dept = { parts: [{ name: "отделение в теме", in: "title", wordsFrom: { param: "departments" } }] };
    const params = { departments: "Терапия; Детское отделение\nСтоматология" };
    const run = (title: string, p: Record<string, unknown> = params) =>
      runRule(rule, dept, ticket({ title, description: "Терапия" }), created(), { params: p });
    expect(run("Не открывается расписание")[0]?.data?.parts).toBe("отделение в теме");
    expect(run("Детское отделение: не открывается расписание")).toEqual([]);
    expect(run("стоматология — нет записи")).toEqual([]);
    // A word inside another is not the department.
    expect(run("Нетерапияный отчёт")).toHaveLength(1);
    expect(run("Не открывается расписание", {})).toEqual([]);
    expect(rule.options.safeParse({ parts: [{ name: "x" }] }).success).toBe(false);
  });

  it("AURA 3.3 «скриншот (при наличии)»: a file attached stands for a part that allows it", () => {
    const shot = {
      parts: [{ name: "скриншот или технические детали", attachmentCounts: true, patterns: ["ошибк"] }],
    };
    expect(runRule(rule, shot, ticket({ description: "Не печатает" }), created())).toHaveLength(1);
    expect(
      runRule(
        rule,
        shot,
        ticket({ description: "Не печатает", attachments: [{ name: "shot.png" }] }),
        created(),
      ),
    ).toEqual([]);
  });
});
