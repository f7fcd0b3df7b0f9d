#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the CLI never runs a stale build.
// (The Docker image runs the compiled dist/src/cli/bin.js instead.)
import { register } from "tsx/esm/api";

register();
await import("../src/cli/bin.ts");
