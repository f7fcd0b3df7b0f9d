import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testPack } from "../../src/cli/commands/pack.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import { runPackExamples } from "../../src/engine/pack-examples.js";
import { cli } from "../helpers/cli.js";
import { pack } from "../helpers/tickets.js";

/** Packs that test themselves: every shipped pack's examples, and what `reglament pack test` says when one fails. */
describe("every shipped pack decides its own examples as its regulation says", () => {
  const cases = listPackIds().flatMap((id) =>
    testPack(id, undefined).results.map((r) => [id, r.name, r] as const),
  );
  it("every pack has examples", () => {
    expect(new Set(cases.map(([id]) => id))).toEqual(new Set(listPackIds()));
  });
  it.each(cases)("%s: %s", (_id, _name, result) => {
    expect(result.differences).toEqual([]);
  });
});

describe("the examples runner", () => {
  const sevastopol = pack("sevastopol-miac", { headOfLine2: "petrova" });

  it("says every way a case is decided otherwise: a missing, an unexpected and a different decision, a missing action, a clock", () => {
    const ticket = {
      type: "ЭМК",
      impact: "crash",
      priority: "normal",
      description: "Ошибка 500",
      reporter: { id: "ivanov", role: "line1" },
    };
    const results = runPackExamples(
      {
        ...sevastopol,
        examples: {
          params: {},
          cases: [
            { name: "nothing expected", ticket, decisions: [] },
            {
              name: "wrong action and outcome",
              ticket,
              decisions: [
                {
                  rule: "impact-priority-matrix",
                  actions: [{ type: "setField", field: "priority", value: "high" }],
                },
                { rule: "assignee-on-status", outcome: "info" },
                { rule: "reporter-allowed" },
              ],
            },
            { name: "clocks of a pack without deadlines", ticket, clocks: [{ clock: "resolution" }] },
          ],
        },
      },
      undefined,
      "en",
    );
    expect(results[0]!.differences).toEqual([
      expect.stringMatching(/^impact-priority-matrix: unexpected violation decision \("Приоритет/),
      expect.stringMatching(/^assignee-on-status: unexpected violation decision/),
    ]);
    expect(results[1]!.differences).toEqual([
      expect.stringMatching(
        /^impact-priority-matrix: expected the action \{"type":"setField","field":"priority","value":"high"\}, got \[\{"type":"setField","field":"priority","value":"urgent"\}/,
      ),
      expect.stringMatching(/^assignee-on-status: expected the outcome info, got violation/),
      "reporter-allowed: expected a decision, the pack made none",
      expect.stringMatching(/^assignee-on-status: unexpected violation decision/),
    ]);
    expect(results[2]!.differences).toEqual([
      "clocks: the pack sets no deadlines, yet the example expects 1",
    ]);
  });

  it("says it in the pack's language by default, quoting the case's values and the decisions' messages as they are", () => {
    const [result] = runPackExamples(
      {
        ...sevastopol,
        examples: {
          params: {},
          cases: [
            {
              name: "a case",
              ticket: {
                type: "ЭМК",
                impact: "crash",
                priority: "normal",
                description: "Ошибка 500",
                reporter: { id: "ivanov", role: "line1" },
              },
              decisions: [{ rule: "impact-priority-matrix", outcome: "info" }, { rule: "reporter-allowed" }],
              clocks: [{ clock: "resolution" }],
            },
          ],
        },
      },
      undefined,
    );
    expect(result!.differences).toEqual([
      expect.stringMatching(
        /^impact-priority-matrix: ожидался итог info, получен violation \(«Приоритет «Обычный»/,
      ),
      "reporter-allowed: ожидалось решение, пакет его не принял",
      expect.stringMatching(/^impact-priority-matrix: неожиданное решение violation \(«Приоритет «Обычный»/),
      expect.stringMatching(/^assignee-on-status: неожиданное решение violation \(«В статусе «Новая»/),
      "сроки: пакет не устанавливает сроков, а пример ожидает их (1)",
    ]);
  });

  it("refuses a case whose ticket is not a ticket, naming the case and the field", () => {
    expect(() =>
      runPackExamples(
        {
          ...sevastopol,
          examples: { params: {}, cases: [{ name: "bad", ticket: { impact: "huge" }, decisions: [] }] },
        },
        undefined,
      ),
    ).toThrow(
      expect.objectContaining({
        code: "REG_PACK_INVALID",
        details: [expect.stringMatching(/examples\.cases\[0\] \("bad"\) ticket\.impact/)],
      }),
    );
  });
});

describe("reglament pack test", () => {
  it("passes on the shipped packs, and a deployment that lets line 3 lower the priority sees 3.1/3.2 broken", async () => {
    const ok = await cli("pack", "test", "sevastopol-miac");
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^sevastopol-miac: примеров: 6$/m);
    expect(ok.out).toMatch(
      /✓ 3\.1, 3\.2: разработчик 3-й линии понизил приоритет ниже допустимого матрицей — приоритет исправляется/,
    );
    expect(ok.out).toMatch(/\nвсе примеры решены как ожидалось: 6\n$/);
    const english = await cli("pack", "test", "sevastopol-miac", "--lang", "en");
    expect(english.code).toBe(0);
    expect(english.out).toMatch(/^sevastopol-miac: 6 examples\n/);
    expect(english.out).toMatch(/\nall 6 examples decided as expected\n$/);

    const dir = mkdtempSync(join(tmpdir(), "reglament-pack-test-"));
    try {
      const config = join(dir, "reglament.yaml");
      writeFileSync(
        config,
        [
          "trackers: {}",
          "packs:",
          "  sevastopol-miac:",
          "    params: { headOfLine2: petrova }",
          "    rules:",
          "      impact-priority-matrix: { mayLower: [line2, line3, head_of_line2] }",
          "",
        ].join("\n"),
      );
      const broken = await cli("pack", "test", "--config", config);
      expect(broken.code).toBe(1);
      expect(broken.out).toMatch(/^sevastopol-miac: примеров: 6$/m);
      expect(broken.out).toMatch(
        /✗ 3\.1, 3\.2: разработчик 3-й линии понизил приоритет ниже допустимого матрицей — приоритет исправляется\n\s+impact-priority-matrix: ожидалось решение \(violation\), пакет его не принял/,
      );
      expect(broken.out).toMatch(/решено не так, как ожидает регламент: 1 из 6 примеров\n$/);
      for (const english of ["examples", "expected", "the pack made none"])
        expect(broken.out).not.toContain(english);
      // --lang is the report's: the cases are still decided in the pack's language, which they are written in.
      const brokenInEnglish = await cli("pack", "test", "--config", config, "--lang", "en");
      expect(brokenInEnglish.out).toMatch(
        /\n {6}impact-priority-matrix: expected a decision \(violation\), the pack made none\n/,
      );
      expect(brokenInEnglish.out).toMatch(
        /\n1 of 6 examples decided otherwise than the regulation expects\n$/,
      );
      const json = JSON.parse((await cli("pack", "test", "--config", config, "--format", "json")).out);
      expect(json[0].results.filter((r: { differences: string[] }) => r.differences.length)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const unknown = await cli("pack", "test", "no-such-pack");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no-such-pack/);
  });
});
