import { CommanderError } from "commander";
import { redactUrlsInText } from "../config/redact-url.js";
import { ExitCode, isReglamentError } from "../errors/catalogue.js";
import type { Io } from "./io.js";
import { buildProgram } from "./program.js";

/** Runs the CLI and resolves to the exit status instead of exiting, so tests can call it. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return io.exitCode ?? ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0)
        return ExitCode.ok;
      return ExitCode.badInput;
    }
    if (isReglamentError(err)) {
      io.err(`${redactUrlsInText(err.describe())}\n`);
      return err.exitCode;
    }
    io.err(`unexpected error: ${redactUrlsInText((err as Error).stack ?? String(err))}\n`);
    return ExitCode.badInput;
  }
}
