import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ruleCatalogue } from "../../policies/rules/index.js";
import type { Change } from "../../src/domain/change.js";
import type { Ticket } from "../../src/domain/ticket.js";
import { evaluate, RULE_BUDGET_MS } from "../../src/engine/evaluate.js";
import { loadPack } from "../../src/engine/pack-loader.js";
import { type AnyRule, defineRule } from "../../src/engine/rule.js";
import { matchCaps } from "../../src/text/bounds.js";
import { change, created, NOW, ticket } from "../helpers/tickets.js";

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
/** Busy for 30 ms, then finds something: a rule gone wrong (a pattern that backtracks). */
const slow = defineRule({
  id: "slow",
  description: "test",
  options: z.strictObject({}),
  messages: { ru: { late: "поздно" }, en: { late: "late" } },
  check: () => {
    const until = performance.now() + 30;
    while (performance.now() < until) {
      // busy, as a synchronous rule that nothing can interrupt
    }
    return [{ outcome: "violation", messageId: "late" }];
  },
});
/** Keeps what it was given, to see the texts the rules match. */
let seenByRule: { ticket: Ticket; change: Change; openTitles: string[] } | undefined;
const peek = defineRule({
  id: "peek",
  description: "test",
  options: z.strictObject({}),
  messages: { ru: {}, en: {} },
  check: ({ ticket, change, context }) => {
    seenByRule = { ticket, change, openTitles: (context.openTickets ?? []).map((o) => o.title) };
    return [];
  },
});
const rules = new Map<string, AnyRule>([
  [setPriority.id, setPriority as AnyRule],
  [boom.id, boom as AnyRule],
  [slow.id, slow as AnyRule],
  [peek.id, peek as AnyRule],
]);

function packWith(yamlRules: string, settings?: { language: "en" }) {
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
  return loadPack("toy", { rules, dir, ...(settings ? { settings } : {}) });
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
    // In the pack's language; the exception's own text is the programmer's, as it was thrown.
    expect(d[0]!.message).toBe("не удалось выполнить правило boom: Error: kaput");
    const [english] = evaluate(
      packWith(`  - { rule: boom, section: "1" }`, { language: "en" }),
      ticket(),
      created(),
      {
        now: NOW,
      },
    );
    expect(english!.message).toBe("rule boom could not run: Error: kaput");
  });

  it("says which parameter a rule lacks in the pack's language, naming what the parameter is", () => {
    const p = (language?: "en") =>
      loadPack("sevastopol-miac", { rules: ruleCatalogue, ...(language ? { settings: { language } } : {}) });
    // Reported by someone the configuration does not name: the rule that checks reporters needs the head of ОСИС.
    const messages = (pack: ReturnType<typeof p>) =>
      evaluate(pack, ticket({ reporter: { id: "stranger" } }), created({ id: "stranger" }), { now: NOW })
        .filter((d) => d.rule === "reporter-allowed")
        .map((d) => [d.outcome, d.message]);
    expect(messages(p())).toEqual([
      [
        "error",
        "не удалось выполнить правило reporter-allowed: не задан параметр пакета «headOfLine2» (начальник ОСИС); укажите packs.sevastopol-miac.params.headOfLine2 в файле конфигурации",
      ],
    ]);
    expect(messages(p("en"))).toEqual([
      [
        "error",
        'rule reporter-allowed could not run: pack parameter "headOfLine2" is not configured; set packs.sevastopol-miac.params.headOfLine2 in the configuration file',
      ],
    ]);
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

  it("turns a rule that overran its time budget into an error decision, discards its findings, and runs the others", () => {
    const p = packWith(`  - { rule: slow, section: "1" }
  - { rule: set-priority, section: "2", options: { to: high } }`);
    const d = evaluate(p, ticket(), created(), { now: NOW, ruleBudgetMs: 5 });
    expect(d.map((x) => [x.rule, x.outcome])).toEqual([
      ["slow", "error"],
      ["set-priority", "violation"],
    ]);
    expect(d[0]!.message).toMatch(
      /^не удалось выполнить правило slow: оно работало \d+ мс, дольше отведённых ему 5 мс; его выводы отброшены$/,
    );
    const [english] = evaluate(
      packWith(`  - { rule: slow, section: "1" }`, { language: "en" }),
      ticket(),
      created(),
      {
        now: NOW,
        ruleBudgetMs: 5,
      },
    );
    expect(english!.message).toMatch(
      /^rule slow could not run: it took \d+ ms, more than its time budget of 5 ms; its findings are discarded$/,
    );
    expect(d[0]!.actions).toEqual([]);
    expect(RULE_BUDGET_MS).toBe(250);
  });

  it("lets the rules match only the first matchCaps of each text, and leaves the ticket whole", () => {
    const p = packWith(`  - { rule: peek, section: "1" }`);
    const long = (n: number) => "я".repeat(n + 10);
    const t = ticket({
      title: long(matchCaps.title),
      description: long(matchCaps.description),
      labels: ["short", long(matchCaps.label)],
      comments: [{ id: "1", author: { id: "ivanov" }, body: long(matchCaps.comment), createdAt: NOW }],
    });
    const c = change({
      kind: "commented",
      actor: { id: "ivanov" },
      fields: [{ field: "description", from: "", to: long(matchCaps.description) }],
      comment: { id: "2", author: { id: "ivanov" }, body: long(matchCaps.comment), createdAt: NOW },
    });
    evaluate(p, t, c, { now: NOW, openTickets: [ticket({ title: long(matchCaps.title) })] });
    const seen = seenByRule!;
    expect(seen.ticket.title).toHaveLength(matchCaps.title);
    expect(seen.ticket.description).toHaveLength(matchCaps.description);
    expect(seen.ticket.labels.map((l) => l.length)).toEqual([5, matchCaps.label]);
    expect(seen.ticket.comments[0]!.body).toHaveLength(matchCaps.comment);
    expect(seen.change.comment!.body).toHaveLength(matchCaps.comment);
    expect(seen.change.fields[0]!.to).toHaveLength(matchCaps.description);
    expect(seen.openTitles.map((x) => x.length)).toEqual([matchCaps.title]);
    expect(t.description).toHaveLength(matchCaps.description + 10);
    expect(c.comment!.body).toHaveLength(matchCaps.comment + 10);
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
