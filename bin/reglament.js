#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm install` through the prepare script) when it
// is at least as new as every source file; otherwise — a source edited since the last
// build — runs the TypeScript sources through tsx, so the CLI never runs stale code.
// tsx is a dev dependency: an install without them (`npm ci --omit=dev`) must run a fresh
// build, and is told how to make one rather than shown a module-not-found stack.
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
  const tsx = await import("tsx/esm/api").catch((err) => {
    if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
    return undefined;
  });
  if (!tsx) {
    process.stderr.write(
      `reglament: ${built === undefined ? "the CLI is not built (no dist/.built)" : "the build in dist/ is older than the sources"}, ` +
        "and tsx, which runs the sources, is a dev dependency that is not installed here.\n" +
        "  Build it: `npm install` (with the dev dependencies), then `npm run build`;\n" +
        "  or deploy the Docker image, whose build stage compiles dist/.\n",
    );
    process.exit(2);
  }
  tsx.register();
  await import("../src/cli/bin.ts");
}
