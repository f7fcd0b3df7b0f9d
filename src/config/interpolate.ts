import { linear } from "../text/linear.js";

/**
 * `${NAME}` and `${NAME:-default}` in string values are replaced from the environment,
 * so secrets stay out of the file; `$${` writes a literal `${`. Done on the parsed tree,
 * not the raw text, so a missing variable is reported at its YAML path and a value can
 * never break the YAML syntax.
 */

export interface MissingVariable {
  name: string;
  path: (string | number)[];
}

/** A `${NAME:-default}` whose variable was unset or empty, so the file's default was used. */
export interface DefaultedVariable {
  name: string;
  path: (string | number)[];
}

// On RE2: a value that opens `${NAME:-` and never closes it would make a backtracking
// engine rescan the rest of the value from every `${`.
export const variablePattern = linear(/\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g);

export function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  missing: MissingVariable[],
  path: (string | number)[] = [],
  defaulted: DefaultedVariable[] = [],
): unknown {
  if (typeof value === "string") {
    return value.replace(variablePattern, (whole, name: string | undefined, fallback: string | undefined) => {
      if (whole === "$${") return "${";
      const found = env[name!];
      if (found !== undefined && found !== "") return found;
      if (fallback !== undefined) {
        if (fallback !== "") defaulted.push({ name: name!, path });
        return fallback;
      }
      missing.push({ name: name!, path });
      return "";
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, missing, [...path, i], defaulted));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, missing, [...path, k], defaulted)]),
    );
  }
  return value;
}
