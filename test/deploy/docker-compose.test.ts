import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../../src/paths.js";

/**
 * No Docker engine runs on the build machines, so the compose file is kept correct by reading
 * it: against the Compose specification's JSON schema, and interpolated here as Compose does.
 */
const compose = parse(readFileSync(join(packageRoot, "docker-compose.yml"), "utf8"));
const dockerfile = readFileSync(join(packageRoot, "Dockerfile"), "utf8");
const template = readFileSync(join(packageRoot, "reglament.env.example"), "utf8");
const password = "0f3c9a51d2e84b76a19c3e5f70b2d4c8e61a9f03b5d7c2e4";

/** A KEY=VALUE file as Compose reads .env: comments and blank lines skipped, quotes taken off. */
function envFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => /^[A-Za-z_]\w*=/.test(line))
      .map((line) => {
        const at = line.indexOf("=");
        return [line.slice(0, at), line.slice(at + 1).replace(/^(['"])(.*)\1$/, "$2")];
      }),
  );
}

/** Compose's interpolation of the values (not the keys) of a parsed compose file. */
function interpolate(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === "string")
    return value.replace(
      /\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_]\w*)/g,
      (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
        if (whole === "$$") return "$";
        if (arg?.includes("$")) throw new Error(`nested interpolation is not read here: ${whole}`);
        const name = (braced ?? bare)!;
        const found = env[name];
        const set = op?.startsWith(":") ? found !== undefined && found !== "" : found !== undefined;
        if (op?.endsWith("-")) return set ? found! : arg!;
        if (op?.endsWith("?")) {
          if (!set) throw new Error(`required variable ${name} is missing a value: ${arg}`);
          return found!;
        }
        if (op?.endsWith("+")) return set ? arg! : "";
        return found ?? "";
      },
    );
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  return value;
}

/** The compose file as `docker compose config` would see it with this .env. */
// biome-ignore lint/suspicious/noExplicitAny: a compose file's shape is the schema's, checked below
const rendered = (env: Record<string, string>): any => interpolate(compose, env);

/** Every variable the compose file interpolates. */
const interpolated = (value: unknown): string[] =>
  typeof value === "string"
    ? [...value.matchAll(/\$\{([A-Za-z_]\w*)|\$(?!\$)([A-Za-z_]\w*)/g)].map((m) => (m[1] ?? m[2])!)
    : value !== null && typeof value === "object"
      ? Object.values(value).flatMap(interpolated)
      : [];

/** The Compose specification's schema (compose-spec/compose-spec, schema/compose-spec.json), as dclint ships it. */
function composeSchema(): object {
  const dclint = dirname(createRequire(import.meta.url).resolve("dclint/package.json"));
  const schema = JSON.parse(readFileSync(join(dclint, "schemas/compose.schema.json"), "utf8"));
  // Written for draft-07 under an address Ajv does not know it by.
  return { ...schema, $schema: "http://json-schema.org/draft-07/schema#" };
}

describe("docker-compose.yml and the Compose specification", () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    // The schema is the Compose project's, written for lenient validators (union types, untyped keywords).
    validate = new Ajv({ allErrors: true, strict: false }).compile(composeSchema());
  });
  const problems = (doc: unknown) =>
    validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

  it("is valid as written and once interpolated", () => {
    expect(problems(compose)).toEqual([]);
    expect(problems(rendered({ HISTORY_DB_PASSWORD: password }))).toEqual([]);
  });

  it("the check finds a misspelled key and a value of the wrong kind", () => {
    const wrong = structuredClone(compose);
    wrong.services.reglament.healthcheck.intervall = "10s";
    wrong.services.redis.ports = "6379";
    expect(problems(wrong)).toEqual(
      expect.arrayContaining([
        "/services/reglament/healthcheck must NOT have additional properties",
        "/services/redis/ports must be array",
      ]),
    );
  });
});

