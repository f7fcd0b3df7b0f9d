import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import { ReglamentError } from "../../src/errors/catalogue.js";
import { exampleConfigPath } from "../../src/paths.js";
import { defaultAdapterRegistry } from "../../src/runtime/adapters.js";

const knownPacks = listPackIds();
const example = readFileSync(exampleConfigPath, "utf8");
const dir = mkdtempSync(join(tmpdir(), "reglament-config-"));

function write(text: string): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    loadConfig(write(text), { knownPacks, env });
  } catch (err) {
    expect(err).toBeInstanceOf(ReglamentError);
    expect((err as ReglamentError).code).toBe("REG_CONFIG_INVALID");
    expect((err as ReglamentError).exitCode).toBe(2);
    return [...(err as ReglamentError).details];
  }
  throw new Error("expected the config to be rejected");
}

describe("loadConfig", () => {
  it("accepts the example file with defaults filled in", () => {
    const { config } = loadConfig(exampleConfigPath, { knownPacks, env: {} });
    expect(config.mode).toBe("dry-run");
    expect(config.server.port).toBe(8080);
    expect(config.server.host).toBe("127.0.0.1");
    expect(config.trackers["erecipe-gitlab"]?.kind).toBe("gitlab");
    expect(config.trackers["erecipe-gitlab"]?.token).toBe("demo-token");
  });

  it("takes secrets from the environment", () => {
    const { config } = loadConfig(exampleConfigPath, { knownPacks, env: { GITLAB_TOKEN: "glpat-real" } });
    expect(config.trackers["erecipe-gitlab"]?.token).toBe("glpat-real");
  });

  it("names a misspelled key with its position and the key it probably meant", () => {
    const problems = problemsOf(example.replace("bodyLimit:", "bodyLimt:"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /:\d+:\d+ server\.bodyLimt: unknown key "bodyLimt"; did you mean "bodyLimit"\?/,
    );
  });

  it("names a wrong type with what was expected and what was found", () => {
    const problems = problemsOf(example.replace("port: 8080", 'port: "eighty"'));
    expect(problems[0]).toMatch(/server\.port: expected a number, found the text "eighty"/);
  });

  it("names a missing environment variable and where it is used", () => {
    const problems = problemsOf(example.replace("${GITLAB_TOKEN:-demo-token}", "${GITLAB_TOKEN}"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /trackers\.erecipe-gitlab\.token: environment variable GITLAB_TOKEN is not set/,
    );
  });

  it("rejects an unknown pack and lists the valid ones", () => {
    const problems = problemsOf(example.replace("{ pack: mgerm }", "{ pack: mgrem }"));
    expect(problems[0]).toMatch(
      /trackers\.mgerm-tracker\.projects\.SUPPORT\.pack: unknown pack "mgrem"; did you mean "mgerm"\? \(valid packs: .*mgerm/,
    );
  });

  it("rejects an unknown tracker kind and suggests the nearest", () => {
    const problems = problemsOf(example.replace("kind: gitlab", "kind: gitlub"));
    expect(problems[0]).toMatch(
      /trackers\.erecipe-gitlab\.kind: expected one of "mantis", "yandex", "gitlab", found the text "gitlub"; did you mean "gitlab"\?/,
    );
  });

  it("checks a tracker's adapter options with the rest of the file, with position and suggestion", () => {
    const text = example
      .replace("        priority:\n", "        priorty:\n")
      .replace('"Priority: High": high', '"Priority: High": hihg');
    let problems: string[] = [];
    try {
      loadConfig(write(text), {
        knownPacks,
        env: {},
        trackerOptions: defaultAdapterRegistry().optionSchemas(),
      });
    } catch (err) {
      problems = [...(err as ReglamentError).details];
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /:\d+:\d+ trackers\.erecipe-gitlab\.options\.labels\.priorty: unknown key "priorty"; did you mean "priority"\?/,
    );
    const typo = example.replace('"Priority: High": high', '"Priority: High": hihg');
    try {
      loadConfig(write(typo), {
        knownPacks,
        env: {},
        trackerOptions: defaultAdapterRegistry().optionSchemas(),
      });
      throw new Error("expected a refusal");
    } catch (err) {
      expect((err as ReglamentError).details[0]).toMatch(
        /:\d+:\d+ trackers\.erecipe-gitlab\.options\.labels\.priority\.Priority: High: expected one of .*"high".*found the text "hihg"; did you mean "high"\?/,
      );
    }
  });

  it("reports a YAML syntax error with its line", () => {
    const problems = problemsOf("server:\n  port: 8080\n   host: x\n");
    expect(problems[0]).toMatch(/:\d+:\d+ YAML syntax:/);
  });

  it("reports every problem at once", () => {
    const problems = problemsOf(
      example
        .replace("bodyLimit:", "bodyLimt:")
        .replace("kind: gitlab", "kind: gitlub")
        .replace("mode: dry-run  ", "mode: shadow  "),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(
      /mode: expected one of "dry-run", "enforce", found the text "shadow"/,
    );
  });

  it("never prints a secret that has the wrong type", () => {
    const problems = problemsOf(example.replace("${GITLAB_TOKEN:-demo-token}", "12345"));
    expect(problems[0]).toMatch(/token: expected a text value, found a hidden value/);
    expect(problems[0]).not.toContain("12345");
  });

  it("rejects actors of an instance that does not exist", () => {
    const problems = problemsOf(
      `${example}\n`.replace("actors:\n", "actors:\n  nowhere:\n    x: { role: line1 }\n"),
    );
    expect(problems[0]).toMatch(/actors\.nowhere: names tracker instance "nowhere"/);
  });

  it("says which file is missing and how to point at another", () => {
    expect(() => loadConfig(join(dir, "absent.yaml"), { knownPacks })).toThrow(
      /REG_CONFIG_NOT_FOUND|does not exist; pass --config/,
    );
  });
});
