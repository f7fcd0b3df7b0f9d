import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Io } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";
import { packageRoot } from "../../src/paths.js";

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process, capturing what it prints. */
export async function cli(...argv: string[]): Promise<CliResult> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t) };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/** Runs the real `bin/reglament.js` as a child process, as a user would. */
export function cliProcess(argv: string[], env: NodeJS.ProcessEnv = {}, input?: string): CliResult {
  const r = spawnSync(process.execPath, [join(packageRoot, "bin/reglament.js"), ...argv], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    input,
    timeout: 30_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
