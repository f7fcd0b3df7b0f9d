import type { Command } from "commander";
import { resolveConfigPath } from "../../config/load.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { loadDeploymentPacks } from "../../runtime/deployment-packs.js";
import type { Io } from "../io.js";

export function registerConfigCommands(program: Command, io: Io): void {
  const config = program.command("config").description("Work with the configuration file");
  config
    .command("check")
    .description("Validate a configuration file and print every problem with its YAML path")
    .argument("[file]", "configuration file (default: --config, REGLAMENT_CONFIG, or the example)")
    .option("-c, --config <file>", "configuration file")
    .action((file: string | undefined, opts: { config?: string }) => {
      const path = resolveConfigPath(file ?? opts.config);
      const { config: cfg } = loadDeploymentConfig(path);
      const packs = loadDeploymentPacks(cfg, path);
      const trackers = Object.entries(cfg.trackers).map(([name, t]) => `${name} (${t.kind})`);
      io.out(
        `${path}: OK — mode ${cfg.mode}; trackers: ${trackers.join(", ") || "none"}; ` +
          `packs: ${[...packs.values()].map(({ pack }) => `${pack.id} (${pack.mode})`).join(", ") || "none"}; ` +
          `alert endpoints: ${cfg.alerts.endpoints.length}\n`,
      );
    });
}
