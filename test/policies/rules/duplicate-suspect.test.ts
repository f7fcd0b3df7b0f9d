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
    const [f] = runRule(rule, {}, t, created(), { openTickets: [open] });
    expect(f?.data?.others).toBe("90 (https://m/90)");
    expect(f?.actions).toEqual([{ type: "addLabel", label: "possible-duplicate" }]);
    expect(f?.actions?.some((a) => a.type === "transition")).toBe(false);
  });

  it("ignores different problems, other reporters and updates", () => {
    expect(
      runRule(rule, {}, ticket({ title: "Не печатается отчёт по диспансеризации" }), created(), {
        openTickets: [open],
      }),
    ).toEqual([]);
    const other = { ...open, reporter: { id: "someone" } };
    expect(
      runRule(rule, { among: "reporter" }, ticket({ title: open.title }), created(), {
        openTickets: [other],
      }),
    ).toEqual([]);
    expect(
      runRule(
        rule,
        {},
        ticket({ title: open.title }),
        change({ field: "title", from: "a", to: "b", actor: { id: "x" } }),
        { openTickets: [open] },
      ),
    ).toEqual([]);
  });

  it("measures token similarity on word stems", () => {
    expect(similarity(titleTokens("Карта пациента"), titleTokens("карты пациентов"))).toBe(1);
    expect(similarity(titleTokens("a b"), titleTokens(""))).toBe(0);
  });

  it("Приложение 3, п. 2 «дублирует ранее созданное не закрытое обращение»: compares with every open ticket, not only the reporter's; asks line 1 to confirm", () => {
    const other = { ...open, reporter: { id: "someone" } };
    const [f] = runRule(rule, { duplicateStatus: "duplicate" }, ticket({ title: open.title }), created(), {
      openTickets: [other],
    });
    expect(f?.messageId).toBe("suspect");
    expect(f?.data?.confirm).toBe("статус «duplicate»");
  });

  it("«закрывается как дубликат со ссылкой на обращение»: when line 1 confirms, the link to the original is written and the ticket closed as a duplicate", () => {
    const suspect = ticket({ title: open.title, labels: ["possible-duplicate"] });
    const options = { duplicateStatus: "duplicate", confirmLabel: "дубликат" };
    const byLabel = change({
      field: "labels",
      from: ["possible-duplicate"],
      to: ["possible-duplicate", "дубликат"],
      actor: { id: "pltp", role: "line1" },
    });
    const [f] = runRule(rule, options, { ...suspect, labels: ["possible-duplicate", "дубликат"] }, byLabel, {
      openTickets: [open],
    });
    expect(f).toMatchObject({
      messageId: "closedAsDuplicate",
      data: { original: "90 (https://m/90)" },
      actions: [{ type: "transition", status: "duplicate" }],
      explain: true,
    });
    const byStatus = change({
      field: "status",
      from: "new",
      to: "duplicate",
      actor: { id: "pltp", role: "line1" },
    });
    const [g] = runRule(rule, options, { ...suspect, status: { value: "duplicate" } }, byStatus, {
      openTickets: [open],
    });
    expect(g).toMatchObject({ messageId: "closedAsDuplicate", actions: [] });
    // Not line 1, or no original among the open tickets: nothing.
    const byOther = change({
      field: "status",
      from: "new",
      to: "duplicate",
      actor: { id: "vltp", role: "line2" },
    });
    expect(
      runRule(rule, options, { ...suspect, status: { value: "duplicate" } }, byOther, {
        openTickets: [open],
      }),
    ).toEqual([]);
    expect(
      runRule(rule, options, { ...suspect, status: { value: "duplicate" } }, byStatus, { openTickets: [] }),
    ).toEqual([]);
    expect(rule.readsOpenTickets?.(rule.options.parse(options), suspect, byStatus)).toBe(true);
  });
});
