import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../src/paths.js";

/**
 * How long the CLI takes to answer (`--version`, `--help`, a usage error), beside a bare
 * `node -e 0` measured in the same run. Target: well under 0.5 s on the 2-core build
 * machine — the compiled CLI loads a command's code only when that command runs.
 */
const runs = 15;

function median(argv: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, argv, { cwd: packageRoot, stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export async function run(): Promise<void> {
  // What `npm install` leaves: the compiled CLI, fresh.
  execFileSync("npm", ["run", "--silent", "build"], { cwd: packageRoot, stdio: "inherit" });
  const bin = join(packageRoot, "bin/reglament.js");
  const bare = median(["-e", "0"]);
  console.log(`\ncli start (median of ${runs} runs)`);
  console.log(`  node -e 0 (baseline)             ${bare.toFixed(0)} ms`);
  for (const [what, argv] of [
    ["reglament --version", [bin, "--version"]],
    ["reglament --help", [bin, "--help"]],
    ["reglament decisions --limit abc", [bin, "decisions", "-t", "x/1", "--limit", "abc"]],
  ] as const) {
    const ms = median([...argv]);
    console.log(
      `  ${what.padEnd(32)} ${ms.toFixed(0)} ms  (${(ms / bare).toFixed(1)}× bare node; target < 500 ms)`,
    );
  }
}
