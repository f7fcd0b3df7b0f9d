import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findOnPath, startLocalRedis } from "../../src/redis/local-server.js";
import { cliProcess } from "../helpers/cli.js";

/** `reglament decisions`, `events` and `dlq` find the private redis-server a running bridge keeps. */
describe("the CLI and a bridge's private redis-server", () => {
  it.skipIf(!findOnPath("redis-server"))(
    "reads it while it runs, and says how to reach one when none does",
    async () => {
      const dataDir = join(tmpdir(), `reglament-cli-local-redis-${process.pid}`);
      const config = join(tmpdir(), `reglament-cli-local-redis-${process.pid}.yaml`);
      writeFileSync(
        config,
        `redis: { dataDir: "${dataDir}" }\ntrackers:\n  shop: { kind: gitlab, baseUrl: "https://gitlab.test", token: t, bridgeUser: bot, projects: { support: { pack: sevastopol-miac } } }\n`,
      );
      const local = await startLocalRedis({ dataDir });
      try {
        const listed = cliProcess(["events", "list", "--config", config], { REDIS_URL: "" });
        expect(listed.err).toBe("");
        expect(listed.out).toBe("no event or write-back is waiting, retrying or dead\n");
        expect(
          cliProcess(["decisions", "--ticket", "shop/1", "--config", config], { REDIS_URL: "" }).out,
        ).toBe("no decisions recorded for shop/1\n");
      } finally {
        await local.stop();
      }
      const none = cliProcess(["events", "list", "--config", config], { REDIS_URL: "" });
      expect(none.code).not.toBe(0);
      expect(none.err).toMatch(
        /REG_REDIS_URL_REQUIRED.*set REDIS_URL, or redis.url, redis.sentinel or redis.cluster.*or start the bridge/,
      );
    },
    60_000,
  );
});
