import { dirname } from "node:path";
import { ruleCatalogue } from "../../../policies/rules/index.js";
import type { Config } from "../../config/schema.js";
import { listPackIds } from "../../engine/pack-catalogue.js";
import { type ExampleResult, runPackExamples } from "../../engine/pack-examples.js";
import { loadPack } from "../../engine/pack-loader.js";
import type { Language } from "../../engine/rule.js";
import { Errors, ExitCode } from "../../errors/catalogue.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { packsInUse } from "../../runtime/deployment-packs.js";
import { packTime } from "../../sla/pack-sla.js";
import type { Io } from "../io.js";

export interface PackTestResult {
  pack: string;
  results: ExampleResult[];
}

/** The report's words: each pack's in its language, the total in the language they share. */
const words: Record<
  Language,
  {
    examples: (n: number) => string;
    failed: (failed: number, total: number) => string;
    passed: (total: number) => string;
  }
> = {
  en: {
    examples: (n) => (n ? `${n} examples` : "no examples"),
    failed: (failed, total) => `${failed} of ${total} examples decided otherwise than the regulation expects`,
    passed: (total) => `all ${total} examples decided as expected`,
  },
  ru: {
    examples: (n) => (n ? `примеров: ${n}` : "примеров нет"),
    failed: (failed, total) => `решено не так, как ожидает регламент: ${failed} из ${total} примеров`,
    passed: (total) => `все примеры решены как ожидалось: ${total}`,
  },
};

/**
 * A pack's examples, run on the pack as this deployment has it: its rules as the
 * configuration overrides them, its parameters (the examples' own where the configuration
 * gives none), its calendar and SLA choices.
 */
export function testPack(
  id: string,
  config: Config | undefined,
  configFile?: string,
  language?: Language,
): PackTestResult & { language: Language } {
  const own = loadPack(id, { rules: ruleCatalogue });
  const settings = config && Object.hasOwn(config.packs, id) ? config.packs[id] : undefined;
  const pack = loadPack(id, {
    rules: ruleCatalogue,
    settings: {
      ...settings,
      params: { ...own.examples?.params, ...settings?.params },
      rules: settings?.rules ?? {},
    },
  });
  const time =
    pack.calendar === undefined
      ? undefined
      : packTime(pack, settings ?? {}, configFile && dirname(configFile));
  const said = language ?? pack.language;
  return { pack: id, language: said, results: runPackExamples(pack, time, said) };
}

/** `reglament pack test [PACK…] [--config FILE]`: exit 1 when a case is decided otherwise than it expects. */
export function runPackTest(
  ids: string[],
  opts: { config?: string; format: "text" | "json"; lang?: Language },
  io: Io,
): void {
  const config = opts.config ? loadDeploymentConfig(opts.config).config : undefined;
  const known = listPackIds();
  for (const id of ids) if (!known.includes(id)) throw Errors.UNKNOWN_PACK(id, known);
  const chosen = ids.length ? ids : config ? packsInUse(config) : known;
  const tested = chosen.map((id) => testPack(id, config, opts.config, opts.lang));
  const failed = tested.flatMap((t) => t.results.filter((r) => r.differences.length));
  if (opts.format === "json")
    io.out(
      `${JSON.stringify(
        tested.map(({ pack, results }): PackTestResult => ({ pack, results })),
        null,
        2,
      )}\n`,
    );
  else {
    const lines: string[] = [];
    for (const t of tested) {
      lines.push(`${t.pack}: ${words[t.language].examples(t.results.length)}`);
      for (const r of t.results) {
        lines.push(`  ${r.differences.length ? "✗" : "✓"} ${r.name}`);
        for (const d of r.differences) lines.push(`      ${d}`);
      }
    }
    const total = tested.reduce((n, t) => n + t.results.length, 0);
    const spoken = new Set(tested.map((t) => t.language));
    const w = words[spoken.size === 1 ? [...spoken][0]! : "en"];
    lines.push(failed.length ? w.failed(failed.length, total) : w.passed(total));
    io.out(`${lines.join("\n")}\n`);
  }
  io.exitCode = failed.length ? ExitCode.findings : ExitCode.ok;
}
