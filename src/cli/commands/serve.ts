import { resolveConfigPath } from "../../config/load.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { loadDeploymentPacks } from "../../runtime/deployment-packs.js";
import { startBridge } from "../../runtime/serve.js";
import type { LogFormat } from "../../server/log-formats.js";
import type { Io } from "../io.js";

export async function runServe(opts: { config?: string; logFormat?: LogFormat }, io: Io): Promise<void> {
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
    `Reglament listening on ${bridge.address} (mode ${config.mode}, config ${file}, redis ${bridge.redisSource})\n` +
      `Console: ${bridge.consoleUrl}${bridge.consoleUrl.includes("key=") ? " (no token is configured: this link signs in as operator for this run)" : ""}\n`,
  );
  bridge.shutdown.onSignals();
  await new Promise(() => {});
}
