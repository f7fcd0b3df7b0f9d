import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../../src/paths.js";

/** No Docker engine runs on the build machines, so the compose file is kept correct by reading it. */
const compose = parse(readFileSync(join(packageRoot, "docker-compose.yml"), "utf8"));
const dockerfile = readFileSync(join(packageRoot, "Dockerfile"), "utf8");

describe("docker-compose.yml", () => {
  it("runs Redis with AOF persistence on a named volume", () => {
    const redis = compose.services.redis;
    expect(redis.command.join(" ")).toMatch(/--appendonly yes/);
    const [volume, target] = redis.volumes[0].split(":");
    expect(target).toBe("/data");
    expect(compose.volumes).toHaveProperty(volume);
  });

  it("keeps the history in its own PostgreSQL on a named volume, reached by the bridge through HISTORY_URL", () => {
    const db = compose.services.postgres;
    const [volume, target] = db.volumes[0].split(":");
    expect(target).toBe("/var/lib/postgresql/data");
    expect(compose.volumes).toHaveProperty(volume);
    expect(db.ports).toBeUndefined();
    const app = compose.services.reglament;
    expect(app.environment.HISTORY_URL).toMatch(/^postgres:\/\/reglament:.*@postgres:5432\/reglament$/);
    expect(app.depends_on.postgres.condition).toBe("service_healthy");
  });

  it("builds Reglament from the Dockerfile with the config read-only and secrets from an env file", () => {
    const app = compose.services.reglament;
    expect(app.build).toBe(".");
    expect(app.env_file).toContain("reglament.env");
    expect(app.environment.REDIS_URL).toBe("redis://redis:6379");
    const mount = app.volumes.find((v: string) => v.includes(app.environment.REGLAMENT_CONFIG));
    expect(mount).toMatch(/:ro$/);
    const source = mount.split(":")[0].replace(/^\.\//, "");
    expect(() => readFileSync(join(packageRoot, source))).not.toThrow();
    expect(app.depends_on.redis.condition).toBe("service_healthy");
  });

  it("has an env file template naming every variable the example config reads", () => {
    const example = readFileSync(join(packageRoot, "config/reglament.example.yaml"), "utf8");
    const template = readFileSync(join(packageRoot, "reglament.env.example"), "utf8");
    const code = example
      .split("\n")
      .map((line) => line.replace(/(^|\s)#.*$/, ""))
      .join("\n");
    const used = [...code.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]).filter((v) => v !== "REGLAMENT_HOST");
    expect(used.length).toBeGreaterThan(3);
    for (const name of used) expect(template).toMatch(new RegExp(`^${name}=`, "m"));
  });

  it("the Dockerfile listens on every interface and starts serve", () => {
    expect(dockerfile).toMatch(/ENV REGLAMENT_HOST=0\.0\.0\.0/);
    expect(dockerfile).toMatch(/CMD \["serve"\]/);
  });
});
