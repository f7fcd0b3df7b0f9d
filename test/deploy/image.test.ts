import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../../src/paths.js";
import { recommendedNodeOptions } from "../../src/runtime/heap.js";
import { startServe } from "../helpers/cli.js";
import { testRedisUrl } from "../helpers/redis.js";

/**
 * No Docker engine runs here, so the image is checked by building its file set exactly as
 * the Dockerfile's runtime stage lays it out — each COPY line, from the build stage (the
 * compiled dist, package.json, node_modules) or from the context — in a temporary root,
 * and running what the image runs from there: `reglament --version` and `reglament serve`.
 */
const dockerfile = readFileSync(join(packageRoot, "Dockerfile"), "utf8");
const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));

function layOut(
  root: string,
  dist: string,
): { workdir: string; env: Record<string, string>; entrypoint: string[] } {
  const workdir = join(root, /^WORKDIR (\S+)$/m.exec(runtime)![1]!);
  mkdirSync(workdir, { recursive: true });
  const env: Record<string, string> = {};
  for (const [, k, v] of runtime.matchAll(/^ENV (\w+)=("[^"]*"|\S+)$/gm))
    env[k!] = v!.replace(/^"(.*)"$/, "$1");
  for (const [, from, src, dest] of runtime.matchAll(/^COPY (--from=\w+ )?(\S+) (\S+)$/gm)) {
    const place = dest!.startsWith("/") ? join(root, dest!) : join(workdir, dest!);
    // As Docker does: a destination ending in "/" is a folder the source goes into.
    const target = dest!.endsWith("/") ? join(place, basename(src!)) : place;
    mkdirSync(dirname(target), { recursive: true });
    if (from) {
      // The build stage's /app: the compiled code, and the installed packages and manifest.
      const name = src!.replace(/^\/app\//, "");
      if (name === "dist") cpSync(dist, target, { recursive: true });
      else if (name === "node_modules") symlinkSync(join(packageRoot, "node_modules"), target);
      else cpSync(join(packageRoot, name), target, { recursive: true });
    } else cpSync(join(packageRoot, src!), target, { recursive: true });
  }
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(runtime)![1]!) as string[];
  return { workdir, env, entrypoint };
}

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === "node_modules" ? [] : e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );

describe("the Docker image's file set", () => {
  it("starts: `reglament --version` and `reglament serve` answering /healthz, with no TypeScript at run time", async () => {
    const root = mkdtempSync(join(tmpdir(), "reglament-image-"));
    const dist = join(root, "build-dist");
    execFileSync(
      process.execPath,
      [join(packageRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", dist],
      {
        cwd: packageRoot,
      },
    );
    const { workdir, env, entrypoint } = layOut(root, dist);
    expect(entrypoint).toEqual(["reglament"]);
    const command = join(root, "usr/local/bin", entrypoint[0]!);
    expect(existsSync(command)).toBe(true);
    expect(files(workdir).filter((f) => f.endsWith(".ts"))).toEqual([]);
    const imageEnv = { ...process.env, ...env, REGLAMENT_HOME: workdir };

    const version = execFileSync(command, ["--version"], { cwd: workdir, env: imageEnv, encoding: "utf8" });
    expect(version.trim()).toBe(JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")).version);

    const config = join(root, "reglament.yaml");
    // A pack with a calendar of each country, so that serve reads the production calendars.
    writeFileSync(
      config,
      [
        "server: { host: 127.0.0.1, port: 0, logLevel: warn }",
        `history: { dataDir: ${JSON.stringify(join(root, "history"))} }`,
        "trackers:",
        "  sev: { kind: mantis, baseUrl: https://mantis.example.ru, token: t, bridgeUser: reglament, example: true, projects: { '1': { pack: sevastopol-miac } } }",
        "  gl: { kind: gitlab, baseUrl: https://gitlab.example.by, token: t, bridgeUser: bot, example: true, projects: { g/s: { pack: e-recipe-by } } }",
        "packs:",
        "  sevastopol-miac: { params: { headOfLine2: petrova } }",
        "  e-recipe-by: { params: { headOfSupport: a, infrastructureOwner: b } }",
        "",
      ].join("\n"),
    );
    // --port wins over the image's REGLAMENT_PORT, so that tests running side by side do not collide.
    const serve = await startServe(command, ["serve", "--config", config, "--port", "0"], {
      cwd: workdir,
      env: { ...imageEnv, REDIS_URL: testRedisUrl(2) },
    });
    expect((await fetch(`${serve.address}/healthz`)).status).toBe(200);
    // The file says 127.0.0.1, the image's REGLAMENT_HOST every interface: on Linux all of
    // 127.0.0.0/8 is loopback, and 127.0.0.2 answers only a server listening on 0.0.0.0.
    expect(env.REGLAMENT_HOST).toBe("0.0.0.0");
    const other = new URL(serve.address);
    other.hostname = "127.0.0.2";
    expect((await fetch(`${other.origin}/healthz`)).status).toBe(200);
    // And the start-up line says where the address came from.
    expect(serve.output()).toMatch(
      /config [^,]*reglament\.yaml, server\.host 0\.0\.0\.0 from REGLAMENT_HOST, redis/,
    );
    // The image sizes the heap for the bridge, so serve has no heap advice to give.
    expect(env.NODE_OPTIONS).toBe(recommendedNodeOptions);
    expect(serve.output()).not.toMatch(/^Heap: /m);
    expect(await serve.stop()).toBe(0);
  }, 120_000);

  it("compose: a healthcheck on /readyz, published on loopback unless the operator says otherwise", () => {
    const app = parse(readFileSync(join(packageRoot, "docker-compose.yml"), "utf8")).services.reglament;
    expect(app.healthcheck.test.join(" ")).toMatch(/\/readyz/);
    expect(app.ports).toEqual(["${REGLAMENT_PUBLISH:-127.0.0.1:8080}:8080"]);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^FROM node:(22|24)-/m);
  });
});
