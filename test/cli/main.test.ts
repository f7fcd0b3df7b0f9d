import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exampleConfigPath } from "../../src/paths.js";
import { cli, cliProcess } from "../helpers/cli.js";

describe("reglament CLI", () => {
  it("prints help for the program and every command, exit 0", async () => {
    const top = await cli("--help");
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/Usage: reglament/);
    expect(top.out).toMatch(/serve/);
    const check = await cli("config", "check", "--help");
    expect(check.code).toBe(0);
    expect(check.out).toMatch(/Usage: reglament config check/);
  });

  it("prints the package version", async () => {
    const r = await cli("--version");
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(pkg.version);
  });

  it("answers an unknown flag or command with a usage error, exit 2", async () => {
    expect((await cli("--bogus")).code).toBe(2);
    const r = await cli("frobnicate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
  });

  it("config check: exit 0 on the example, 2 naming a misspelled key", async () => {
    const ok = await cli("config", "check", exampleConfigPath);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/OK — mode dry-run/);

    const bad = join(tmpdir(), `reglament-bad-${process.pid}.yaml`);
    writeFileSync(
      bad,
      readFileSync(exampleConfigPath, "utf8").replace("shutdownTimeoutMs", "shutdownTimoutMs"),
    );
    const r = await cli("config", "check", "--config", bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /server\.shutdownTimoutMs: unknown key "shutdownTimoutMs"; did you mean "shutdownTimeoutMs"/,
    );
  });

  it("works as a real process through bin/reglament.js", () => {
    const r = cliProcess(["config", "check", "config/reglament.example.yaml"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const missing = cliProcess(["config", "check", "/nonexistent/reglament.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/REG_CONFIG_NOT_FOUND/);
  });
});
