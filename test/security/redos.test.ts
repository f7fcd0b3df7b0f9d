import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isSafePattern } from "redos-detector";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { mentionsUploads, upload } from "../../adapters/gitlab/uploads.js";
import { basicCredentials } from "../../adapters/yandex-tracker/trigger.js";
import { wordPattern } from "../../policies/rules/duplicate-suspect.js";
import { patternsOf, wordsOf } from "../../policies/rules/template-completeness.js";
import { disagreementPatterns } from "../../policies/support/disagreement.js";
import { severalProblemsPatterns } from "../../policies/support/several-problems.js";
import { variablePattern } from "../../src/config/interpolate.js";
import { extensionPatterns, isoMoment, russianMoment } from "../../src/sla/extension.js";
import { SlaSpec } from "../../src/sla/sla-spec.js";
import { isLinear, linear } from "../../src/text/linear.js";
import { personalDataPatterns } from "../../src/text/personal-data.js";

/**
 * No regular expression of the service can be made to backtrack. Every pattern in
 * policies/, adapters/ and src/ is found with the TypeScript parser — regex literals,
 * `new RegExp(…)`, `linear(…)`, and strings given to `match`/`matchAll`/`search` (which
 * make a RegExp of them). A pattern given to `linear` runs on RE2 and cannot backtrack;
 * every other one runs on V8's backtracking engine and must be proven safe by
 * redos-detector, which counts the ways one input can be matched (score 1: one way).
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const scanned = ["policies", "adapters", "src"];

interface Pattern {
  /** file:line */
  at: string;
  file: string;
  source: string;
  flags: string;
  engine: "native" | "linear";
  /** Built at run time from something that is not a literal: the scan cannot see it. */
  dynamic?: string;
}

/**
 * Native patterns redos-detector cannot decide (it gives up, or has no mode for the
 * flags), each with why it is safe. Keep it short: the better answer is a pattern that
 * can be checked, or one that runs on `linear`. An entry that no longer matches fails.
 */
const undecidedButSafe: readonly { file: string; source: string; reason: string }[] = [];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.[cm]?[jt]s$/.test(entry.name)) yield path;
  }
}

const stringOf = (node: ts.Node | undefined): string | undefined =>
  node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;

function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

