import { Cluster } from "ioredis";
import { describe, expect, it } from "vitest";
import { AdapterRegistry } from "../../src/domain/adapter.js";
import { KeySpace } from "../../src/redis/key-space.js";
import { startBridge } from "../../src/runtime/serve.js";
import { until } from "../helpers/bridge-http.js";
import { fakeIssue, fakeTrackerConfig, fakeTrackerFactory } from "../helpers/fake-tracker.js";
import { silentLogger } from "../helpers/logger.js";
import { startRedisCluster, topologyUnavailable } from "../helpers/redis-topology.js";
import { pipelineSuite } from "../queue/pipeline-suite.js";

/**
 * The pipeline's end-to-end suite on a 3-master Redis Cluster started here, and where the
 * keys land: each partition's keys in one slot, the partitions spread over the shards.
 */
if (topologyUnavailable) {
  console.warn(topologyUnavailable);
  describe.skip(`Redis Cluster (${topologyUnavailable})`, () => {
    it("runs the pipeline on a Cluster", () => {});
  });
} else {
  const cluster = await startRedisCluster(3);
  const nodes = cluster.nodes;

  pipelineSuite({
    redis: { cluster: { nodes } },
    yaml: `cluster: { nodes: [${nodes.map((n) => `{ host: ${n.host}, port: ${n.port} }`).join(", ")}] }`,
    cleanup: () => cluster.stop(),
  });

  describe("keys on a Redis Cluster", () => {
    it("puts each ticket's keys in its partition's slot and spreads the partitions over all shards", async () => {
      const prefix = `cl${process.pid}`;
      const base = fakeTrackerConfig("https://tracker.test", prefix, { mode: "dry-run" });
      const config = {
        ...base,
        redis: { ...base.redis, cluster: { nodes } },
        pipeline: { ...base.pipeline, partitions: 12 },
      };
      const bridge = await startBridge({
        config,
        configFile: "/tmp/reglament-test.yaml",
        env: {},
        logger: silentLogger,
        registry: new AdapterRegistry([fakeTrackerFactory]),
      });
      try {
        const ids = Array.from({ length: 24 }, (_, i) => String(500 + i));
        for (const id of ids) {
          const res = await bridge.app.inject({
            method: "POST",
            url: "/webhooks/shop",
            headers: { "content-type": "application/json", "x-test-token": "s3cret" },
            payload: JSON.stringify({
              delivery: `k-${id}`,
              issue: fakeIssue({ id }),
              change: { kind: "created", actor: { id: "ivanov" } },
            }),
          });
          expect(res.statusCode).toBe(202);
        }
        const keys = new KeySpace(prefix, 12);
        const redis = bridge.redis as Cluster;
        expect(redis).toBeInstanceOf(Cluster);
        // Every ticket's decision log is written (dry-run: decided, nothing sent).
        await until(
          async () =>
            (await Promise.all(ids.map((id) => redis.llen(keys.ticket(`shop/${id}`, "decisions"))))).filter(
              Boolean,
            ).length,
          (n) => n === ids.length,
          20_000,
        );
        const shardOfPartition = new Map<number, number>();
        for (let p = 0; p < 12; p++) shardOfPartition.set(p, await cluster.shardOf(keys.slot(p)));
        for (const id of ids) {
          const ticket = `shop/${id}`;
          const p = keys.partitionOf(ticket);
          for (const key of [
            keys.ticket(ticket, "decisions"),
            keys.ticket(ticket, "snapshot"),
            keys.ofPartition(p, "inbox"),
          ])
            expect(await cluster.shardOf(key)).toBe(shardOfPartition.get(p));
        }
        // The events queue of a partition lives with its tickets.
        expect(await cluster.shardOf(`${keys.queuePrefix("events-3")}:events-3:wait`)).toBe(
          shardOfPartition.get(3),
        );
        expect(new Set(shardOfPartition.values()).size).toBe(3);
      } finally {
        await bridge.shutdown.run("test end");
      }
    }, 60_000);
  });
}
