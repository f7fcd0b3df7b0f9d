import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { Errors } from "../errors/catalogue.js";
import { exampleConfigPath } from "../paths.js";
import { explainIssues, formatPath } from "../validation/explain-issues.js";
import { interpolate, type MissingVariable } from "./interpolate.js";
import { type Config, configSchema } from "./schema.js";

export interface LoadOptions {
  /** Pack ids that exist; a config naming another pack is rejected. */
  knownPacks: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  file: string;
  config: Config;
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
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw Errors.CONFIG_NOT_FOUND(file);
    throw Errors.INPUT_UNREADABLE(`configuration file "${file}"`, (err as Error).message);
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };

  if (doc.errors.length > 0) {
    const problems = doc.errors.map(
      (e) =>
        `${position(e.pos[0])} YAML syntax: ${e.message.split("\n")[0]} (fix the indentation or quoting there)`,
    );
    throw Errors.CONFIG_INVALID.withDetails(problems, file, problems.length);
  }

  const locate = (path: readonly PropertyKey[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth) as unknown[], true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return position(node.range[0]);
    }
    return `${file}`;
  };

  const raw = doc.toJS() ?? {};
  const missing: MissingVariable[] = [];
  const data = interpolate(raw, options.env ?? process.env, missing);
  const problems = missing.map(
    (m) => `${locate(m.path)} ${formatPath(m.path)}: ${Errors.ENV_VAR_MISSING.message(m.name)}`,
  );

  const schema = configSchema(options.knownPacks);
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) {
    // A value emptied by a missing variable is already reported as that variable.
    const emptied = new Set(missing.map((m) => formatPath(m.path)));
    const issues = result.error.issues.filter((i) => !emptied.has(formatPath(i.path)));
    problems.push(
      ...explainIssues(issues, {
        input: data,
        schema,
        locate,
        isSecret: (path) => path.some((p) => typeof p === "string" && secretKeys.test(p)),
      }),
    );
  }
  if (problems.length > 0 || !result.success) {
    throw Errors.CONFIG_INVALID.withDetails(problems, file, problems.length);
  }
  return { file, config: result.data };
}
