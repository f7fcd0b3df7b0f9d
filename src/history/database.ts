import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { redactUrl } from "../config/redact-url.js";
import { Errors } from "../errors/catalogue.js";

/** initdb of a new data folder, in a process that exits when it is done. */
async function initialiseApart(path: string, startParams: readonly string[]): Promise<void> {
  // The package's CommonJS entry: a path that `-e` can load wherever the process was started.
  const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const script = `const { PGlite } = require(${JSON.stringify(pglite)});
PGlite.create(${JSON.stringify(path)}, { startParams: ${JSON.stringify(startParams)} })
  .then((db) => db.close())
  .catch((err) => { console.error(err.message); process.exit(1); });`;
  try {
    await promisify(execFile)(process.execPath, ["-e", script], { timeout: 120_000 });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw Errors.HISTORY_UNAVAILABLE(
      `embedded PostgreSQL (PGlite) in ${path}`,
      `its new data folder could not be initialised (${(stderr || (err as Error).message).trim()}); check that the folder is writable and has room`,
    );
  }
}

/**
 * The few things the history store asks of a database, met by PostgreSQL (`pg`) and by
 * the embedded PGlite alike: the same SQL runs on both.
 */
export interface SqlDatabase {
  /** Where it is, for messages (the URL without its password, or the folder). */
  readonly where: string;
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements in one go, in one transaction (migrations). */
  script(text: string): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL at `url`, through a small pool. */
export async function openPostgres(url: string): Promise<SqlDatabase> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
  // A connection the server drops while idle must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return {
    where: redactUrl(url),
    async query<T>(text: string, params: readonly unknown[] = []) {
      return (await pool.query(text, params as unknown[])).rows as T[];
    },
    async script(text) {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN;\n${text}\nCOMMIT;`);
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * The embedded PostgreSQL (PGlite) in `dir`: one process at a time. Its memory is
 * WebAssembly's, which never shrinks: PostgreSQL's default 128 MB buffer pool would stay in
 * the bridge's RSS for good, and so would what initdb used (some 500 MB). So the pool is
 * 16 MB — the history is appended and read by a few reports, not a hot working set — and a
 * new folder is initialised by a short-lived process of its own, whose memory leaves with it.
 */
export async function openEmbedded(dir: string): Promise<SqlDatabase> {
  const { PGlite } = await import("@electric-sql/pglite");
  const path = resolve(dir);
  mkdirSync(path, { recursive: true });
  const startParams = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];
  if (!existsSync(join(path, "PG_VERSION"))) await initialiseApart(path, startParams);
  const db = await PGlite.create(path, { startParams });
  return {
    where: `embedded PostgreSQL (PGlite) in ${path}`,
    async query<T>(text: string, params: readonly unknown[] = []) {
      return (await db.query<T>(text, params as unknown[])).rows;
    },
    async script(text) {
      await db.transaction(async (tx) => {
        await tx.exec(text);
      });
    },
    close: () => db.close(),
  };
}
