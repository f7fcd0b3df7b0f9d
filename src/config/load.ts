import { existsSync } from "node:fs";
import type { z } from "zod";
import { Errors } from "../errors/catalogue.js";
import { exampleConfigPath } from "../paths.js";
import { explainIssues, formatPath } from "../validation/explain-issues.js";
import { readYamlSource } from "../validation/yaml-source.js";
import { type DefaultedVariable, interpolate, type MissingVariable } from "./interpolate.js";
import { redactUrlsIn } from "./redact-url.js";
import { type Config, configSchema } from "./schema.js";

export interface LoadOptions {
  /** Pack ids that exist; a config naming another pack is rejected. */
  knownPacks: readonly string[];
  /** Each tracker kind's options schema (`AdapterRegistry.optionSchemas()`). */
  trackerOptions?: Record<string, z.ZodType>;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  file: string;
  config: Config;
  /** Secrets whose variable was unset or empty, so the file's default (a demo value) is in use. */
  defaultedSecrets: { name: string; path: string }[];
  /** Server settings taken from the environment instead of the file (see `listenVariables`). */
  listenOverrides: { name: string; path: string; value: string }[];
}

/**
 * Each wins over its setting when set and not empty: a container must listen on its own
 * interfaces and on the port it publishes whatever the mounted file says, so the Dockerfile
 * sets both. `serve --port` still wins over REGLAMENT_PORT.
 */
const listenVariables = { host: "REGLAMENT_HOST", port: "REGLAMENT_PORT" } as const;

function listenFromEnvironment(env: NodeJS.ProcessEnv): {
  server: { host?: string; port?: number };
  overrides: LoadedConfig["listenOverrides"];
  problems: string[];
} {
  const server: { host?: string; port?: number } = {};
  const overrides: LoadedConfig["listenOverrides"] = [];
  const problems: string[] = [];
  const host = env[listenVariables.host];
  if (host) {
    server.host = host;
    overrides.push({ name: listenVariables.host, path: "server.host", value: host });
  }
  const port = env[listenVariables.port];
  if (port) {
    if (/^\d{1,5}$/.test(port) && Number(port) <= 65535) {
      server.port = Number(port);
      overrides.push({ name: listenVariables.port, path: "server.port", value: port });
    } else {
      problems.push(
        `environment ${listenVariables.port}: is "${port}", expected a port from 0 to 65535 (it replaces server.port)`,
      );
    }
  }
  return { server, overrides, problems };
}

const secretKeys = /token|secret|password|^url$/i;

/** Which file to read: the flag, then REGLAMENT_CONFIG, then the example shipped with the project. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.REGLAMENT_CONFIG ?? exampleConfigPath;
}

/**
 * Reads, interpolates and validates the configuration. Every problem in the file is
 * collected and thrown at once as REG_CONFIG_INVALID, one line each with its
 * file:line:column and YAML path, so nothing starts half-configured.
 */
export function loadConfig(file: string, options: LoadOptions): LoadedConfig {
  if (!existsSync(file)) throw Errors.CONFIG_NOT_FOUND(file);
  const source = readYamlSource(file, `configuration file "${file}"`);
  if (source.syntaxProblems.length > 0) {
    throw Errors.CONFIG_INVALID.withDetails(source.syntaxProblems, file, source.syntaxProblems.length);
  }

  const missing: MissingVariable[] = [];
  const defaulted: DefaultedVariable[] = [];
  const env = options.env ?? process.env;
  const data = interpolate(source.data, env, missing, [], defaulted);
  const problems = missing.map(
    (m) => `${source.locate(m.path)} ${formatPath(m.path)}: ${Errors.ENV_VAR_MISSING.message(m.name)}`,
  );
  const listen = listenFromEnvironment(env);
  problems.push(...listen.problems);

  const schema = configSchema(options.knownPacks, options.trackerOptions);
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) {
    // A value emptied by a missing variable is already reported as that variable.
    const emptied = new Set(missing.map((m) => formatPath(m.path)));
    const issues = result.error.issues.filter((i) => !emptied.has(formatPath(i.path)));
    problems.push(
      ...explainIssues(issues, {
        // The values found are shown, and a URL's password must not be (a tracker's baseUrl).
        input: redactUrlsIn(data),
        schema,
        locate: source.locate,
        isSecret: (path) => path.some((p) => typeof p === "string" && secretKeys.test(p)),
      }),
    );
  }
  if (problems.length > 0 || !result.success) {
    throw Errors.CONFIG_INVALID.withDetails(problems, file, problems.length);
  }
  const defaultedSecrets = defaulted
    .filter((d) => d.path.some((p) => typeof p === "string" && /token|secret|password/i.test(p)))
    .map((d) => ({ name: d.name, path: formatPath(d.path) }));
  const config = { ...result.data, server: { ...result.data.server, ...listen.server } };
  return { file, config, defaultedSecrets, listenOverrides: listen.overrides };
}
