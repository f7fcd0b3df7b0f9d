import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliProcess } from "../helpers/cli.js";
import { deadRedisUrl, testRedisUrl } from "../helpers/redis.js";

/** Exit status 3: a service the command needs does not answer (the README's table). */
describe("exit statuses", () => {
  it("3 when Redis does not answer, and when the port to listen on is taken — the stopped line says so too", async () => {
    const config = join(tmpdir(), `reglament-exit-${process.pid}.yaml`);
    writeFileSync(
      config,
      "trackers:\n  shop: { kind: gitlab, baseUrl: https://gitlab.test, token: t, bridgeUser: bot, projects: { support: { pack: sevastopol-miac } } }\n",
    );
    const redisDown = cliProcess(["decisions", "--ticket", "shop/1", "--config", config], {
      REDIS_URL: deadRedisUrl,
    });
    expect(redisDown.code).toBe(3);
    expect(redisDown.err).toMatch(/REG_REDIS_UNREACHABLE/);

    const holder = createServer();
    await new Promise<void>((ok) => holder.listen(0, "127.0.0.1", ok));
    const port = (holder.address() as { port: number }).port;
    try {
      const busy = join(tmpdir(), `reglament-exit-busy-${process.pid}.yaml`);
      writeFileSync(busy, `server: { port: ${port}, logLevel: info }\nhistory: { enabled: false }\n`);
      const r = cliProcess(["serve", "--config", busy, "--log-format", "json"], {
        REDIS_URL: testRedisUrl(2),
      });
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/REG_SERVER_LISTEN_FAILED: cannot listen on 127\.0\.0\.1:\d+/);
      expect(r.out).toMatch(/"status":3,"msg":"stopped"/);
    } finally {
      holder.close();
    }
  }, 60_000);
});
