import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/reopen-on-disagreement.js";
import { disagreement } from "../../../policies/support/disagreement.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, ticket } from "../../helpers/tickets.js";

/** AURA 3.5: «В случае аргументированного несогласия заказчика с завершением запроса, выполнение запроса продолжается». */
const options = { statuses: ["resolved"], to: "inProgress" };
const statuses = {
  inProgress: { phase: "in_progress" },
  resolved: { phase: "resolved" },
  closed: { phase: "closed" },
};
const resolved = ticket({ status: "resolved", reporter: { id: "clinic" } });
const says = (body: string, author = "clinic", isPublic = true) =>
  change({
    kind: "commented",
    actor: { id: author },
    comment: {
      id: "c1",
      author: { id: author },
      body,
      public: isPublic,
      createdAt: "2026-02-20T12:00:00+03:00",
    },
  });
const run = (t: ReturnType<typeof ticket>, c: ReturnType<typeof says>) =>
  runRule(rule, options, t, c, { statuses });

describe("reopen-on-disagreement (AURA 3.5)", () => {
  it("3.5: a reasoned disagreement while the request awaits confirmation sends it back to work", () => {
    const [f] = run(resolved, says("Не согласны: справки по-прежнему не печатаются на втором принтере"));
    expect(f).toMatchObject({
      outcome: "violation",
      messageId: "reopened",
      actions: [{ type: "transition", status: "inProgress" }],
      explain: true,
    });
  });

  it("a bare «не согласен» is answered with a request for the reasons, the status kept", () => {
    expect(run(resolved, says("Не согласен!"))).toEqual([
      expect.objectContaining({ outcome: "info", messageId: "reasonsAsked", actions: [] }),
    ]);
  });

  it("someone else's words, a private note, a request no longer awaiting confirmation are not the customer's disagreement", () => {
    const reasoned = "Проблема осталась: при печати справки программа снова зависает через минуту";
    expect(run(resolved, says(reasoned, "support"))).toEqual([]);
    expect(run(resolved, says(reasoned, "clinic", false))).toEqual([]);
    expect(run(ticket({ status: "closed", reporter: { id: "clinic" } }), says(reasoned))).toEqual([]);
  });
});

describe("what reads as disagreement", () => {
  it.each([
    "Не согласна с закрытием, ошибка повторяется при каждой записи",
    "Проблема не решена, карта пациента всё ещё не открывается",
    "Ничего не помогло",
    "Справки по-прежнему не печатаются",
    "После обновления опять ошибка 500",
    "Ошибка никуда не делась",
    "It is still not fixed after the update",
  ])("«%s»", (text) => expect(disagreement(text)).toBe(true));

  it.each([
    "Спасибо, всё работает",
    "Проблема решена, закрывайте",
    "Теперь снова работает, спасибо",
    "Согласны, вопрос снят",
    "Нерешённых вопросов нет",
    "Thanks, it works now",
  ])("not «%s»", (text) => expect(disagreement(text)).toBe(false));
});
