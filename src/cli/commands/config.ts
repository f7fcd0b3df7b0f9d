import { resolveConfigPath } from "../../config/load.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { loadDeploymentPacks } from "../../runtime/deployment-packs.js";
import type { Io } from "../io.js";

export function runConfigCheck(file: string | undefined, opts: { config?: string }, io: Io): void {
  const path = resolveConfigPath(file ?? opts.config);
  const { config } = loadDeploymentConfig(path);
  const packs = loadDeploymentPacks(config, path);
  const trackers = Object.entries(config.trackers).map(([name, t]) => `${name} (${t.kind})`);
  io.out(
    `${path}: OK — mode ${config.mode}; trackers: ${trackers.join(", ") || "none"}; ` +
      `packs: ${[...packs.values()].map(({ pack }) => `${pack.id} (${pack.mode})`).join(", ") || "none"}; ` +
      `alert endpoints: ${config.alerts.endpoints.length}\n`,
  );
}
