#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the CLI never runs a stale build.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../src/cli/main.ts");
const { processIo } = await import("../src/cli/io.ts");
process.exitCode = await runCli(process.argv.slice(2), processIo());
