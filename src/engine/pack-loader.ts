import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Mode, PackSettings } from "../config/schema.js";
import { own } from "../domain/own.js";
import { Errors } from "../errors/catalogue.js";
import { packsDir } from "../paths.js";
import { closest, explainIssues } from "../validation/explain-issues.js";
import { readYamlSource } from "../validation/yaml-source.js";
import { listPackIds } from "./pack-catalogue.js";
import { type PackExamples, PackFile, type Words } from "./pack-schema.js";
import type { AnyRule, Language } from "./rule.js";
import { scaleNames } from "./scale-names.js";

export interface LoadedRule {
  /** The id decisions carry: the entry's id, or the rule's. */
  id: string;
  rule: AnyRule;
  options: unknown;
  section: string;
}

export interface LoadedPack {
  id: string;
  file: string;
  language: Language;
  mode: Mode;
  regulationFile: string;
  regulationTitle: Words;
  params: Readonly<Record<string, unknown>>;
  paramTitles: Readonly<Record<string, string>>;
  statuses: Readonly<Record<string, { phase: string; label: string }>>;
  rules: readonly LoadedRule[];
  /** Sections the SLA layer reads; kept as the YAML gave them. */
  calendar: unknown;
  sla: unknown;
  /** The pack's own cases (`examples:`), run by `reglament pack test`. */
  examples?: PackExamples;
  display(scale: "impact" | "priority" | "status" | "type", value: string): string;
  citation(section: string): string;
}

export interface LoadPackOptions {
  rules: ReadonlyMap<string, AnyRule>;
  /** The config's `packs.<id>` section: mode, language, params and rule overrides. */
  settings?: Partial<PackSettings>;
  /** The config's global mode, used when neither the settings nor the pack set one. */
  defaultMode?: Mode;
  dir?: string;
  /**
   * Where a path of the configuration file is (`file:line:col`), so that a mistake in
   * `packs.<id>` is reported where the person wrote it, not in the pack.
   */
  locateConfig?: (path: readonly PropertyKey[]) => string;
}

/** "3.2" reads as "п. 3.2" / "section 3.2"; a named part ("Приложение 3, п. 5") is cited as written. */
function citationFor(language: Language, title: Words, file: string, section: string): string {
  const numbered = /^\d/.test(section);
  return language === "ru"
    ? `«${title.ru}» (${file}), ${numbered ? `п. ${section}` : section}`
    : `"${title.en}" (${file}), ${numbered ? `section ${section}` : section}`;
}

/**
 * Loads a pack and validates everything about it before any ticket sees it: the file's
 * shape, every rule id, every rule's options (with the rule's own schema), the statuses
 * and parameters the options refer to, and the config's overrides. All problems are
 * thrown at once as REG_PACK_INVALID, each with file:line:col, pack, rule and option.
 */