describe("docker-compose.yml: what a person sets, in .env", () => {
  it("the bridge's environment is the file Compose interpolates from, and no other service gets it", () => {
    expect(compose.services.reglament.env_file).toEqual([".env"]);
    for (const [name, service] of Object.entries(compose.services))
      if (name !== "reglament") expect((service as { env_file?: unknown }).env_file, name).toBeUndefined();
  });

  it("PostgreSQL's password is the one in the bridge's HISTORY_URL", () => {
    const services = rendered({ ...envFile(template), HISTORY_DB_PASSWORD: password }).services;
    expect(services.postgres.environment.POSTGRES_PASSWORD).toBe(password);
    const url = new URL(services.reglament.environment.HISTORY_URL);
    expect(url.password).toBe(password);
    expect(`${url.protocol}//${url.username}@${url.host}${url.pathname}`).toBe(
      `postgres://${services.postgres.environment.POSTGRES_USER}@postgres:5432/${services.postgres.environment.POSTGRES_DB}`,
    );
  });

  it("has no default password: without one Compose stops, saying where to set it", () => {
    expect(envFile(template).HISTORY_DB_PASSWORD).toBe("");
    for (const env of [{}, envFile(template)])
      expect(() => rendered(env)).toThrow(/HISTORY_DB_PASSWORD .*set HISTORY_DB_PASSWORD in \.env/);
  });

  it("reglament.env.example names every variable the compose file interpolates", () => {
    const names = [...new Set(interpolated(compose))];
    expect(names).toEqual(
      expect.arrayContaining(["HISTORY_DB_PASSWORD", "REGLAMENT_CONFIG_FILE", "REGLAMENT_PACKS_DIR"]),
    );
    for (const name of names) expect(template, name).toMatch(new RegExp(`^${name}=`, "m"));
  });

  it("reglament.env.example names every variable the example config reads that compose and the image do not set", () => {
    const example = readFileSync(join(packageRoot, "config/reglament.example.yaml"), "utf8");
    const code = example
      .split("\n")
      .map((line) => line.replace(/(^|\s)#.*$/, ""))
      .join("\n");
    const setElsewhere = new Set([
      ...Object.keys(compose.services.reglament.environment),
      ...[...dockerfile.matchAll(/^ENV (\w+)=/gm)].map((m) => m[1]!),
    ]);
    const used = [...code.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]!).filter((v) => !setElsewhere.has(v));
    expect(used.length).toBeGreaterThan(3);
    for (const name of used) expect(template, name).toMatch(new RegExp(`^${name}=`, "m"));
  });
});

describe("docker-compose.yml: the configuration and the packs", () => {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  const workdir = /^WORKDIR (\S+)$/m.exec(runtime)![1]!;
  const imagePacks = join(workdir, /^COPY policies\/packs (\S+)$/m.exec(runtime)![1]!);
  const mounts = (env: Record<string, string>) => {
    const app = rendered({ ...env, HISTORY_DB_PASSWORD: password }).services.reglament;
    const at = (target: string) => app.volumes.find((v: { target: string }) => v.target === target);
    return { config: at(app.environment.REGLAMENT_CONFIG), packs: at(imagePacks) };
  };

  it("by default mounts the example and the packs the image carries, read-only, where the bridge reads them", () => {
    const { config, packs } = mounts({});
    for (const mount of [config, packs]) {
      expect(mount).toMatchObject({ type: "bind", read_only: true, bind: { create_host_path: false } });
    }
    expect(statSync(join(packageRoot, config.source)).isFile()).toBe(true);
    expect(join(packageRoot, config.source)).toBe(join(packageRoot, "config/reglament.example.yaml"));
    expect(statSync(join(packageRoot, packs.source)).isDirectory()).toBe(true);
    expect(existsSync(join(packageRoot, packs.source, "sevastopol-miac.yaml"))).toBe(true);
  });

  it("mounts the file REGLAMENT_CONFIG_FILE and the folder REGLAMENT_PACKS_DIR name instead", () => {
    const { config, packs } = mounts({
      REGLAMENT_CONFIG_FILE: "./reglament.yaml",
      REGLAMENT_PACKS_DIR: "./packs",
    });
    expect(config.source).toBe("./reglament.yaml");
    expect(packs.source).toBe("./packs");
  });

  it("empty REGLAMENT_CONFIG_FILE and REGLAMENT_PACKS_DIR, as the template has them, are the defaults", () => {
    expect(mounts(envFile(template))).toEqual(mounts({}));
  });
});

describe("docker-compose.yml: services", () => {
  it("runs Redis with AOF persistence on a named volume", () => {
    const redis = compose.services.redis;
    expect(redis.command.join(" ")).toMatch(/--appendonly yes/);
    const [volume, target] = redis.volumes[0].split(":");
    expect(target).toBe("/data");
    expect(compose.volumes).toHaveProperty(volume);
  });

  it("keeps the history in its own PostgreSQL on a named volume, not published", () => {
    const db = compose.services.postgres;
    const [volume, target] = db.volumes[0].split(":");
    expect(target).toBe("/var/lib/postgresql/data");
    expect(compose.volumes).toHaveProperty(volume);
    expect(db.ports).toBeUndefined();
    expect(compose.services.reglament.depends_on.postgres.condition).toBe("service_healthy");
  });

  it("builds Reglament from the Dockerfile, with the compose file's own Redis", () => {
    const app = compose.services.reglament;
    expect(app.build).toBe(".");
    expect(app.environment.REDIS_URL).toBe("redis://redis:6379");
    expect(app.depends_on.redis.condition).toBe("service_healthy");
  });

  it("the image listens on every interface, on the port compose publishes and checks, and starts serve", () => {
    const port = /^ENV REGLAMENT_PORT=(\d+)$/m.exec(dockerfile)?.[1];
    expect(dockerfile).toMatch(/^ENV REGLAMENT_HOST=0\.0\.0\.0$/m);
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${port}$`, "m"));
    const app = rendered({ HISTORY_DB_PASSWORD: password }).services.reglament;
    expect(app.ports.map((p: string) => p.split(":").at(-1))).toEqual([port]);
    expect(app.healthcheck.test.join(" ")).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(dockerfile).toMatch(/CMD \["serve"\]/);
  });
});
