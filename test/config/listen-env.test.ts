import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import { ReglamentError } from "../../src/errors/catalogue.js";
import { exampleConfigPath } from "../../src/paths.js";

const knownPacks = listPackIds();
const example = readFileSync(exampleConfigPath, "utf8");

/** A configuration of someone's own: its host written out, not read from REGLAMENT_HOST. */
const ownConfig = (() => {
  const text = example
    .replace("${REGLAMENT_HOST:-127.0.0.1}", "127.0.0.1")
    .replace("port: 8080", "port: 8181");
  expect(text).not.toMatch(/REGLAMENT_HOST/);
  const file = join(mkdtempSync(join(tmpdir(), "reglament-listen-")), "reglament.yaml");
  writeFileSync(file, text);
  return file;
})();

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(ownConfig, { knownPacks, env });
  } catch (err) {
    expect(err).toBeInstanceOf(ReglamentError);
    expect((err as ReglamentError).code).toBe("REG_CONFIG_INVALID");
    return [...(err as ReglamentError).details];
  }
  throw new Error("expected the environment to be rejected");
}

describe("REGLAMENT_HOST and REGLAMENT_PORT", () => {
  it("without them the file's server.host and server.port are used", () => {
    const { config, listenOverrides } = loadConfig(ownConfig, { knownPacks, env: {} });
    expect(config.server).toMatchObject({ host: "127.0.0.1", port: 8181 });
    expect(listenOverrides).toEqual([]);
  });

  it("win over the file's server.host and server.port, and say so", () => {
    const { config, listenOverrides } = loadConfig(ownConfig, {
      knownPacks,
      env: { REGLAMENT_HOST: "0.0.0.0", REGLAMENT_PORT: "8080" },
    });
    expect(config.server).toMatchObject({ host: "0.0.0.0", port: 8080 });
    expect(listenOverrides).toEqual([
      { name: "REGLAMENT_HOST", path: "server.host", value: "0.0.0.0" },
      { name: "REGLAMENT_PORT", path: "server.port", value: "8080" },
    ]);
  });

  it("each applies alone, and an empty one is unset", () => {
    const host = loadConfig(ownConfig, { knownPacks, env: { REGLAMENT_HOST: "::", REGLAMENT_PORT: "" } });
    expect(host.config.server).toMatchObject({ host: "::", port: 8181 });
    const port = loadConfig(ownConfig, { knownPacks, env: { REGLAMENT_HOST: "", REGLAMENT_PORT: "0" } });
    expect(port.config.server).toMatchObject({ host: "127.0.0.1", port: 0 });
    expect(port.listenOverrides.map((o) => o.name)).toEqual(["REGLAMENT_PORT"]);
  });

  it("the example, which also reads REGLAMENT_HOST itself, listens where it says", () => {
    const { config } = loadConfig(exampleConfigPath, { knownPacks, env: { REGLAMENT_HOST: "0.0.0.0" } });
    expect(config.server.host).toBe("0.0.0.0");
  });

  it.each(["eighty", "80a", "70000", "-1", "8080.5", " 8080"])(
    "rejects REGLAMENT_PORT=%j, naming it",
    (port) => {
      const problems = problemsOf({ REGLAMENT_PORT: port });
      expect(problems).toEqual([
        expect.stringMatching(/^environment REGLAMENT_PORT: is ".*", expected a port/),
      ]);
    },
  );

  it("a bad REGLAMENT_PORT is reported with the file's own problems", () => {
    const file = join(mkdtempSync(join(tmpdir(), "reglament-listen-")), "bad.yaml");
    writeFileSync(file, readFileSync(ownConfig, "utf8").replace("bodyLimit:", "bodyLimt:"));
    try {
      loadConfig(file, { knownPacks, env: { REGLAMENT_PORT: "http" } });
      expect.unreachable();
    } catch (err) {
      const details = (err as ReglamentError).details;
      expect(details).toHaveLength(2);
      expect(details.join("\n")).toMatch(/bodyLimt/);
      expect(details.join("\n")).toMatch(/REGLAMENT_PORT/);
    }
  });
});
