import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ruleCatalogue } from "../../../policies/rules/index.js";
import rule, { patternsOf, wordsOf } from "../../../policies/rules/template-completeness.js";
import { loadPack } from "../../../src/engine/pack-loader.js";
import type { ReglamentError } from "../../../src/errors/catalogue.js";
import { isLinear } from "../../../src/text/linear.js";
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

  it("refuses, in the pack, at the option, a pattern RE2 cannot run, saying what to change", () => {
    const dir = mkdtempSync(join(tmpdir(), "reglament-pack-"));
    writeFileSync(
      join(dir, "toy.yaml"),
      `id: toy
regulation: { file: toy.txt, title: { ru: Тест, en: Test } }
tracker: any
vocabulary:
  statuses:
    new: { phase: new, ru: Новая, en: New }
rules:
  - rule: template-completeness
    section: "2.1"
    options:
      parts:
        - { name: логин, patterns: ["логин", '(?<![а-я])шаг'] }
`,
    );
    let problems: readonly string[] = [];
    try {
      loadPack("toy", { rules: ruleCatalogue, dir });
    } catch (err) {
      problems = (err as ReglamentError).details;
      expect((err as ReglamentError).code).toBe("REG_PACK_INVALID");
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^pack toy, rule template-completeness \(pack\) option \S+toy\.yaml:12:\d+ parts\[0\]\.patterns\[1\]: the pattern \/\(\?<!\[а-я\]\)шаг\/ cannot run on RE2/,
    );
    expect(problems[0]).toMatch(/no look-around .* match the neighbouring text itself instead/);
  });

  it("answers on RE2 for a 100 KB description made to make its patterns backtrack", () => {
    const part = {
      name: "версия",
      patterns: ["верси\\S*\\s*\\d"],
      in: "text" as const,
      attachmentCounts: false,
    };
    expect(patternsOf(part).every(isLinear)).toBe(true);
    expect(wordsOf("Терапия; Хирургия")!.every(isLinear)).toBe(true);
    const hostile = `версия${" ".repeat(100_000)}x${"версиииии".repeat(2_000)}`;
    const [f] = runRule(rule, { parts: [part] }, ticket({ description: hostile }), created());
    expect(f?.data?.parts).toBe("версия");
    const dept = { parts: [{ name: "отделение", wordsFrom: { param: "departments" } }] };
    const words = runRule(rule, dept, ticket({ description: "Терапияя".repeat(12_500) }), created(), {
      params: { departments: "Терапия" },
    });
    expect(words).toHaveLength(1);
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
