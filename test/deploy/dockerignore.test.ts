import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import { dockerignore } from "./dockerignore.js";

const excluded = dockerignore(readFileSync(join(packageRoot, ".dockerignore"), "utf8"));
const dockerfile = readFileSync(join(packageRoot, "Dockerfile"), "utf8");

/** What each stage takes from the build context: the COPY lines without --from. */
const copied = [...dockerfile.matchAll(/^COPY (?!--from)((?:\S+ )+)\S+$/gm)].flatMap((m) =>
  m[1]!.trim().split(" "),
);

const files = (path: string): string[] =>
  statSync(path).isDirectory()
    ? readdirSync(path, { withFileTypes: true })
        .filter((e) => e.name !== "node_modules")
        .flatMap((e) => files(join(path, e.name)))
    : [relative(packageRoot, path)];

describe("the reading of .dockerignore", () => {
  it("follows Docker's rules: parents decide for their files, the last match wins, ** spans folders", () => {
    const ignore = dockerignore("# a comment\n*\n!src\nsrc/**/*.log\n!/keep/./me\n");
    expect(ignore("a")).toBe(true);
    expect(ignore("a/b/c")).toBe(true);
    expect(ignore("src/x.ts")).toBe(false);
    expect(ignore("src/a/b/x.log")).toBe(true);
    expect(ignore("src/x.log")).toBe(true);
    expect(ignore("keep/me")).toBe(false);
    expect(ignore("keep/other")).toBe(true);
    expect(ignore("# a comment")).toBe(true);
    expect(dockerignore("**/node_modules")("node_modules/x")).toBe(true);
    expect(dockerignore("**/node_modules")("a/node_modules")).toBe(true);
    expect(dockerignore("*.md")("docs/a.md")).toBe(false);
  });
});

describe(".dockerignore", () => {
  it("sends every file the Dockerfile copies from the context", () => {
    expect(copied).toEqual(expect.arrayContaining(["package-lock.json", "src", "policies/packs", "config"]));
    const sent = copied.flatMap((source) => files(join(packageRoot, source)));
    expect(sent.length).toBeGreaterThan(100);
    expect(sent.filter(excluded)).toEqual([]);
  });

  it("sends what the build stage compiles: tsconfig.build.json's folders and the config it extends", () => {
    const build = JSON.parse(readFileSync(join(packageRoot, "tsconfig.build.json"), "utf8")) as {
      extends: string;
      include: string[];
    };
    for (const path of [build.extends, ...build.include]) {
      const name = path.replace(/^\.\//, "");
      expect(copied, name).toContain(name);
    }
  });

  it("leaves out what is installed, built or kept locally, and every secret", () => {
    for (const path of [
      "node_modules/re2/package.json",
      "src/node_modules/x/index.js",
      "var/history/PG_VERSION",
      ".git/HEAD",
      "dist/src/cli/bin.js",
      "test/deploy/dockerignore.test.ts",
      "test-results/.last-run.json",
      "coverage/index.html",
      "bench/.build/x.js",
      "ci-npm.log",
      ".env",
      "reglament.env",
      "reglament.yaml",
      "config/reglament.yaml",
    ])
      expect(excluded(path), path).toBe(true);
  });

  it("leaves out every other top-level entry of the working tree", () => {
    const tops = new Set(copied.map((source) => source.split("/")[0]!));
    const others = readdirSync(packageRoot).filter((name) => !tops.has(name));
    expect(others).toEqual(expect.arrayContaining(["node_modules", "test", "docs"]));
    expect(others.filter((name) => !excluded(name) || !excluded(`${name}/x`))).toEqual([]);
  });
});
