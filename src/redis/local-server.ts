import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join, resolve } from "node:path";
import { Redis } from "ioredis";
import { Errors } from "../errors/catalogue.js";

/**
 * A private redis-server for a laptop run: started on a free loopback port with an
 * append-only file under the data folder, so queued work survives a restart, and
 * stopped with the bridge.
 */

export function findOnPath(binary: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export interface LocalRedis {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw Errors.REDIS_START_FAILED(`redis-server exited with code ${child.exitCode}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      probe.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw Errors.REDIS_START_FAILED(`it did not answer PING within ${timeoutMs} ms (${lastError})`);
}

export async function startLocalRedis(options: {
  dataDir: string;
  /** The PATH to search for redis-server (default: the process's). */
  searchPath?: string;
  timeoutMs?: number;
}): Promise<LocalRedis> {
  const binary = findOnPath("redis-server", options.searchPath);
  if (!binary) throw Errors.REDIS_BINARY_MISSING();
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const port = await freeLoopbackPort();
  const child = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dataDir, "--appendonly", "yes", "--save", ""],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const spawnError = new Promise<never>((_, fail) =>
    child.once("error", (err) => fail(Errors.REDIS_START_FAILED(err.message))),
  );
  const url = `redis://127.0.0.1:${port}`;
  try {
    await Promise.race([waitForPing(url, child, options.timeoutMs ?? 5000), spawnError]);
  } catch (err) {
    child.kill("SIGKILL");
    if (stderr) (err as Error).message += `; redis-server said: ${stderr.trim().slice(0, 300)}`;
    throw err;
  }
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  return {
    url,
    dataDir,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
