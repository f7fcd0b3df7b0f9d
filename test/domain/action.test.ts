import { describe, expect, it } from "vitest";
import { type Action, describeAction } from "../../src/domain/action.js";

const actions: Action[] = [
  { type: "setField", field: "priority", value: "immediate" },
  { type: "setField", field: "customField", value: 3 },
  { type: "addLabel", label: "L2" },
  { type: "removeLabel", label: "Priority: Low" },
  { type: "transition", status: "needInfo" },
  { type: "assign", to: "petrova" },
  {
    type: "createLinked",
    project: "FHIR-BY/ehr.platform",
    title: "Доработка",
    description: "",
    labels: [],
    link: "relates_to",
  },
  { type: "comment", body: "Первая строка\nвторая", public: false },
];

describe("describeAction", () => {
  it("says each action in English by default, as the audit report and other callers read it", () => {
    expect(actions.map((a) => describeAction(a))).toEqual([
      'set priority = "immediate"',
      "set customField = 3",
      'add label "L2"',
      'remove label "Priority: Low"',
      "transition to needInfo",
      "assign to petrova",
      'create linked issue in FHIR-BY/ehr.platform: "Доработка"',
      "comment: Первая строка",
    ]);
  });

  it("says each in Russian when asked, the neutral values as they are", () => {
    expect(actions.map((a) => describeAction(a, { language: "ru" }))).toEqual([
      'установить приоритет = "immediate"',
      "установить customField = 3",
      "добавить метку «L2»",
      "снять метку «Priority: Low»",
      "перевести в статус needInfo",
      "назначить исполнителем petrova",
      "создать связанную задачу в FHIR-BY/ehr.platform: «Доработка»",
      "комментарий: Первая строка",
    ]);
    // A field named like what every object inherits is a field name, not a word of the table.
    expect(describeAction({ type: "setField", field: "constructor", value: 1 }, { language: "ru" })).toBe(
      "установить constructor = 1",
    );
  });

  it("shows a comment whole under its kind and visibility, in either language", () => {
    const comment = actions.at(-1)!;
    expect(describeAction(comment, { indent: "  ", language: "ru" })).toBe(
      "комментарий (внутренний):\n  Первая строка\n  вторая",
    );
    expect(describeAction({ type: "comment", body: "x", public: true }, { indent: "" })).toBe(
      "comment (public):\nx",
    );
  });

  it("redacts personal data in every language and form", () => {
    const snils = "112-233-445 95";
    const comment: Action = { type: "comment", body: `СНИЛС ${snils}\nещё`, public: true };
    const label: Action = { type: "addLabel", label: `СНИЛС ${snils}` };
    for (const language of ["ru", "en"] as const)
      for (const text of [
        describeAction(comment, { language }),
        describeAction(comment, { indent: "  ", language }),
        describeAction(label, { language }),
      ]) {
        expect(text).not.toContain(snils);
        expect(text).toContain("[snils]");
      }
  });
});
