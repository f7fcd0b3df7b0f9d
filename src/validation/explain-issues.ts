import type { z } from "zod";
import { redactPersonalData } from "../text/personal-data.js";

/**
 * Turns zod issues into sentences for the person who must fix the input: where (the
 * dotted path, and the file position when the caller can locate it), what was expected,
 * what was found, and how to fix it. Shared by the config file, policy packs and the
 * ticket/change files the CLI reads.
 */

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export interface ExplainOptions {
  /** The input the schema was given, to show what was found at a path. */
  input: unknown;
  /** The schema, to list the valid keys when a key is unknown. */
  schema?: z.ZodType;
  /** A prefix for a path such as "config.yaml:12:3", when the caller knows positions. */
  locate?: (path: Path) => string | undefined;
  /** Paths whose values must never be printed (tokens, secrets). */
  isSecret?: (path: Path) => boolean;
}

export function formatPath(path: Path): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

export function valueAt(input: unknown, path: Path): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  return cur;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    // Redacted before it is shortened: a cut number would escape the detectors.
    const whole = redactPersonalData(value);
    const shown = whole.length > 60 ? `${whole.slice(0, 57)}...` : whole;
    return `the text ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** The words of a zod "expected" type, as an administrator would say them. */
function expectedWords(expected: string): string {
  const words: Record<string, string> = {
    string: "a text value",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
    array: "a list",
    object: "a mapping (key: value)",
    record: "a mapping (key: value)",
  };
  return words[expected] ?? expected;
}

export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a small edit distance, for "did you mean …?". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function def(schema: z.ZodType): Record<string, unknown> & { type: string } {
  return (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
}

/** The keys an object schema accepts at a path, looking through defaults, optionals, pipes and unions. */
export function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  const candidates = objectSchemasAt(schema, path);
  return [...new Set(candidates.flatMap((s) => Object.keys(def(s).shape as object)))];
}

function objectSchemasAt(schema: z.ZodType, path: Path): z.ZodType[] {
  const d = def(schema);
  switch (d.type) {
    case "default":
    case "prefault":
    case "optional":
    case "nullable":
    case "readonly":
    case "catch":
      return objectSchemasAt(d.innerType as z.ZodType, path);
    case "pipe":
      return [...objectSchemasAt(d.in as z.ZodType, path), ...objectSchemasAt(d.out as z.ZodType, path)];
    case "union":
      return (d.options as z.ZodType[]).flatMap((o) => objectSchemasAt(o, path));
    case "object": {
      if (path.length === 0) return [schema];
      const child = (d.shape as Record<string, z.ZodType>)[String(path[0])];
      return child ? objectSchemasAt(child, path.slice(1)) : [];
    }
    case "record":
      return path.length === 0 ? [] : objectSchemasAt(d.valueType as z.ZodType, path.slice(1));
    case "array":
      return path.length === 0 ? [] : objectSchemasAt(d.element as z.ZodType, path.slice(1));
    default:
      return [];
  }
}

/** Of a union's failed branches, the one that got furthest: the most specific explanation. */
function bestBranch(branches: readonly (readonly Issue[])[], unionPath: Path): readonly Issue[] {
  const score = (issues: readonly Issue[]): number => {
    const depth = Math.max(0, ...issues.map((i) => i.path.length));
    const typeMismatchOnly = issues.every((i) => i.code === "invalid_type" && i.path.length === 0);
    return depth * 10 + (typeMismatchOnly ? 0 : 5) - issues.length;
  };
  let best = branches[0] ?? [];
  for (const b of branches) if (score(b) > score(best)) best = b;
  return best.map((i) => ({ ...i, path: [...unionPath, ...i.path] }) as Issue);
}

function flatten(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) =>
    issue.code === "invalid_union" && issue.errors.length > 0
      ? flatten(bestBranch(issue.errors, issue.path))
      : [issue],
  );
}

/** What the issue was about: the input zod reports (parse with `reportInput`), else the value at its path. */
function inputOf(issue: Issue, opts: ExplainOptions): unknown {
  return "input" in issue ? issue.input : valueAt(opts.input, issue.path);
}

function sentence(issue: Issue, found: string, opts: ExplainOptions): string {
  switch (issue.code) {
    case "invalid_type":
      if (found === "nothing") return `is required: add ${expectedWords(issue.expected)} here`;
      return `expected ${expectedWords(issue.expected)}, found ${found}; change the value`;
    case "invalid_value": {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(", ");
      const value = inputOf(issue, opts);
      const hint = typeof value === "string" ? closest(value, issue.values.map(String)) : undefined;
      return `expected one of ${allowed}, found ${found}${hint ? `; did you mean "${hint}"?` : ""}`;
    }
    case "unrecognized_keys":
      return ""; // expanded by the caller, one sentence per key
    case "too_small":
      if (issue.origin === "string") return `must not be empty, found ${found}; fill it in`;
      if (issue.origin === "array" || issue.origin === "set")
        return `needs at least ${issue.minimum} item(s), found ${found}`;
      return `must be at least ${issue.minimum}, found ${found}`;
    case "too_big":
      return `must be at most ${issue.maximum}, found ${found}`;
    case "invalid_format":
      return `expected ${issue.format === "datetime" ? "an ISO 8601 date-time with an offset (2026-02-20T15:00:00+07:00)" : `a valid ${issue.format}`}, found ${found}`;
    default:
      return `${issue.message}${found !== "nothing" ? ` (found ${found})` : ""}`;
  }
}

/** Each problem as its path and the sentence about it, without a position. */
export function describeIssues(
  issues: readonly Issue[],
  opts: ExplainOptions,
): { path: readonly PropertyKey[]; text: string }[] {
  const out: { path: readonly PropertyKey[]; text: string }[] = [];
  for (const issue of flatten(issues)) {
    if (issue.code === "unrecognized_keys") {
      const known = opts.schema ? knownKeysAt(opts.schema, issue.path) : [];
      for (const key of issue.keys) {
        const hint = closest(key, known);
        out.push({
          path: [...issue.path, key],
          text:
            `unknown key "${key}"` +
            (hint ? `; did you mean "${hint}"?` : "; remove it") +
            (known.length ? ` (valid keys here: ${known.join(", ")})` : ""),
        });
      }
      continue;
    }
    const secret = opts.isSecret?.(issue.path) ?? false;
    const value = inputOf(issue, opts);
    const found = secret && value !== undefined ? "a hidden value" : describeValue(value);
    out.push({ path: issue.path, text: sentence(issue, found, opts) });
  }
  return out;
}

export function explainIssues(issues: readonly Issue[], opts: ExplainOptions): string[] {
  return describeIssues(issues, opts).map(({ path, text }) => {
    const loc = opts.locate?.(path);
    return `${loc ? `${loc} ` : ""}${formatPath(path)}: ${text}`;
  });
}
