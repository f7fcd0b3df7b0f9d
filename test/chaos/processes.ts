import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeLoopbackPort as freePort } from "../../src/redis/local-server.js";
import type { BridgeRole } from "../../src/runtime/roles.js";
import { redisPing } from "../helpers/redis-topology.js";

/**
 * The real processes of a chaos run: a private redis-server keeping an append-only file
 * (stopped and started again on it), and bridge processes started with
 * `bin/reglament.js serve`, stopped with SIGTERM or killed with SIGKILL.
 */

const root = join(import.meta.dirname, "../..");

/**
 * The temporary folders this process made (a Redis append-only file, a bridge's
 * configuration) and the processes it started: each run stops and removes its own when it
 * ends, failed or not, and whatever is left — a run cut short by Ctrl-C or a kill — goes
 * when this process exits.
 */
const tempDirs = new Set<string>();
const children = new Set<ChildProcess>();

function started(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

function tempDir(kind: string): string {
  const dir = mkdtempSync(join(tmpdir(), `reglament-chaos-${kind}-`));
  tempDirs.add(dir);
  return dir;
}

function removeTempDir(dir: string): void {
  // A server killed a moment ago may still be closing its files.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  tempDirs.delete(dir);
}

/** The temporary folders made and not yet removed. */
export const leftTempDirs = (): string[] => [...tempDirs];

process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

async function waitFor(what: string, ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${ms / 1000} s`);
}

export class RedisProcess {
  readonly dir = tempDir("redis");
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisProcess> {
    const r = new RedisProcess(await freePort());
    try {
      await r.up();
    } catch (err) {
      await r.dispose();
      throw err;
    }
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same append-only file: what was acknowledged before a stop is back. */
  async up(): Promise<void> {
    this.#child = started(
      spawn(
        "redis-server",
        [
          "--port",
          String(this.port),
          "--bind",
          "127.0.0.1",
          "--dir",
          this.dir,
          "--appendonly",
          "yes",
          "--appendfsync",
          "always",
          "--save",
          "",
        ],
        { stdio: "ignore" },
      ),
    );
    await waitFor("redis-server", () => redisPing(this.port));
  }

  /** Stops the server abruptly (SIGKILL): only the append-only file survives. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await gone;
  }

  /** Stops the server for good and removes its folder. */
  async dispose(): Promise<void> {
    await this.kill();
    removeTempDir(this.dir);
  }
}

export interface BridgeSettings {
  redisUrl: string;
  trackerUrl: string;
  secret: string;
  writesPerSecond: number;
  retry: { attempts: number; backoffMs: number; maxSeconds: number };
}

export class BridgeProcess {
  #child: ChildProcess | undefined;
  #log = "";

  private constructor(
    readonly port: number,
    private readonly dir: string,
    readonly configFile: string,
    private readonly redisUrl: string,
    readonly role: BridgeRole,
  ) {}

  static async start(
    settings: BridgeSettings,
    prefix: string,
    role: BridgeRole = "all",
  ): Promise<BridgeProcess> {
    const port = await freePort();
    const dir = tempDir("bridge");
    const configFile = join(dir, "reglament.yaml");
    writeFileSync(
      configFile,
      JSON.stringify({
        mode: "enforce",
        server: { host: "127.0.0.1", port, logLevel: "warn" },
        redis: { keyPrefix: prefix },
        // Two bridges share one Redis here; the embedded history store is one process's.
        history: { enabled: false },
        pipeline: { partitions: 4, jobLockSeconds: 2, retry: settings.retry },
        trackers: {
          gl: {
            kind: "gitlab",
            baseUrl: settings.trackerUrl,
            token: "glpat-chaos",
            webhookSecret: settings.secret,
            bridgeUser: "reglament-bot",
            reconcileIntervalSeconds: 3600,
            writesPerSecond: settings.writesPerSecond,
            projects: { "FHIR-BY/chaos": { pack: "e-recipe-by" } },
            options: {
              labels: {
                priority: { "Priority: Low": "low", "Priority: Medium": "normal", "Priority: High": "high" },
                line: { L2: 2 },
              },
              backfillHours: 0,
            },
          },
        },
        actors: { gl: { operator1: { role: "line1", line: 1 }, operator2: { role: "line1", line: 1 } } },
        packs: {
          "e-recipe-by": {
            mode: "enforce",
            params: { headOfSupport: "support-lead", infrastructureOwner: "infra-lead" },
          },
        },
      }),
    );
    const b = new BridgeProcess(port, dir, configFile, settings.redisUrl, role);
    try {
      await b.up();
    } catch (err) {
      await b.dispose();
      throw err;
    }
    return b;
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${this.port}/webhooks/gl`;
  }

  get log(): string {
    return this.#log;
  }

  async up(): Promise<void> {
    this.#child = started(
      spawn(
        process.execPath,
        [join(root, "bin/reglament.js"), "serve", "--config", this.configFile, "--role", this.role],
        {
          cwd: root,
          env: { ...process.env, REDIS_URL: this.redisUrl, NODE_ENV: "production" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      ),
    );
    const keep = (chunk: Buffer) => {
      this.#log = (this.#log + chunk.toString()).slice(-20_000);
    };
    this.#child.stdout!.on("data", keep);
    this.#child.stderr!.on("data", keep);
    await waitFor(`the bridge on port ${this.port}`, async () => {
      const res = await fetch(`http://127.0.0.1:${this.port}/healthz`);
      return res.ok;
    });
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async stop(signal: "SIGTERM" | "SIGKILL"): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await gone;
  }

  /** Stops the process (SIGTERM) and removes its folder. */
  async dispose(): Promise<void> {
    await this.stop("SIGTERM");
    removeTempDir(this.dir);
  }
}
