import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join, resolve } from "node:path";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { Errors } from "../errors/catalogue.js";

/**
 * A private redis-server for a laptop run: started on a free loopback port with an
 * append-only file under the data folder, so queued work survives a restart, started
 * again if it dies, and stopped with the bridge. It runs in a process group of its own:
 * a terminal's Ctrl-C goes to the whole foreground group, and the server must not die
 * under the bridge while the bridge is still shutting down in order.
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
  /** The bridge is shutting down: from now on the server's exit is expected, not a death to restart. */
  stopping(): void;
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

interface LockFile {
  redisPid: number;
  port: number;
  bridgePid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const lockFile = (dataDir: string) => join(resolve(dataDir), "reglament-redis.lock");

/** The URL of the private redis-server a running bridge keeps in this data folder, if one runs. */
export function runningLocalRedis(dataDir: string): string | undefined {
  const lock = runningOn(lockFile(dataDir));
  return lock ? `redis://127.0.0.1:${lock.port}` : undefined;
}

/** The redis-server another bridge runs on this data folder, if one still runs. */
function runningOn(lockPath: string): LockFile | undefined {
  try {
    const lock = JSON.parse(readFileSync(lockPath, "utf8")) as LockFile;
    return alive(lock.redisPid) ? lock : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of the redis-server answering on this loopback port, if one answers. */
async function pidOnPort(port: number): Promise<number | undefined> {
  const probe = new Redis(port, "127.0.0.1", {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    const pid = /^process_id:(\d+)/m.exec(await probe.info("server"))?.[1];
    return pid ? Number(pid) : undefined;
  } catch {
    return undefined;
  } finally {
    probe.disconnect();
  }
}

/**
 * The server a bridge left running when it was killed outright (SIGKILL, a crash): in a
 * group of its own, nothing else stops it. It is stopped here — SIGTERM lets it finish its
 * append-only file — so that the new one starts on that file. Only a process that proves to
 * be that server (its port answers with its pid) is signalled; the pid may have been reused.
 */
async function stopLeftOver(
  lock: LockFile,
  dataDir: string,
  timeoutMs: number,
  logger: Logger | undefined,
): Promise<void> {
  const pid = await pidOnPort(lock.port);
  // A live process that does not answer cannot be told apart from a hung server on the file.
  if (pid === undefined)
    throw Errors.REDIS_DATA_DIR_IN_USE(dataDir, lock.redisPid, lock.port, lock.bridgePid);
  if (pid !== lock.redisPid) return;
  logger?.warn(
    { redisPid: pid, port: lock.port, bridgePid: lock.bridgePid },
    "the private redis-server of a bridge that was killed still runs; stopping it and starting a new one on its append-only file",
  );
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  // Done when its port no longer answers: it closes it last, once its file is written. (Its
  // pid may stay a while, a zombie nobody reaps, holding nothing.)
  while (alive(pid) && (await pidOnPort(lock.port)) === pid) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts the private redis-server, refusing a data folder another running bridge's server
 * uses (two servers on one append-only file would corrupt it) and stopping the one a killed
 * bridge left, and starts it again on the same port and file if it dies while the bridge runs.
 */
export async function startLocalRedis(options: {
  dataDir: string;
  /** The PATH to search for redis-server (default: the process's). */
  searchPath?: string;
  timeoutMs?: number;
  logger?: Logger;
}): Promise<LocalRedis> {
  const binary = findOnPath("redis-server", options.searchPath);
  if (!binary) throw Errors.REDIS_BINARY_MISSING();
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const lockPath = lockFile(dataDir);
  const timeoutMs = options.timeoutMs ?? 5000;
  const other = runningOn(lockPath);
  if (other && alive(other.bridgePid))
    throw Errors.REDIS_DATA_DIR_IN_USE(dataDir, other.redisPid, other.port, other.bridgePid);
  if (other) await stopLeftOver(other, dataDir, timeoutMs, options.logger);
  const port = await freeLoopbackPort();
  const url = `redis://127.0.0.1:${port}`;
  // Out of the bridge's process group the server outlives a bridge that exits without
  // stopping it (an uncaught error, a signal while it starts); only SIGKILL leaves it, for
  // the next start to stop.
  let latest: ChildProcess | undefined;
  const stopOnExit = () => latest?.kill("SIGTERM");
  process.once("exit", stopOnExit);

  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dataDir, "--appendonly", "yes", "--save", ""],
      { stdio: ["ignore", "ignore", "pipe"], detached: true },
    );
    latest = child;
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const spawnError = new Promise<never>((_, fail) =>
      child.once("error", (err) => fail(Errors.REDIS_START_FAILED(err.message))),
    );
    try {
      await Promise.race([waitForPing(url, child, timeoutMs), spawnError]);
    } catch (err) {
      child.kill("SIGKILL");
      if (stderr) (err as Error).message += `; redis-server said: ${stderr.trim().slice(0, 300)}`;
      throw err;
    }
    writeFileSync(
      lockPath,
      JSON.stringify({ redisPid: child.pid ?? 0, port, bridgePid: process.pid } satisfies LockFile),
    );
    return child;
  };

  let exitExpected = false;
  let child: ChildProcess;
  try {
    child = await launch();
  } catch (err) {
    process.off("exit", stopOnExit);
    throw err;
  }
  const restarts: number[] = [];
  const watch = (c: ChildProcess) =>
    c.once("exit", (code, signal) => {
      if (exitExpected) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > 5) {
        options.logger?.error({ dataDir }, "the private redis-server keeps dying; not starting it again");
        return;
      }
      options.logger?.error(
        { dataDir, code, signal },
        "the private redis-server died; starting it again on its append-only file",
      );
      setTimeout(() => {
        if (exitExpected) return;
        launch().then(
          (next) => {
            child = next;
            watch(next);
            options.logger?.warn({ url }, "the private redis-server runs again");
          },
          (err) => options.logger?.error({ err }, "the private redis-server could not be started again"),
        );
      }, 200);
    });
  watch(child);

  return {
    url,
    dataDir,
    stopping() {
      exitExpected = true;
    },
    async stop() {
      exitExpected = true;
      process.off("exit", stopOnExit);
      rmSync(lockPath, { force: true });
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
