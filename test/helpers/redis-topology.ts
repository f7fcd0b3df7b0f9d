import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { findOnPath, freeLoopbackPort } from "../../src/redis/local-server.js";

/**
 * Redis's own distributed modes, started on loopback from the machine's redis-server for
 * the tests that need them: a Cluster of masters, and a Sentinel set (a master, a replica
 * and three sentinels). Each lives in a temporary folder and is stopped with its processes.
 */
export const redisServerBinary = findOnPath("redis-server");
export const redisCliBinary = findOnPath("redis-cli");
/** Why the distributed-mode tests are skipped here, or undefined when they run. */
export const topologyUnavailable =
  redisServerBinary && redisCliBinary
    ? undefined
    : "redis-server and redis-cli are not on the PATH: the Cluster and Sentinel tests are skipped";

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node {
  host: string;
  port: number;
}

class Processes {
  readonly dir = mkdtempSync(join(tmpdir(), "reglament-redis-"));
  readonly children = new Map<number, ChildProcess>();
  readonly #args = new Map<number, string[]>();

  start(port: number, args: string[]): ChildProcess {
    const child = spawn(redisServerBinary!, args, { stdio: "ignore" });
    this.children.set(port, child);
    this.#args.set(port, args);
    return child;
  }

  restart(port: number): ChildProcess {
    return this.start(port, this.#args.get(port)!);
  }

  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.children.keys()].map((p) => this.kill(p)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not happen in ${ms} ms${last ? `: ${(last as Error).message}` : ""}`);
}

/** True when a redis-server on this loopback port answers PING. */
export async function redisPing(port: number): Promise<boolean> {
  const probe = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } finally {
    probe.disconnect();
  }
}

async function answering(port: number): Promise<void> {
  await until(`redis-server on ${port} answering`, async () => ((await redisPing(port)) ? true : undefined));
}

const common = (dir: string, port: number) => [
  "--port",
  String(port),
  "--bind",
  "127.0.0.1",
  "--save",
  "",
  "--appendonly",
  "no",
  "--dir",
  dir,
  "--logfile",
  join(dir, `${port}.log`),
];

export interface TestCluster {
  nodes: Node[];
  /** Which master holds a key's slot (its port). */
  shardOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

/** A Redis Cluster of `masters` masters (no replicas), its 16,384 slots spread over them. */
export async function startRedisCluster(masters = 3): Promise<TestCluster> {
  const procs = new Processes();
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freeLoopbackPort());
  try {
    for (const port of ports)
      procs.start(port, [
        ...common(procs.dir, port),
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        join(procs.dir, `nodes-${port}.conf`),
        "--cluster-node-timeout",
        "2000",
      ]);
    await Promise.all(ports.map(answering));
    await run(redisCliBinary!, [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    for (const port of ports)
      await until(`cluster state ok on ${port}`, async () => {
        const { stdout } = await run(redisCliBinary!, ["-p", String(port), "cluster", "info"]);
        return /cluster_state:ok/.test(stdout) ? true : undefined;
      });
  } catch (err) {
    await procs.stop();
    throw err;
  }
  const nodes = ports.map((port) => ({ host: "127.0.0.1", port }));
  return {
    nodes,
    async shardOf(key) {
      const { stdout: slot } = await run(redisCliBinary!, [
        "-p",
        String(ports[0]),
        "cluster",
        "keyslot",
        key,
      ]);
      const { stdout: shards } = await run(redisCliBinary!, ["-p", String(ports[0]), "cluster", "slots"]);
      const n = Number(slot.trim());
      // `cluster slots` prints, per range: start, end, then the master's host and port (and id).
      const lines = shards.trim().split("\n");
      for (let i = 0; i + 3 < lines.length; i++) {
        const start = Number(lines[i]);
        const end = Number(lines[i + 1]);
        if (
          Number.isInteger(start) &&
          Number.isInteger(end) &&
          lines[i + 2] === "127.0.0.1" &&
          n >= start &&
          n <= end
        )
          return Number(lines[i + 3]);
      }
      throw new Error(`no shard holds slot ${n}`);
    },
    stop: () => procs.stop(),
  };
}

export interface TestSentinelSet {
  name: string;
  sentinels: Node[];
  /** The port of the master the sentinels name now. */
  masterPort(): Promise<number>;
  /**
   * Kills the current master (SIGKILL) and resolves once the sentinels name another one;
   * then starts the killed one again, which the sentinels make a replica of the new master.
   */
  failover(): Promise<{ from: number; to: number }>;
  stop(): Promise<void>;
}

/** A master, one replica and three sentinels watching them (quorum 2, down after 1 s). */
export async function startSentinelSet(): Promise<TestSentinelSet> {
  const procs = new Processes();
  const name = "reglament";
  const master = await freeLoopbackPort();
  const replica = await freeLoopbackPort();
  const sentinelPorts = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  const masterPort = async (): Promise<number> => {
    for (const port of sentinelPorts) {
      try {
        const { stdout } = await run(redisCliBinary!, [
          "-p",
          String(port),
          "sentinel",
          "get-master-addr-by-name",
          name,
        ]);
        const [, p] = stdout.trim().split("\n");
        if (p) return Number(p);
      } catch {}
    }
    throw new Error("no sentinel names a master");
  };
  try {
    procs.start(master, common(procs.dir, master));
    procs.start(replica, [...common(procs.dir, replica), "--replicaof", "127.0.0.1", String(master)]);
    await answering(master);
    await answering(replica);
    await until("the replica in sync", async () => {
      const { stdout } = await run(redisCliBinary!, ["-p", String(replica), "info", "replication"]);
      return /master_link_status:up/.test(stdout) ? true : undefined;
    });
    for (const port of sentinelPorts) {
      const file = join(procs.dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${procs.dir}`,
          `logfile ${join(procs.dir, `sentinel-${port}.log`)}`,
          `sentinel monitor ${name} 127.0.0.1 ${master} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
          "",
        ].join("\n"),
      );
      procs.start(port, [file, "--sentinel"]);
    }
    await Promise.all(sentinelPorts.map(answering));
    for (const port of sentinelPorts)
      await until(`sentinel ${port} knows the replica and the other sentinels`, async () => {
        const { stdout } = await run(redisCliBinary!, ["-p", String(port), "sentinel", "master", name]);
        const field = (f: string) => {
          const lines = stdout.trim().split("\n");
          const i = lines.indexOf(f);
          return i >= 0 ? Number(lines[i + 1]) : 0;
        };
        return field("num-slaves") >= 1 && field("num-other-sentinels") >= 2 ? true : undefined;
      });
  } catch (err) {
    await procs.stop();
    throw err;
  }
  return {
    name,
    sentinels: sentinelPorts.map((port) => ({ host: "127.0.0.1", port })),
    masterPort,
    async failover() {
      const from = await masterPort();
      await procs.kill(from);
      const to = await until(
        "the sentinels promoting the replica",
        async () => {
          const now = await masterPort();
          return now !== from ? now : undefined;
        },
        30_000,
      );
      procs.restart(from);
      return { from, to };
    },
    stop: () => procs.stop(),
  };
}