export function loadPack(id: string, options: LoadPackOptions): LoadedPack {
  const dir = options.dir ?? packsDir;
  const file = join(dir, `${id}.yaml`);
  if (!existsSync(file)) throw Errors.UNKNOWN_PACK(id, listPackIds(dir));
  const source = readYamlSource(file, `policy pack "${id}"`);
  const fail = (problems: string[]) => Errors.PACK_INVALID.withDetails(problems, file, problems.length);
  if (source.syntaxProblems.length) throw fail(source.syntaxProblems);

  const parsed = PackFile.safeParse(source.data, { reportInput: true });
  if (!parsed.success) {
    throw fail(
      explainIssues(parsed.error.issues, { input: source.data, schema: PackFile, locate: source.locate }),
    );
  }
  const pack = parsed.data;
  const problems: string[] = [];
  if (pack.id !== id)
    problems.push(`${source.locate(["id"])} id: is "${pack.id}" but the file is ${id}.yaml; make them equal`);

  const settings = options.settings;
  const language: Language = settings?.language ?? pack.language;
  const statusNames = Object.keys(pack.vocabulary.statuses);
  const paramNames = Object.keys(pack.params);
  const overrides = { ...(settings?.rules ?? {}) };
  const inConfig = (...path: (string | number)[]) =>
    `${options.locateConfig?.(["packs", id, ...path]) ?? "config"} packs.${id}.${path.join(".")}`;
  const didYouMean = (word: string, candidates: readonly string[]) => {
    const hint = closest(word, candidates);
    return hint ? `; did you mean "${hint}"?` : "";
  };
  const seen = new Set<string>();
  const rules: LoadedRule[] = [];

  pack.rules.forEach((entry, index) => {
    const at = (...rest: PropertyKey[]) => `${source.locate(["rules", index, ...rest])} rules[${index}]`;
    const rule = options.rules.get(entry.rule);
    if (!rule) {
      problems.push(
        `${at("rule")}.rule: ${Errors.UNKNOWN_RULE.message(entry.rule, `pack ${id}`, [...options.rules.keys()])}`,
      );
      return;
    }
    const entryId = entry.id ?? rule.id;
    if (seen.has(entryId)) {
      problems.push(`${at()}: rule id "${entryId}" is used twice in pack ${id}; give each use its own id`);
      return;
    }
    seen.add(entryId);

    let rawOptions: unknown = entry.options;
    let origin = "pack";
    if (entryId in overrides) {
      const override = overrides[entryId];
      delete overrides[entryId];
      if (override === false) return;
      if (override === null || typeof override !== "object") {
        problems.push(
          `${inConfig("rules", entryId)}: expected options (a mapping) or false to turn the rule off`,
        );
        return;
      }
      rawOptions = { ...entry.options, ...override };
      origin = "pack + config";
    }
    const overridden = new Set(
      origin === "pack"
        ? []
        : Object.keys(overrides[entryId] ?? (settings?.rules?.[entryId] as object) ?? {}),
    );
    const result = rule.options.safeParse(rawOptions, { reportInput: true });
    if (!result.success) {
      // An option the config set is reported at the config's line; the pack's own at the pack's.
      for (const p of explainIssues(result.error.issues, {
        input: rawOptions,
        schema: rule.options,
        locate: (path) =>
          overridden.has(String(path[0]))
            ? (options.locateConfig?.(["packs", id, "rules", entryId, ...path]) ?? "config")
            : source.locate(["rules", index, "options", ...path]),
      })) {
        problems.push(`pack ${id}, rule ${entryId} (${origin}) option ${p}`);
      }
      return;
    }
    for (const p of rule.validate?.(result.data, { statuses: statusNames, params: paramNames }) ?? []) {
      problems.push(`${at("options")} pack ${id}, rule ${entryId}: ${p}`);
    }
    rules.push({ id: entryId, rule, options: result.data, section: entry.section });
  });

  for (const unknownEntry of Object.keys(overrides)) {
    problems.push(
      `${inConfig("rules", unknownEntry)}: pack ${id} has no rule "${unknownEntry}"${didYouMean(unknownEntry, [...seen])} (its rules: ${[...seen].join(", ")})`,
    );
  }
  for (const param of Object.keys(settings?.params ?? {})) {
    if (!paramNames.includes(param)) {
      problems.push(
        `${inConfig("params", param)}: pack ${id} declares no such parameter${didYouMean(param, paramNames)} (its parameters: ${paramNames.join(", ") || "none"})`,
      );
    }
  }
  if (problems.length) throw fail(problems);

  const vocab = pack.vocabulary;
  // Without a prototype: rules, clocks and the pipeline look statuses up by the tracker's
  // value, and one called `constructor` or `toString` must read as not in the vocabulary.
  const statuses: LoadedPack["statuses"] = Object.assign(
    Object.create(null),
    Object.fromEntries(
      Object.entries(vocab.statuses).map(([value, s]) => [value, { phase: s.phase, label: s[language] }]),
    ),
  );
  const words: Record<"impact" | "priority" | "type", Record<string, Words>> = {
    impact: vocab.impacts,
    priority: vocab.priorities,
    type: vocab.types,
  };
  return {
    id,
    file,
    language,
    mode: settings?.mode ?? options.defaultMode ?? pack.mode,
    regulationFile: pack.regulation.file,
    regulationTitle: pack.regulation.title,
    params: {
      ...Object.fromEntries(
        Object.entries(pack.params).flatMap(([k, w]) => (w.default !== undefined ? [[k, w.default]] : [])),
      ),
      ...settings?.params,
    },
    paramTitles: Object.fromEntries(Object.entries(pack.params).map(([k, w]) => [k, w[language]])),
    statuses,
    rules,
    calendar: pack.calendar,
    sla: pack.sla,
    ...(pack.examples ? { examples: pack.examples } : {}),
    display(scale, value) {
      if (scale === "status") return statuses[value]?.label ?? value;
      return (
        own(words[scale], value)?.[language] ??
        (scale === "type" ? value : (own(scaleNames[scale][language], value) ?? value))
      );
    },
    citation: (section) => citationFor(language, pack.regulation.title, pack.regulation.file, section),
  };
}
