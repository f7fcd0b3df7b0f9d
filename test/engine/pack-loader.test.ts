import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ruleCatalogue } from "../../policies/rules/index.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import { loadPack } from "../../src/engine/pack-loader.js";
import type { ReglamentError } from "../../src/errors/catalogue.js";
import { packsDir } from "../../src/paths.js";

const sevastopol = readFileSync(join(packsDir, "sevastopol-miac.yaml"), "utf8");

function problems(yaml: string, settings?: Parameters<typeof loadPack>[1]["settings"]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "reglament-packs-"));
  writeFileSync(join(dir, "sevastopol-miac.yaml"), yaml);
  try {
    loadPack("sevastopol-miac", { rules: ruleCatalogue, dir, settings });
  } catch (err) {
    expect((err as ReglamentError).code).toBe("REG_PACK_INVALID");
    return [...(err as ReglamentError).details];
  }
  throw new Error("expected the pack to be rejected");
}

describe("loadPack", () => {
  it("ships the five packs and each loads", () => {
    expect(listPackIds()).toEqual(["aura", "e-recipe-by", "krasnoyarsk-kmiac", "mgerm", "sevastopol-miac"]);
    for (const id of listPackIds()) expect(loadPack(id, { rules: ruleCatalogue }).id).toBe(id);
  });

  it("lists the valid packs for an unknown id", () => {
    expect(() => loadPack("sevastopl", { rules: ruleCatalogue })).toThrow(
      /unknown policy pack "sevastopl"; valid packs: aura, e-recipe-by/,
    );
  });

  it("names the position and the valid rules for an unknown rule", () => {
    const [p] = problems(sevastopol.replace("rule: reporter-allowed", "rule: reporter-alowed"));
    expect(p).toMatch(
      /sevastopol-miac\.yaml:\d+:\d+ rules\[0\]\.rule: pack sevastopol-miac: unknown rule "reporter-alowed"; valid rules: .*reporter-allowed/,
    );
  });

  it("names pack, rule and option for a bad option, with its position", () => {
    const [p] = problems(sevastopol.replace("mode: auto ", "mode: fix "));
    expect(p).toMatch(
      /pack sevastopol-miac, rule impact-priority-matrix \(pack\) option .*sevastopol-miac\.yaml:\d+:\d+ mode: expected one of "correct", "reject", "comment", "auto", found the text "fix"/,
    );
  });

  it("rejects an option that names a status the pack does not have", () => {
    const [p] = problems(
      sevastopol.replace(
        "{ status: resolved, assignee: reporter }",
        "{ status: solved, assignee: reporter }",
      ),
    );
    expect(p).toMatch(/rule assignee-on-status: status "solved" is not a status of this pack/);
  });

  it("applies config overrides: options merged, a rule turned off, params checked", () => {
    const p = loadPack("sevastopol-miac", {
      rules: ruleCatalogue,
      settings: {
        mode: "enforce",
        language: "en",
        params: { headOfLine2: "petrova" },
        rules: { "impact-priority-matrix": { mode: "comment" }, "reporter-allowed": false },
      },
    });
    expect(p.mode).toBe("enforce");
    expect(p.language).toBe("en");
    expect(p.rules.map((r) => r.id)).not.toContain("reporter-allowed");
    expect((p.rules.find((r) => r.id === "impact-priority-matrix")!.options as { mode: string }).mode).toBe(
      "comment",
    );
    expect(p.citation("3.2")).toMatch(/section 3\.2$/);
  });

  it("reports overrides and params the pack does not have", () => {
    const found = problems(sevastopol, { params: { headOfLine3: "x" }, rules: { "no-such-rule": {} } });
    expect(found).toEqual([
      expect.stringMatching(
        /packs\.sevastopol-miac\.rules\.no-such-rule: pack sevastopol-miac has no rule "no-such-rule"/,
      ),
      expect.stringMatching(
        /packs\.sevastopol-miac\.params\.headOfLine3: pack sevastopol-miac declares no such parameter; did you mean "headOfLine2"\? \(its parameters: headOfLine2\)/,
      ),
    ]);
  });

  it("reports a bad override option with its origin", () => {
    const [p] = problems(sevastopol, { params: {}, rules: { "impact-priority-matrix": { mode: "fix" } } });
    expect(p).toMatch(/rule impact-priority-matrix \(pack \+ config\) option/);
  });
});
