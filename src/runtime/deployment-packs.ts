import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { ruleCatalogue } from "../../policies/rules/index.js";
import type { Config } from "../config/schema.js";
import { own } from "../domain/own.js";
import { type LoadedPack, loadPack } from "../engine/pack-loader.js";
import { isReglamentError, ReglamentError } from "../errors/catalogue.js";
import { type PackTime, packTime } from "../sla/pack-sla.js";
import { readYamlSource } from "../validation/yaml-source.js";

export interface DeploymentPack {
  pack: LoadedPack;
  time: PackTime;
}

/** Every pack the configuration uses: bound to a tracker project or tailored under `packs`. */
export function packsInUse(config: Config): string[] {
  const bound = Object.values(config.trackers).flatMap((t) => Object.values(t.projects).map((p) => p.pack));
  return [...new Set([...bound, ...Object.keys(config.packs)])].sort();
}

/**
 * Loads the packs a deployment uses with its settings, their calendars and SLA tables.
 * All problems of all packs are reported together, so one run shows every mistake.
 */
export function loadDeploymentPacks(config: Config, configFile: string): Map<string, DeploymentPack> {
  const loaded = new Map<string, DeploymentPack>();
  const failures: ReglamentError[] = [];
  // The config file's positions, so that a mistake in packs.<id> is reported at its own line.
  const configSource =
    existsSync(configFile) && statSync(configFile).isFile()
      ? readYamlSource(configFile, `configuration file "${configFile}"`)
      : undefined;
  for (const id of packsInUse(config)) {
    try {
      const settings = own(config.packs, id);
      const pack = loadPack(id, {
        rules: ruleCatalogue,
        settings,
        defaultMode: config.mode,
        ...(configSource ? { locateConfig: configSource.locate } : {}),
      });
      loaded.set(id, {
        pack,
        time: packTime(pack, settings, dirname(configFile)),
      });
    } catch (err) {
      if (!isReglamentError(err)) throw err;
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0]!;
  if (failures.length > 1) {
    const details = failures.flatMap((f) => [`${f.code}: ${f.message}`, ...f.details.map((d) => `  ${d}`)]);
    throw new ReglamentError(
      failures[0]!,
      `${failures.length} packs of the configuration cannot be loaded`,
      details,
    );
  }
  return loaded;
}
