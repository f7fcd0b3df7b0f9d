import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/linked-issue-required.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

/** e-Recipe 4.1 п. 3: a support issue needing a software change gets a linked issue in ehr.platform with a priority label. */
const options = {
  label: { param: "changeLabel" },
  project: "FHIR-BY/ehr.platform",
  labelsAny: ["Priority: Low", "Priority: High"],
  purpose: "задача на доработку",
};
const params = { changeLabel: "Доработка" };
const support = ticket({
  ref: { tracker: "gitlab", id: "S#5" },
  title: "Выгрузка",
  labels: ["Priority: High", "Доработка"],
});
const dev = (labels: string[]) => ({
  project: "FHIR-BY/ehr.platform",
  id: "FHIR-BY/ehr.platform#9",
  title: "x",
  labels,
});
const run = (
  o: object,
  links: ReturnType<typeof dev>[] | undefined,
  c = created(),
  p: Record<string, unknown> = params,
) => runRule(rule, o, support, c, { params: p, ...(links ? { links } : {}) });

describe("linked-issue-required (e-Recipe 4.1 п. 3)", () => {
  it("4.1 п. 3: asks for the development issue when none is linked; names a linked one without a priority label", () => {
    expect(run(options, [])[0]).toMatchObject({ messageId: "missing", actions: [] });
    expect(run(options, [dev([])])[0]).toMatchObject({ messageId: "unprioritised" });
    expect(run(options, [dev(["Priority: Low"])])).toEqual([]);
  });

  it("mode create makes it, carrying the support issue's priority label, and links it", () => {
    const [f] = run({ ...options, mode: "create", title: "Доработка по задаче {key}: {title}" }, []);
    expect(f?.actions).toEqual([
      expect.objectContaining({
        type: "createLinked",
        project: "FHIR-BY/ehr.platform",
        title: "Доработка по задаче S#5: Выгрузка",
        labels: ["Priority: High"],
      }),
    ]);
  });

  it("stays quiet without the label's name, without the links, or on another change; reads links only when judging", () => {
    expect(run(options, [], created(), {})).toEqual([]);
    expect(run(options, undefined)).toEqual([]);
    const other = change({ field: "title", from: "a", to: "b", actor: { id: "x" } });
    expect(run(options, [], other)).toEqual([]);
    const parsed = rule.options.parse(options);
    expect(rule.readsLinks?.(parsed, support, created(), params)).toBe(true);
    expect(rule.readsLinks?.(parsed, support, other, params)).toBe(false);
    expect(rule.readsLinks?.(parsed, support, created(), {})).toBe(false);
  });
});
