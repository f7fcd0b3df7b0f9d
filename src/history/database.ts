import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

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

export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

/** PostgreSQL at `url`, through a small pool. */
export async function openPostgres(url: string): Promise<SqlDatabase> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
  // A connection the server drops while idle must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return {
    where: redactedUrl(url),
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

/** The embedded PostgreSQL (PGlite) in `dir`: one process at a time. */
export async function openEmbedded(dir: string): Promise<SqlDatabase> {
  const { PGlite } = await import("@electric-sql/pglite");
  const path = resolve(dir);
  mkdirSync(path, { recursive: true });
  const db = await PGlite.create(path);
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
