import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { evaluate } from "../../src/engine/evaluate.js";
import { loadPack } from "../../src/engine/pack-loader.js";
import { type AnyRule, defineRule } from "../../src/engine/rule.js";
import { created, NOW, ticket } from "../helpers/tickets.js";

/** Two toy rules that want the priority at different values, and one that throws. */
const setPriority = defineRule({
  id: "set-priority",
  description: "test",
  options: z.strictObject({ to: z.string() }),
  messages: { ru: { set: "приоритет {to}" }, en: { set: "priority {to}" } },
  check: ({ options }) => [
    {
      outcome: "violation",
      messageId: "set",
      data: { to: options.to },
      actions: [{ type: "setField", field: "priority", value: options.to }],
      explain: true,
    },
  ],
});
const boom = defineRule({
  id: "boom",
  description: "test",
  options: z.strictObject({}),
  messages: { ru: {}, en: {} },
  check: () => {
    throw new Error("kaput");
  },
});
const rules = new Map<string, AnyRule>([
  [setPriority.id, setPriority as AnyRule],
  [boom.id, boom as AnyRule],
]);

function packWith(yamlRules: string) {
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
${yamlRules}`,
  );
  return loadPack("toy", { rules, dir });
}

describe("evaluate", () => {
  it("resolves two rules writing one field by pack order, and says so in the loser's decision", () => {
    const p = packWith(`  - { rule: set-priority, id: first, section: "1", options: { to: urgent } }
  - { rule: set-priority, id: second, section: "2", options: { to: low } }`);
    const [a, b] = evaluate(p, ticket(), created(), { now: NOW });
    expect(a!.actions[0]).toEqual({ type: "setField", field: "priority", value: "urgent" });
    expect(b!.actions.some((x) => x.type === "setField")).toBe(false);
    expect(b!.conflict).toMatch(/priority.*first/);
    expect(a!.conflict).toBeUndefined();
    // The loser's comment would explain a change that is not made: it is dropped too.
    expect(a!.actions.map((x) => x.type)).toEqual(["setField", "comment"]);
    expect(b!.actions).toEqual([]);
  });

  it("does the same action asked twice only once", () => {
    const p = packWith(`  - { rule: set-priority, id: first, section: "1", options: { to: urgent } }
  - { rule: set-priority, id: second, section: "2", options: { to: urgent } }`);
    const [, b] = evaluate(p, ticket(), created(), { now: NOW });
    expect(b!.actions.filter((x) => x.type === "setField")).toEqual([]);
    expect(b!.conflict).toBeUndefined();
  });

  it("turns a throwing rule into one error decision and runs the others", () => {
    const p = packWith(`  - { rule: boom, section: "1" }
  - { rule: set-priority, section: "2", options: { to: high } }`);
    const d = evaluate(p, ticket(), created(), { now: NOW });
    expect(d.map((x) => [x.rule, x.outcome])).toEqual([
      ["boom", "error"],
      ["set-priority", "violation"],
    ]);
    expect(d[0]!.message).toMatch(/rule boom could not run: Error: kaput/);
  });

  it("explains with a comment naming the rule and citing the section", () => {
    const p = packWith(`  - { rule: set-priority, section: "4.2", options: { to: high } }`);
    const [d] = evaluate(p, ticket(), created(), { now: NOW });
    const comment = d!.actions.find((a) => a.type === "comment");
    expect(comment).toEqual({
      type: "comment",
      public: true,
      body: "приоритет high\n\nОснование: «Тест» (toy.txt), п. 4.2. Правило Reglament: set-priority.",
    });
  });

  it("never evaluates the bridge's own changes", () => {
    const p = packWith(`  - { rule: set-priority, section: "1", options: { to: high } }`);
    expect(evaluate(p, ticket(), created({ id: "reglament", role: "bridge" }), { now: NOW })).toEqual([]);
  });

  it("is deterministic: same input, same output", () => {
    const p = packWith(`  - { rule: set-priority, id: first, section: "1", options: { to: urgent } }
  - { rule: set-priority, id: second, section: "2", options: { to: low } }`);
    const runs = Array.from({ length: 5 }, () =>
      JSON.stringify(evaluate(p, ticket(), created(), { now: NOW })),
    );
    expect(new Set(runs).size).toBe(1);
  });
});
