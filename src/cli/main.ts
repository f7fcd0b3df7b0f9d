import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { ExitCode, isReglamentError } from "../errors/catalogue.js";
import { packageRoot } from "../paths.js";
import { registerCalendarCommands } from "./commands/calendar.js";
import { registerCheckCommand } from "./commands/check.js";
import { registerConfigCommands } from "./commands/config.js";
import { registerDecisionsCommand } from "./commands/decisions.js";
import { registerDlqCommands } from "./commands/dlq.js";
import { registerEventsCommands } from "./commands/events.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerSlaCommand } from "./commands/sla.js";
import type { Io } from "./io.js";

const version = (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string })
  .version;

export function buildProgram(io: Io): Command {
  const program = new Command("reglament")
    .description("Makes issue trackers obey a medical-IT support regulation")
    .version(version, "-v, --version")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerServeCommand(program, io);
  registerConfigCommands(program, io);
  registerCheckCommand(program, io);
  registerCalendarCommands(program, io);
  registerSlaCommand(program, io);
  registerDecisionsCommand(program, io);
  registerDlqCommands(program, io);
  registerEventsCommands(program, io);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}

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
      io.err(`${err.describe()}\n`);
      return err.exitCode;
    }
    io.err(`unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return ExitCode.badInput;
  }
}
