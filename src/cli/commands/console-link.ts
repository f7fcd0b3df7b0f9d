import { ConsoleSessions, launchMinutes } from "../../access/sessions.js";
import type { AccessRole } from "../../access/tokens.js";
import { resolveConfigPath } from "../../config/load.js";
import { keySpaceOf } from "../../redis/key-space.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { withoutTrailingSlashes } from "../../text/base-url.js";
import type { Io } from "../io.js";
import { redisForCli } from "../redis-for-cli.js";

interface ConsoleLinkOptions {
  config?: string;
  role: AccessRole;
  url?: string;
}

/**
 * A new single-use link into the running bridge's console, for whoever can read the
 * configuration and reach its Redis: what to do when the link `serve` printed has expired
 * or was used, or to let a colleague in once without giving them a token.
 */
export async function runConsoleLink(opts: ConsoleLinkOptions, io: Io): Promise<void> {
  const { config } = loadDeploymentConfig(resolveConfigPath(opts.config));
  const redis = await redisForCli(config, "reglament console link");
  try {
    const code = await new ConsoleSessions(redis, keySpaceOf(config)).launchCode(
      opts.role,
      `launch link (${opts.role})`,
    );
    const base = withoutTrailingSlashes(opts.url ?? `http://${config.server.host}:${config.server.port}`);
    io.out(`${base}/console/launch?key=${code}\n`);
    io.err(`signs one browser in as ${opts.role}; valid for ${launchMinutes} minutes, once\n`);
  } finally {
    redis.disconnect();
  }
}
