import { type LoadedConfig, loadConfig } from "../config/load.js";
import { listPackIds } from "../engine/pack-catalogue.js";
import { defaultAdapterRegistry } from "./adapters.js";

/**
 * Loads a deployment's configuration against what this build ships: its policy packs and
 * its adapters' option schemas, so every command reports the same mistakes.
 */
export function loadDeploymentConfig(file: string, env?: NodeJS.ProcessEnv): LoadedConfig {
  return loadConfig(file, {
    knownPacks: listPackIds(),
    trackerOptions: defaultAdapterRegistry().optionSchemas(),
    ...(env ? { env } : {}),
  });
}
