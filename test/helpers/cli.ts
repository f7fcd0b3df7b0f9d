import { spawn, spawnSync } from "node:child_process";
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

export interface ServeProcess {
  address: string;
  /** What it printed on stdout up to now. */
  output: () => string;
  /** SIGTERM, and the exit status. */
  stop: () => Promise<number | null>;
  pid: number;
  /**
   * Sends a signal — to its whole process group when started with `group`, as a terminal's
   * Ctrl-C does — and resolves to the exit status.
   */
  signal: (signal: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Starts `serve` as a real process (`command` with its arguments) and resolves once it
 * prints where it listens; fails with what it printed when it exits before that.
 */
export async function startServe(
  command: string,
  args: readonly string[],
  /** `group`: in a process group of its own, as a shell starts a command. */
  options: { env?: NodeJS.ProcessEnv; cwd?: string; group?: boolean } = {},
): Promise<ServeProcess> {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.group ?? false,
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  const address = await new Promise<string>((ok, fail) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = out.match(/Reglament listening on (http:\/\/[^ ]+)/);
      if (m) ok(m[1]!);
    });
    void exited.then((code) => fail(new Error(`serve exited with ${code} before listening: ${out}${err}`)));
  });
  return {
    address,
    output: () => out,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
    pid: child.pid!,
    signal: async (signal) => {
      process.kill(options.group ? -child.pid! : child.pid!, signal);
      return exited;
    },
  };
}
