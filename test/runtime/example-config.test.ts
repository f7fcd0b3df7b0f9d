import { readFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleConfigPath, packageRoot } from "../../src/paths.js";
import type { LogEntry } from "../../src/queue/decision-log.js";
import { connectRedis } from "../../src/redis/connection.js";
import { loadDeploymentConfig } from "../../src/runtime/deployment-config.js";
import { startBridge } from "../../src/runtime/serve.js";
import { until } from "../helpers/bridge-http.js";
import { capturingLogger } from "../helpers/logger.js";
import { testRedisUrl } from "../helpers/redis.js";

/**
 * The README's walkthrough: the shipped example configuration, a documented GitLab Issue
 * Hook posted over HTTP as curl would, the decision read back from the API.
 */
const redisUrl = testRedisUrl(8);
const hook = readFileSync(join(packageRoot, "test/fixtures/gitlab/issue-hook-open-two-priorities.json"));
const TICKET = "FHIR-BY/ehr.platform.support#23";

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterAll(async () => {
  const redis = await connectRedis(redisUrl);
  await redis.flushdb();
  redis.disconnect();
  nock.enableNetConnect();
});

describe("the example configuration", () => {
  it("turns a posted GitLab Issue Hook into a dry-run decision visible through the API, once", async () => {
    const { config } = loadDeploymentConfig(exampleConfigPath, { REGLAMENT_VIEWER_TOKEN: "viewer-secret-1" });
    const { logger, lines } = capturingLogger();
    const bridge = await startBridge({
      config: {
        ...config,
        server: { ...config.server, port: 0, logLevel: "silent" },
        history: { ...config.history, enabled: false },
      },
      configFile: exampleConfigPath,
      env: { REDIS_URL: redisUrl },
      logger,
    });
    try {
      const send = () =>
        fetch(`${bridge.address}/webhooks/erecipe-gitlab`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-gitlab-event": "Issue Hook",
            "x-gitlab-token": "demo-webhook-secret",
            "idempotency-key": "0b9d7a5e-readme",
          },
          body: hook,
        });
      const first = await send();
      expect(first.status).toBe(202);
      expect(await first.json()).toMatchObject({ status: "accepted" });
      const api = `${bridge.address}/api/tickets/erecipe-gitlab/${encodeURIComponent(TICKET)}/decisions`;
      expect((await fetch(api)).status).toBe(401);
      const read = async () =>
        (
          (await (await fetch(api, { headers: { authorization: "Bearer viewer-secret-1" } })).json()) as {
            entries: LogEntry[];
          }
        ).entries;
      const log = await until(read, (es) => es.length > 0);
      expect(log).toEqual([
        expect.objectContaining({
          type: "decisions",
          pack: "e-recipe-by",
          mode: "dry-run",
          writeback: "dry-run",
          wouldDo: [
            { type: "removeLabel", label: "Priority: Low" },
            expect.objectContaining({ type: "comment" }),
          ],
        }),
      ]);

      expect(await (await send()).json()).toMatchObject({ status: "duplicate" });
      await new Promise((r) => setTimeout(r, 300));
      expect(await read()).toHaveLength(1);
      // Its demo trackers are examples: not checked nor polled, so nothing fails in the log.
      expect(lines.filter((l) => l.level >= 40 && !/needs "Authorization: Bearer/.test(l.msg))).toEqual([]);
      expect(lines.filter((l) => /is an example/.test(l.msg))).toHaveLength(3);
    } finally {
      await bridge.shutdown.run("test end");
    }
  });
});
