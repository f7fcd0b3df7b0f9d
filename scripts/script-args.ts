import { parseArgs } from "node:util";

/**
 * The arguments of an npm script (`npm run bench -- …`, `npm run chaos -- …`): `--help`
 * prints the usage and exits 0 before anything starts; an unknown option or a missing
 * value exits 2 with one line naming what is known — never a stack trace, since a
 * newcomer's first try is often a guess.
 */

export interface ScriptOption {
  type: "string" | "boolean";
  multiple?: boolean;
  /** How it is written in the usage, e.g. `--issues N`. */
  shown: string;
}

export interface ScriptArgs {
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
}

export function scriptArgs(
  script: string,
  usage: string,
  options: Record<string, ScriptOption>,
  /** How many arguments that are not options it takes (names of parts, a folder). */
  positionals: { max: number; what: string },
  args: readonly string[] = process.argv.slice(2),
): ScriptArgs {
  const all: Record<string, ScriptOption> = { ...options, help: { type: "boolean", shown: "-h/--help" } };
  const known = Object.values(all)
    .map((o) => o.shown)
    .join(" | ");
  const fail = (problem: string): never => {
    process.stderr.write(`${script}: ${problem}; the options are: ${known} (--help for the usage)\n`);
    process.exit(2);
  };
  const parsed = parseArgs({
    args: [...args],
    options: Object.fromEntries(
      Object.entries(all).map(([name, o]) => [
        name,
        {
          type: o.type,
          ...(o.multiple ? { multiple: true } : {}),
          ...(name === "help" ? { short: "h" } : {}),
        },
      ]),
    ),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  if (parsed.values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  for (const t of parsed.tokens) {
    if (t.kind !== "option") continue;
    const spec = Object.hasOwn(all, t.name) ? all[t.name] : undefined;
    if (!spec) fail(`unknown option ${t.rawName}`);
    else if (spec.type === "string" && t.value === undefined) fail(`${t.rawName} needs a value`);
    else if (spec.type === "boolean" && t.value !== undefined) fail(`${t.rawName} takes no value`);
  }
  const extra = parsed.positionals.slice(positionals.max);
  if (extra.length)
    fail(
      `unexpected ${extra.map((a) => `"${a}"`).join(", ")}: it takes ${positionals.what} besides the options`,
    );
  return { values: parsed.values as ScriptArgs["values"], positionals: parsed.positionals };
}
