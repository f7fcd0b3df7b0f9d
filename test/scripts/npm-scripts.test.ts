import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import { faults } from "../chaos/scenario.js";

/**
 * The npm scripts that take arguments (`bench`, `chaos`, `calendars:import`), run as npm
 * runs them (through tsx): `--help` lists their parts and starts nothing; a wrong name or
 * option is one line naming the known ones, status 2, no stack trace.
 */
const run = promisify(execFile);

async function script(file: string, ...args: string[]) {
  const started = performance.now();
  try {
    const r = await run(process.execPath, ["--import", "tsx", file, ...args], {
      cwd: packageRoot,
      timeout: 15_000,
    });
    return { code: 0, out: r.stdout, err: r.stderr, ms: performance.now() - started };
  } catch (e) {
    const r = e as { code: number; stdout: string; stderr: string };
    return { code: r.code, out: r.stdout, err: r.stderr, ms: performance.now() - started };
  }
}

const benchNames = [
  "policy",
  "calendar",
  "sla-scale",
  "ingest",
  "pipeline",
  "cli-start",
  "history",
  "audit",
  "console",
  "soak",
  "redos",
];

describe("npm run bench", () => {
  it("--help lists every benchmark with what it measures and how long it takes, and runs none", async () => {
    for (const flag of ["--help", "-h"]) {
      const r = await script("bench/run.ts", flag, "soak");
      expect(r.code).toBe(0);
      for (const name of benchNames)
        expect(r.out).toMatch(new RegExp(`^  ${name} +~[\\d.]+ (s|min) +\\S`, "m"));
      // Each benchmark's first line is "bench/<name> — …": none started.
      expect(r.out).not.toMatch(/^bench\//m);
      expect(r.ms).toBeLessThan(10_000);
    }
  });

  it("an unknown benchmark or option: status 2, the known ones, no stack trace", async () => {
    const name = await script("bench/run.ts", "ingset");
    expect(name.code).toBe(2);
    expect(name.err).toBe(
      `bench: unknown benchmark "ingset"; the benchmarks are: ${benchNames.join(", ")} (--help for what each measures)\n`,
    );
    const option = await script("bench/run.ts", "ingest", "--proceses", "2");
    expect(option.code).toBe(2);
    expect(option.err).toMatch(
      /^bench: unknown option --proceses; the options are: --processes 1,2 \| -h\/--help/,
    );
    const value = await script("bench/run.ts", "pipeline", "--processes", "two");
    expect(value.code).toBe(2);
    expect(value.err).toMatch(/--processes takes process counts separated by commas/);
    for (const r of [name, option, value]) expect(`${r.out}${r.err}`).not.toMatch(/^\s+at /m);
  });
});

describe("npm run chaos", () => {
  it("--help lists every fault and option and starts no process", async () => {
    const r = await script("test/chaos/run.ts", "--help");
    expect(r.code).toBe(0);
    for (const fault of faults) expect(r.out).toMatch(new RegExp(`^  ${fault} +\\S`, "m"));
    for (const option of ["--issues N", "--fault NAME", "--seed N", "-h, --help"])
      expect(r.out).toContain(option);
    // The run's header and its progress lines: none.
    expect(`${r.out}${r.err}`).not.toMatch(/^fault\taccepted|injecting the fault/m);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("an unknown fault or option, a missing or wrong value, a stray argument: status 2 and why", async () => {
    const results = await Promise.all([
      script("test/chaos/run.ts", "--fault", "sigkil"),
      script("test/chaos/run.ts", "--faults", "sigkill"),
      script("test/chaos/run.ts", "--issues"),
      script("test/chaos/run.ts", "--issues", "0"),
      script("test/chaos/run.ts", "sigkill"),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results.map((r) => r.err.trim())).toEqual([
      `chaos: unknown fault "sigkil"; the faults are: ${faults.join(", ")} (--help for what each does)`,
      "chaos: unknown option --faults; the options are: --issues N | --fault NAME | --seed N | -h/--help (--help for the usage)",
      "chaos: --issues needs a value; the options are: --issues N | --fault NAME | --seed N | -h/--help (--help for the usage)",
      'chaos: --issues must be a whole number from 1, not "0"',
      'chaos: unexpected "sigkill": it takes nothing besides the options; the options are: --issues N | --fault NAME | --seed N | -h/--help (--help for the usage)',
    ]);
  });
});

describe("npm run calendars:import", () => {
  it("--help says what it regenerates and from where, and writes nothing", async () => {
    const json = join(packageRoot, "src/calendar/production/ru.json");
    const before = statSync(json).mtimeMs;
    const r = await script("scripts/import-production-calendars.ts", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: npm run calendars:import \[-- FOLDER\]/);
    expect(statSync(json).mtimeMs).toBe(before);
  });

  it("an unknown option or a folder without ru/ and by/: status 2 and why", async () => {
    const [option, folder] = await Promise.all([
      script("scripts/import-production-calendars.ts", "--year", "2027"),
      script("scripts/import-production-calendars.ts", "/nonexistent"),
    ]);
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/^calendars:import: unknown option --year; the options are: -h\/--help/);
    expect(folder.code).toBe(2);
    expect(folder.err).toMatch(/\/nonexistent\/ru does not exist; name the folder holding ru\/ and by\//);
  });
});
