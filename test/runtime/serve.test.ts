import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import { packageRoot } from "../../src/paths.js";
import { findOnPath } from "../../src/redis/local-server.js";
import { defaultAdapterRegistry } from "../../src/runtime/adapters.js";
import { startBridge } from "../../src/runtime/serve.js";
import { startServe } from "../helpers/cli.js";
import { silentLogger } from "../helpers/logger.js";
import { testRedisUrl } from "../helpers/redis.js";

const minimal = (dataDir?: string) =>
  configSchema([]).parse({
    server: { port: 0, logLevel: "silent" },
    redis: dataDir ? { dataDir } : {},
    history: { enabled: false },
  });

describe("startBridge", () => {
  it("uses REDIS_URL, serves /readyz, and shuts down cleanly", async () => {
    const bridge = await startBridge({
      config: minimal(),
      configFile: "test",
      env: { REDIS_URL: testRedisUrl(2) },
      logger: silentLogger,
    });
    expect(bridge.redisSource).toBe("redis://127.0.0.1:6379/2");
    const r = await fetch(`${bridge.address}/readyz`);
    expect(r.status).toBe(200);
    expect(await bridge.shutdown.run("test")).toBe(0);
  });

  it.skipIf(!findOnPath("redis-server"))("starts a private redis-server when no URL is given", async () => {
    const dataDir = join(tmpdir(), `reglament-bridge-redis-${process.pid}`);
    const bridge = await startBridge({
      config: minimal(dataDir),
      configFile: "test",
      env: {},
      logger: silentLogger,
    });
    expect(bridge.redisSource).toMatch(/^private redis-server at redis:\/\/127\.0\.0\.1:\d+/);
    expect((await fetch(`${bridge.address}/readyz`)).status).toBe(200);
    expect(await bridge.shutdown.run("test")).toBe(0);
  });

  it("refuses to start when a tracker refuses the token or the project, naming it", async () => {
    nock.disableNetConnect();
    nock("https://mantis.test")
      .get("/api/rest/projects/999")
      .reply(404, { message: "Project '999' doesn't exist" });
    const config = configSchema(listPackIds(), defaultAdapterRegistry().optionSchemas()).parse({
      server: { port: 0, logLevel: "silent" },
      history: { enabled: false },
      trackers: {
        sev: {
          kind: "mantis",
          baseUrl: "https://mantis.test",
          token: "t",
          bridgeUser: "reglament",
          projects: { "999": { pack: "sevastopol-miac" } },
        },
      },
    });
    try {
      await expect(
        startBridge({
          config,
          configFile: "test",
          env: { REDIS_URL: testRedisUrl(2) },
          logger: silentLogger,
        }),
      ).rejects.toMatchObject({
        code: "REG_TRACKER_ACCESS_DENIED",
        message: expect.stringMatching(/project "999" does not exist/),
      });
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  it("fails with REG_REDIS_UNREACHABLE and starts nothing when Redis does not answer", async () => {
    await expect(
      startBridge({
        config: minimal(),
        configFile: "test",
        env: { REDIS_URL: "redis://127.0.0.1:1" },
        logger: silentLogger,
      }),
    ).rejects.toMatchObject({ code: "REG_REDIS_UNREACHABLE" });
  });
});

describe("reglament serve (a real process)", () => {
  it("prints where it listens, answers /healthz, and exits 0 on SIGTERM", async () => {
    const config = join(tmpdir(), `reglament-serve-${process.pid}.yaml`);
    writeFileSync(config, "server:\n  port: 0\n  logLevel: warn\nhistory: { enabled: false }\n");
    const serve = await startServe(
      process.execPath,
      [join(packageRoot, "bin/reglament.js"), "serve", "--config", config],
      {
        env: { REDIS_URL: testRedisUrl(2) },
      },
    );
    expect((await fetch(`${serve.address}/healthz`)).status).toBe(200);
    expect(await serve.stop()).toBe(0);
  });

  it("--role worker answers health and metrics only, --role ingest the webhooks; --port overrides server.port", async () => {
    const config = join(tmpdir(), `reglament-serve-roles-${process.pid}.yaml`);
    writeFileSync(config, "server:\n  port: 1\n  logLevel: warn\nhistory: { enabled: false }\n");
    const serve = (role: string, heapMb: number) =>
      startServe(
        process.execPath,
        [join(packageRoot, "bin/reglament.js"), "serve", "--config", config, "--role", role, "--port", "0"],
        { env: { REDIS_URL: testRedisUrl(2), NODE_OPTIONS: `--max-old-space-size=${heapMb}` } },
      );
    const worker = await serve("worker", 256);
    const ingest = await serve("ingest", 2048);
    try {
      expect(worker.output()).toMatch(/^Reglament listening on http:\/\/\S+ \(mode dry-run, role worker,/m);
      expect(worker.output()).not.toMatch(/^Console: /m);
      expect((await fetch(`${worker.address}/healthz`)).status).toBe(200);
      expect((await fetch(`${worker.address}/webhooks/any`, { method: "POST", body: "{}" })).status).toBe(
        404,
      );
      expect(ingest.output()).toMatch(/role ingest/);
      // A heap limit in gigabytes lets RSS grow to three times the live heap: serve says how to size it.
      expect(ingest.output()).toMatch(
        /^Heap: the V8 heap limit is 2,\d{3} MB .*--max-old-space-size=256 --max-semi-space-size=4/m,
      );
      expect(worker.output()).not.toMatch(/^Heap: /m);
      expect(ingest.output()).toMatch(/^Console: /m);
      // The ingest role has the webhook route: an unknown instance is its 404, not the server's.
      const res = await fetch(`${ingest.address}/webhooks/any`, { method: "POST", body: "{}" });
      expect(((await res.json()) as { error: string }).error).toBe("REG_UNKNOWN_INSTANCE");
    } finally {
      expect(await worker.stop()).toBe(0);
      expect(await ingest.stop()).toBe(0);
    }
  });

  it("logs JSON lines when stdout is not a terminal, and readable lines with --log-format pretty", async () => {
    const config = join(tmpdir(), `reglament-serve-logs-${process.pid}.yaml`);
    writeFileSync(config, "server:\n  port: 0\n  logLevel: info\nhistory: { enabled: false }\n");
    const run = async (...extra: string[]) => {
      const serve = await startServe(
        process.execPath,
        [join(packageRoot, "bin/reglament.js"), "serve", "--config", config, ...extra],
        { env: { REDIS_URL: testRedisUrl(2) } },
      );
      await serve.stop();
      return (
        serve
          .output()
          .split("\n")
          // The command's own lines (where it listens, the console's link, heap advice) are not log lines.
          .filter((l) => l && !/^(Reglament listening|Console: |Heap: )/.test(l))
      );
    };
    const json = await run();
    expect(JSON.parse(json[0]!)).toMatchObject({ level: 30, msg: expect.stringMatching(/Server listening/) });
    const pretty = await run("--log-format", "pretty");
    expect(pretty[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at http/);
  });

  it("refuses to start (exit 2, naming the variable) when an enforcing pack would run on a demo secret", async () => {
    const config = join(tmpdir(), `reglament-serve-demo-secret-${process.pid}.yaml`);
    writeFileSync(
      config,
      [
        "server: { port: 0, logLevel: warn }",
        "history: { enabled: false }",
        "trackers:",
        "  gl:",
        "    kind: gitlab",
        "    baseUrl: https://gitlab.example.by",
        '    token: "${CHAOS_UNSET_GITLAB_TOKEN:-demo-token}"',
        "    example: true",
        "    bridgeUser: reglament-bot",
        "    projects: { FHIR-BY/support: { pack: e-recipe-by } }",
        "packs:",
        "  e-recipe-by: { mode: enforce, params: { headOfSupport: a, infrastructureOwner: b } }",
        "",
      ].join("\n"),
    );
    const child = spawn(
      process.execPath,
      [join(packageRoot, "bin/reglament.js"), "serve", "--config", config],
      {
        env: { ...process.env, REDIS_URL: testRedisUrl(2), CHAOS_UNSET_GITLAB_TOKEN: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let err = "";
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise((ok) => child.once("exit", ok));
    expect(code).toBe(2);
    expect(err).toMatch(
      /REG_SECRET_DEFAULTED|refusing to start: e-recipe-by enforces, but trackers\.gl\.token takes the configuration's demo value because CHAOS_UNSET_GITLAB_TOKEN is unset or empty/,
    );
    expect(err).toMatch(/CHAOS_UNSET_GITLAB_TOKEN/);
  });
});
