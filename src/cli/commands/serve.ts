import { type Command, Option } from "commander";
import { resolveConfigPath } from "../../config/load.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { loadDeploymentPacks } from "../../runtime/deployment-packs.js";
import { startBridge } from "../../runtime/serve.js";
import { type LogFormat, logFormats } from "../../server/logger.js";
import type { Io } from "../io.js";

export function registerServeCommand(program: Command, io: Io): void {
  program
    .command("serve")
    .description("Run the bridge: HTTP server, queues and workers, until SIGTERM or SIGINT")
    .option("-c, --config <file>", "configuration file (default: REGLAMENT_CONFIG, or the example)")
    .addOption(
      new Option(
        "--log-format <format>",
        "log lines: readable (pretty) or JSON (default: pretty on a terminal, else json)",
      ).choices([...logFormats]),
    )
    .action(async (opts: { config?: string; logFormat?: LogFormat }) => {
      const file = resolveConfigPath(opts.config);
      const { config, defaultedSecrets } = loadDeploymentConfig(file);
      const packs = loadDeploymentPacks(config, file);
      const bridge = await startBridge({
        config,
        configFile: file,
        packs,
        defaultedSecrets,
        ...(opts.logFormat ? { logFormat: opts.logFormat } : {}),
      });
      io.out(
        `Reglament listening on ${bridge.address} (mode ${config.mode}, config ${file}, redis ${bridge.redisSource})\n`,
      );
      bridge.shutdown.onSignals();
      await new Promise(() => {});
    });
}
