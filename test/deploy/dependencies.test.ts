import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";

const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

/** The packages a file loads when it runs: its imports but those of types only. */
function runtimeImports(text: string): string[] {
  const found = [
    ...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms),
    ...text.matchAll(/^import\s+"([^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1]!);
  return found
    .filter((s) => !s.startsWith(".") && !s.startsWith("node:"))
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!));
}

describe("what the production install (npm ci --omit=dev) has", () => {
  it("tsx and esbuild are dev dependencies", () => {
    for (const name of ["tsx", "esbuild"]) {
      expect(manifest.dependencies, name).not.toHaveProperty(name);
      expect(manifest.devDependencies, name).toHaveProperty(name);
    }
  });

  it("the code the bridge runs loads no dev dependency", () => {
    const dev = new Set(Object.keys(manifest.devDependencies));
    const used = ["src", "adapters", "policies"].flatMap((d) =>
      sources(join(packageRoot, d)).flatMap((file) =>
        runtimeImports(readFileSync(file, "utf8"))
          .filter((name) => dev.has(name))
          .map((name) => `${file.slice(packageRoot.length + 1)}: ${name}`),
      ),
    );
    expect(used).toEqual([]);
  });

  it("bin/reglament.js without a fresh build and without tsx says how to build, with no stack", () => {
    const root = mkdtempSync(join(tmpdir(), "reglament-no-tsx-"));
    mkdirSync(join(root, "bin"));
    mkdirSync(join(root, "src"));
    copyFileSync(join(packageRoot, "bin/reglament.js"), join(root, "bin/reglament.js"));
    writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(root, "src/cli.ts"), "");
    const r = spawnSync(process.execPath, [join(root, "bin/reglament.js"), "--version"], {
      encoding: "utf8",
      cwd: root,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not built.*tsx.*dev dependency/s);
    expect(r.stderr).toMatch(/npm run build/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
