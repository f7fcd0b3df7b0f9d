import { resolveConfigPath } from "../../config/load.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { loadDeploymentPacks } from "../../runtime/deployment-packs.js";
import { heapAdvice } from "../../runtime/heap.js";
import type { BridgeRole } from "../../runtime/roles.js";
import { startBridge } from "../../runtime/serve.js";
import type { LogFormat } from "../../server/log-formats.js";
import type { Io } from "../io.js";

export async function runServe(
  opts: { config?: string; logFormat?: LogFormat; role?: BridgeRole; port?: number },
  io: Io,
): Promise<void> {
  const file = resolveConfigPath(opts.config);
  const loaded = loadDeploymentConfig(file);
  const { defaultedSecrets } = loaded;
  const config =
    opts.port === undefined
      ? loaded.config
      : { ...loaded.config, server: { ...loaded.config.server, port: opts.port } };
  const packs = loadDeploymentPacks(config, file);
  const role = opts.role ?? "all";
  const bridge = await startBridge({
    config,
    configFile: file,
    packs,
    defaultedSecrets,
    role,
    exitOnSignals: true,
    ...(opts.logFormat ? { logFormat: opts.logFormat } : {}),
  });
  const what = role === "all" ? "" : `, role ${role}`;
  // A container listens where its environment says, whatever the file says: the line shows it.
  const fromEnv = loaded.listenOverrides
    .filter((o) => !(o.path === "server.port" && opts.port !== undefined))
    .map((o) => `, ${o.path} ${o.value} from ${o.name}`)
    .join("");
  const heap = heapAdvice();
  io.out(
    `Reglament listening on ${bridge.address} (mode ${config.mode}${what}, config ${file}${fromEnv}, redis ${bridge.redisSource})\n` +
      (role === "worker"
        ? ""
        : `Console: ${bridge.consoleUrl}${bridge.consoleUrl.includes("key=") ? " (no token is configured: this link signs one browser in as operator, once, within 15 minutes; `reglament console link` makes another)" : ""}\n`) +
      (heap ? `${heap}\n` : ""),
  );
  await new Promise(() => {});
}
