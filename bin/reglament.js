#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm install` through the prepare script) when it
// is at least as new as every source file; otherwise — a source edited since the last
// build — runs the TypeScript sources through tsx, so the CLI never runs stale code.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "dist/.built");

function newerSource(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (newerSource(path, since)) return true;
    } else if (entry.name.endsWith(".ts") && statSync(path).mtimeMs > since) return true;
  }
  return false;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : undefined;
const fresh =
  built !== undefined &&
  !["src", "adapters", "policies"].some(
    (d) => existsSync(join(root, d)) && newerSource(join(root, d), built),
  );

if (fresh) {
  await import("../dist/src/cli/bin.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/bin.ts");
}