/** Every pattern of one file. */
function patternsIn(path: string): Pattern[] {
  const file = relative(root, path);
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const at = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const found: Pattern[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = node.getText();
      const end = text.lastIndexOf("/");
      const parent = node.parent;
      const toLinear =
        ts.isCallExpression(parent) && calleeName(parent) === "linear" && parent.arguments[0] === node;
      found.push({
        at: at(node),
        file,
        source: text.slice(1, end),
        flags: text.slice(end + 1),
        engine: toLinear ? "linear" : "native",
      });
    } else if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeName(node);
      const [first, second] = node.arguments ?? [];
      const callee = node.expression;
      const isRegExp = name === "RegExp" && ts.isIdentifier(callee);
      const isLinearCall = (name === "linear" && ts.isIdentifier(callee)) || name === "RE2";
      const stringToRegExp =
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(callee) &&
        ["match", "matchAll", "search"].includes(name ?? "") &&
        stringOf(first) !== undefined;
      if (
        (isRegExp || isLinearCall || stringToRegExp) &&
        first?.kind !== ts.SyntaxKind.RegularExpressionLiteral
      ) {
        const text = stringOf(first);
        found.push({
          at: at(node),
          file,
          source: text ?? first?.getText() ?? "",
          flags: stringOf(second) ?? "",
          engine: isLinearCall ? "linear" : "native",
          // Flags that are not a literal could hide an `i` or a `u` as much as the source could.
          ...(text === undefined || (second && stringOf(second) === undefined)
            ? { dynamic: node.getText() }
            : {}),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

type Verdict = { kind: "safe" } | { kind: "vulnerable" | "undecided"; why: string };

function judge(p: Pattern): Verdict {
  if (p.dynamic) return { kind: "undecided", why: `built at run time (${p.dynamic}); give it to linear()` };
  const flags = new Set(p.flags);
  if (flags.has("i") && flags.has("u"))
    return { kind: "undecided", why: "redos-detector has no case-insensitive Unicode mode" };
  try {
    const result = isSafePattern(p.source, {
      caseInsensitive: flags.has("i"),
      unicode: flags.has("u") || flags.has("v"),
      dotAll: flags.has("s"),
      multiLine: flags.has("m"),
      timeout: 3_000,
    });
    if (result.safe) return { kind: "safe" };
    if (result.error === "hitMaxSteps" || result.error === "timedOut")
      return { kind: "undecided", why: `redos-detector gave up (${result.error})` };
    const score = result.score.infinite ? "unbounded" : String(result.score.value);
    return { kind: "vulnerable", why: `backtracking score ${score}` };
  } catch (err) {
    return { kind: "undecided", why: `redos-detector cannot read it (${(err as Error).message})` };
  }
}

const all = scanned.flatMap((dir) => [...sourceFiles(join(root, dir))].flatMap(patternsIn));
const show = (p: Pattern) => `${p.at}  /${p.source}/${p.flags}`;

describe("ReDoS: no pattern can backtrack", () => {
  it("finds the patterns (the scan itself works)", () => {
    expect(all.length).toBeGreaterThan(50);
    expect(
      all.some((p) => p.file === join("adapters", "gitlab", "uploads.ts") && p.engine === "linear"),
    ).toBe(true);
  });

  it("proves every pattern on the backtracking engine safe", { timeout: 60_000 }, () => {
    const problems: string[] = [];
    const used = new Set<(typeof undecidedButSafe)[number]>();
    for (const p of all.filter((x) => x.engine === "native")) {
      const verdict = judge(p);
      if (verdict.kind === "safe") continue;
      const allowed = undecidedButSafe.find((a) => a.file === p.file && a.source === p.source);
      if (verdict.kind === "undecided" && allowed) {
        used.add(allowed);
        continue;
      }
      problems.push(`${show(p)}  — ${verdict.kind}: ${verdict.why}`);
    }
    for (const a of undecidedButSafe)
      if (!used.has(a)) problems.push(`allow-list entry no longer needed: ${a.file} /${a.source}/`);
    expect(
      problems,
      `patterns that can backtrack (run them on linear() from src/text/linear.ts, or rewrite them):\n${problems.join("\n")}`,
    ).toEqual([]);
  });

  it("compiles every literal pattern given to linear() on RE2", () => {
    const linearOnes = all.filter((p) => p.engine === "linear" && !p.dynamic);
    const refused = linearOnes.flatMap((p) => {
      try {
        linear(p.source, p.flags);
        return [];
      } catch (err) {
        return [`${show(p)}  — ${(err as Error).message}`];
      }
    });
    expect(refused).toEqual([]);
    // Immune by construction; listed so that a reader sees what meets tracker text.
    console.info(`patterns on RE2 (linear):\n${linearOnes.map(show).join("\n")}`);
  });

  it("runs the patterns that read tracker text on RE2", () => {
    const extension = SlaSpec.parse({ section: "4.8", extension: { section: "4.8", clocks: ["r"] } })
      .extension!;
    const { command, agreement } = extensionPatterns(extension);
    const part = {
      name: "x",
      patterns: ["скриншот", "верси\\S*\\s*\\d"],
      in: "text" as const,
      attachmentCounts: false,
    };
    const hostile = [
      upload,
      mentionsUploads,
      basicCredentials,
      wordPattern,
      variablePattern,
      command,
      agreement,
      isoMoment,
      russianMoment,
      ...disagreementPatterns,
      ...patternsOf(part),
      ...(wordsOf("Хирургия; Терапия") ?? []),
    ];
    expect(hostile.filter((p) => !isLinear(p))).toEqual([]);
    expect(hostile).toHaveLength(20);
    // The description and comment detectors (the several-problems error-message pattern stalled a worker).
    for (const patterns of [severalProblemsPatterns, personalDataPatterns]) {
      expect(patterns.length).toBeGreaterThan(0);
      expect(patterns.filter((p) => !isLinear(p))).toEqual([]);
    }
  });
});
