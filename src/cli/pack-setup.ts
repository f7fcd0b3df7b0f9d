import { dirname } from "node:path";
import { ruleCatalogue } from "../../policies/rules/index.js";
import type { Config } from "../config/schema.js";
import { own } from "../domain/own.js";
import { listPackIds } from "../engine/pack-catalogue.js";
import { type LoadedPack, loadPack } from "../engine/pack-loader.js";
import type { Language } from "../engine/rule.js";
import { Errors } from "../errors/catalogue.js";
import { loadDeploymentConfig } from "../runtime/deployment-config.js";
import { type PackTime, packTime } from "../sla/pack-sla.js";

export interface PackSetup {
  pack: LoadedPack;
  config?: Config;
  configFile?: string;
}

/** The pack a CLI command names, tailored by the configuration when one is given. */
/** `language`: the pack speaking `--lang`, as the configuration's `packs.<id>.language` would make it. */
export function packForCli(packId: string, configFile: string | undefined, language?: Language): PackSetup {
  const known = listPackIds();
  if (!known.includes(packId)) throw Errors.UNKNOWN_PACK(packId, known);
  const config = configFile ? loadDeploymentConfig(configFile).config : undefined;
  const settings = own(config?.packs, packId);
  const pack = loadPack(packId, {
    rules: ruleCatalogue,
    settings: language ? { ...settings, language } : settings,
    defaultMode: config?.mode,
  });
  return { pack, config, configFile };
}

export function timeForCli(setup: PackSetup): PackTime {
  const settings = own(setup.config?.packs, setup.pack.id);
  return packTime(setup.pack, settings, setup.configFile ? dirname(setup.configFile) : undefined);
}
