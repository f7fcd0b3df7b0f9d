import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/one-problem-per-ticket.js";
import { severalProblems } from "../../../policies/support/several-problems.js";
import { matchCaps } from "../../../src/text/bounds.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

/** Krasnoyarsk Appendix 3 «Атомарность», AURA 3.3: «одному запросу соответствует одна проблема». */
describe("what reads as several problems", () => {
  it.each([
    [
      "a numbered list of faults",
      "1. Не открывается ЭМК пациента\n2. Не печатаются рецепты\n3. Зависает расписание",
    ],
    [
      "a bulleted list of faults",
      "Проблемы после обновления:\n- не сохраняется направление\n• ошибка при подписи ЭЦП",
    ],
    [
      "«кроме того» joining another symptom",
      "Не открывается карта пациента. Кроме того, не формируется отчёт по приёмам.",
    ],
    ["«а также»", "При входе ошибка авторизации, а также не загружается список врачей"],
    ["«и ещё»", "Не работает печать направлений. И ещё пропали записи на 15 марта."],
    ["two error codes", "При открытии ЭМК ошибка 500, при сохранении рецепта ошибка 403"],
    [
      "two error texts",
      "Появляется ошибка «Нет доступа к регистру», а в журнале ошибка «Таймаут соединения»",
    ],
    ["an English «also»", "The schedule does not load. Also the printer fails on every referral."],
  ])("%s", (_what, text) => expect(severalProblems(text)).toBeDefined());

  it.each([
    [
      "a single fault in numbered steps",
      "Шаги:\n1. Открыть ЭМК пациента\n2. Нажать кнопку «Печать»\n3. Появляется ошибка 500",
    ],
    [
      "a single fault told at length",
      "Не открывается ЭМК пациента. Перезагрузка не помогла, кэш очищали, пробовали в другом браузере.",
    ],
    [
      "«также» about what was tried",
      "Не сохраняется направление. Также пробовали войти под другим пользователем — не помогло.",
    ],
    ["the same error twice", "Ошибка 500 при открытии карты; после обновления страницы снова ошибка 500"],
    ["a consultation", "Подскажите, пожалуйста, как выписать льготный рецепт на два месяца"],
    [
      "a list of details, one fault",
      "Данные:\n- логин ivanova\n- карта 12345\n- браузер Chrome\nНе открывается карта.",
    ],
  ])("not %s", (_what, text) => expect(severalProblems(text)).toBeUndefined());
});

describe("one-problem-per-ticket", () => {
  const several = "1. Не открывается ЭМК пациента Иванов И. И. 12.03.1980 г.р.\n2. Не печатаются рецепты";
  it("Приложение 3 «Атомарность»: asks to split a ticket that tells of several problems, closes nothing", () => {
    const [f] = runRule(rule, {}, ticket({ description: several }), created());
    expect(f).toMatchObject({ outcome: "violation", messageId: "several", actions: [], explain: true });
    expect(f?.data?.why).toBe("в списке перечислено несколько неисправностей");
    // The parts are quoted back, never with personal data.
    expect(String(f?.data?.parts)).not.toMatch(/12\.03\.1980/);
  });

  it("redacts the whole description before it cuts out a part: no cut hides a number or a name", () => {
    const description =
      "1. Не открывается ЭМК пациента ПЕТРОВ ПЁТР ПЕТРОВИЧ 01/02/1980, СНИЛС 112 233 445 95\n" +
      "2. Не печатаются рецепты пациента Иванова И.И.\n3. д.р. 12.03.1985";
    const [f] = runRule(rule, {}, ticket({ description }), created());
    expect(String(f?.data?.parts)).toMatch(/^«Не открывается ЭМК пациента \[birthdate-with-name\]/);
    expect(String(f?.data?.parts)).not.toMatch(/ПЕТРОВ|01\/0|112|Иванова/);
  });

  it("does not quote the last line of a description cut at the matching cap: it may end in half a number", () => {
    const head = `1. Не открывается ЭМК\n2. Не печатаются рецепты ${"а".repeat(100)}\n`;
    const cut = `${head}3. Не работает печать, СНИЛС 112-233-4`.padStart(matchCaps.description, " ");
    const [f] = runRule(rule, {}, ticket({ description: cut }), created());
    expect(String(f?.data?.parts)).toContain("Не печатаются рецепты");
    expect(String(f?.data?.parts)).not.toMatch(/112|233/);
  });

  it("judges the creation, and an edited description only with on: edit", () => {
    const edited = change({ field: "description", from: "", to: several, actor: { id: "clinic" } });
    expect(runRule(rule, {}, ticket({ description: several }), edited)).toEqual([]);
    expect(runRule(rule, { on: "edit" }, ticket({ description: several }), edited)).toHaveLength(1);
    expect(runRule(rule, {}, ticket({ description: "Не открывается ЭМК" }), created())).toEqual([]);
  });
});
