import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import { type RunningBridge, startBridge } from "../../src/runtime/serve.js";
import { fakeIssue, fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";
import { silentLogger } from "../helpers/logger.js";
import { startSentinelSet, topologyUnavailable } from "../helpers/redis-topology.js";
import { statefulFakeTracker } from "../helpers/stateful-fake-tracker.js";

/**
 * A Sentinel set (master, replica, three sentinels) started here; its master is killed
 * while webhooks pour in. The sentinels promote the replica, the bridge follows, and every
 * webhook it answered 202 is decided and corrected exactly once — a webhook answered
 * otherwise is sent again, as a tracker does.
 */
const TRACKER = "https://sentinel-tracker.test";
const TICKETS = 60;

if (topologyUnavailable) {
  console.warn(topologyUnavailable);
  describe.skip(`Redis Sentinel (${topologyUnavailable})`, () => {
    it("follows a failover", () => {});
  });
} else {
  const set = await startSentinelSet();
  let bridge: RunningBridge | undefined;

  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterAll(async () => {
    await bridge?.shutdown.run("test end");
    await set.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  describe("Redis Sentinel: the master killed under load", () => {
    it("promotes the replica; nothing accepted is lost and nothing is written twice", async () => {
      const ids = Array.from({ length: TICKETS }, (_, i) => String(700 + i));
      const tracker = statefulFakeTracker(
        TRACKER,
        ids.map((id) => fakeIssue({ id })),
      );
      const base = fakeTrackerConfig(TRACKER, `sen${process.pid}`, { writesPerSecond: 1000 });
      bridge = await startBridge({
        config: {
          ...base,
          redis: {
            ...base.redis,
            sentinel: {
              name: set.name,
              sentinels: set.sentinels,
              db: 0,
              waitForReplicas: 1,
              waitTimeoutMs: 500,
            },
          },
        },
        configFile: "/tmp/reglament-test.yaml",
        env: {},
        logger: silentLogger,
        registry: new AdapterRegistry([fakeTrackerFactory]),
      });
      const { address } = bridge;
      const send = async (id: string): Promise<number> => {
        const res = await fetch(`${address}/webhooks/shop`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-test-token": "s3cret" },
          body: JSON.stringify({
            delivery: `s-${id}`,
            issue: tracker.issue(id),
            change: { kind: "created", actor: { id: "ivanov" } },
          }),
        }).catch(() => undefined);
        return res?.status ?? 0;
      };
      // Each webhook is sent until it is answered 202; what was refused meanwhile is not the bridge's.
      const accepted = new Set<string>();
      let refused = 0;
      const load = (async () => {
        for (const id of ids) {
          for (;;) {
            const status = await send(id);
            if (status === 202) break;
            refused++;
            await new Promise((r) => setTimeout(r, 100));
          }
          accepted.add(id);
          await new Promise((r) => setTimeout(r, 40));
        }
      })();
      while (accepted.size < TICKETS / 3) await new Promise((r) => setTimeout(r, 20));
      const { from, to } = await set.failover();
      expect(to).not.toBe(from);
      await load;
      expect(accepted.size).toBe(TICKETS);

      const corrected = () => ids.filter((id) => tracker.issue(id).priority === "immediate").length;
      const end = Date.now() + 60_000;
      while (corrected() < TICKETS && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      expect(corrected()).toBe(TICKETS);
      // Let any job a failover made run twice show itself.
      await new Promise((r) => setTimeout(r, 2000));
      for (const id of ids) {
        const notes = (tracker.issue(id).comments ?? []).filter((c) => /приоритет исправлен/.test(c.body));
        expect(notes, `ticket ${id}`).toHaveLength(1);
      }
      const patches = tracker.writes().filter((w) => w.method === "PATCH");
      expect(patches).toHaveLength(TICKETS);
      console.log(
        `sentinel failover ${from} → ${to}: ${TICKETS} webhooks accepted (${refused} answers were not 202 and were sent again), ${TICKETS} corrections, one note each`,
      );
    }, 120_000);
  });
}
