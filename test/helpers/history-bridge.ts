import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openHistoryStore } from "../../src/history/open.js";

/**
 * A configuration for a `serve` that holds an embedded history in `dir/history`, with a
 * viewer token from REGLAMENT_TEST_VIEWER_TOKEN, and the store itself opened for seeding
 * before the bridge starts: what the CLI-through-the-bridge tests share.
 */
export async function seededHistoryBridge(o: { file: string; dir: string; prefix: string; pack: string }) {
  writeFileSync(
    o.file,
    [
      "server:",
      "  port: 0",
      "  logLevel: warn",
      '  auth: { tokens: [{ name: cli, role: viewer, token: "${REGLAMENT_TEST_VIEWER_TOKEN:-}" }] }',
      `redis: { keyPrefix: ${o.prefix} }`,
      `history: { dataDir: "${join(o.dir, "history")}" }`,
      "trackers:",
      `  sev: { kind: mantis, baseUrl: https://mantis.test, token: t, bridgeUser: reglament, example: true, projects: { '1': { pack: ${o.pack} } } }`,
      "",
    ].join("\n"),
  );
  return openHistoryStore({
    enabled: true,
    dataDir: join(o.dir, "history"),
    batchSize: 500,
    maxBacklog: 1_000_000,
    alertBacklog: 10_000,
  });
}
