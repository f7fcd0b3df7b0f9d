import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

/** A mistake in `packs.<id>` is reported at the configuration file's own line, with "did you mean". */
describe("pack overrides in the configuration", () => {
  it("names the config's line and column, and the rule, option or parameter it probably meant", async () => {
    const file = join(tmpdir(), `reglament-overrides-${process.pid}.yaml`);
    writeFileSync(
      file,
      [
        "trackers:",
        "  sev: { kind: mantis, baseUrl: https://mantis.test, token: t, bridgeUser: reglament, projects: { '1': { pack: sevastopol-miac } } }",
        "packs:",
        "  sevastopol-miac:",
        "    params: { headOfLine2: petrova, headOfLin2: x }",
        "    rules:",
        "      impact-priority-matrix:",
        "        mode: corect",
        "      impact-priorty-matrix: false",
        "",
      ].join("\n"),
    );
    const r = await cli("config", "check", file);
    expect(r.code).toBe(2);
    const lines = r.err.split("\n");
    expect(lines).toContainEqual(expect.stringContaining(`${file}:8:15 mode: expected one of`));
    expect(lines.find((l) => l.includes(`${file}:8:15`))).toMatch(
      /found the text "corect"; did you mean "correct"\?/,
    );
    expect(lines.find((l) => l.includes(`${file}:9:`))).toMatch(
      /packs\.sevastopol-miac\.rules\.impact-priorty-matrix: pack sevastopol-miac has no rule "impact-priorty-matrix"; did you mean "impact-priority-matrix"\?/,
    );
    expect(lines.find((l) => l.includes(`${file}:5:`))).toMatch(
      /packs\.sevastopol-miac\.params\.headOfLin2: pack sevastopol-miac declares no such parameter; did you mean "headOfLine2"\?/,
    );
  });
});
