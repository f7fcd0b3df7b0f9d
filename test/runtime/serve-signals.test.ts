import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import { findOnPath } from "../../src/redis/local-server.js";
import { type ServeProcess, startServe } from "../helpers/cli.js";

/**
 * `serve` on its private redis-server, stopped as a person at a terminal stops it: Ctrl-C
 * reaches the whole foreground process group at once.
 */
const dataDir = join(tmpdir(), `reglament-serve-signals-${process.pid}`);
const config = join(tmpdir(), `reglament-serve-signals-${process.pid}.yaml`);

/** /proc's view of a process: its state letter and its process group. */
const stat = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return { state: fields[0]!, group: Number(fields[2]) };
};
const hasProc = existsSync("/proc/self/stat");
/** Running: a zombie its parent has not reaped yet (orphans wait on PID 1 here) is gone. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !hasProc || stat(pid).state !== "Z";
};
const lock = () =>
  JSON.parse(readFileSync(join(dataDir, "reglament-redis.lock"), "utf8")) as {
    redisPid: number;
    port: number;
  };
/** The log lines (JSON: stdout is no terminal) at warn or above. */
const warnings = (serve: ServeProcess) =>
  serve
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => l.level >= 40);

const started: ServeProcess[] = [];
const serve = async () => {
  writeFileSync(
    config,
    `server:\n  port: 0\n  logLevel: info\nredis:\n  dataDir: ${JSON.stringify(dataDir)}\nhistory: { enabled: false }\n`,
  );
  const bridge = await startServe(
    process.execPath,
    [join(packageRoot, "bin/reglament.js"), "serve", "--config", config],
    { env: { REDIS_URL: "" }, group: true },
  );
  started.push(bridge);
  return bridge;
};

const leftOver: number[] = [];
afterEach(() => {
  // A test that failed before its signal leaves its bridge running.
  for (const bridge of started.splice(0)) if (alive(bridge.pid)) process.kill(-bridge.pid, "SIGKILL");
  for (const pid of leftOver.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!findOnPath("redis-server"))("serve and its private redis-server, stopped by signals", () => {
  it("Ctrl-C (SIGINT to the process group): a clean shutdown, exit 0, no warning, the redis-server gone", async () => {
    const bridge = await serve();
    const { redisPid } = lock();
    leftOver.push(redisPid);
    if (hasProc) {
      expect(stat(bridge.pid).group).toBe(bridge.pid);
      // In a group of its own, a terminal's Ctrl-C does not reach it.
      expect(stat(redisPid).group).toBe(redisPid);
    }
    expect(await bridge.signal("SIGINT")).toBe(0);
    expect(warnings(bridge)).toEqual([]);
    expect(bridge.output()).toMatch(/"msg":"stopped"/);
    expect(alive(redisPid)).toBe(false);
  }, 30_000);

  it("after a bridge killed outright, the next start stops the redis-server it left and runs on its file", async () => {
    const killed = await serve();
    const { redisPid } = lock();
    leftOver.push(redisPid);
    expect(await killed.signal("SIGKILL")).toBe(null);
    expect(alive(redisPid)).toBe(true);

    const next = await serve();
    leftOver.push(lock().redisPid);
    expect(alive(redisPid)).toBe(false);
    expect(warnings(next).map((l) => l.msg)).toEqual([
      "the private redis-server of a bridge that was killed still runs; stopping it and starting a new one on its append-only file",
    ]);
    expect(await next.signal("SIGINT")).toBe(0);
  }, 30_000);
});
