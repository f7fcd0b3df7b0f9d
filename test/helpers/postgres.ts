import pg from "pg";

/** The machine's PostgreSQL (trust auth), as the tests use it: a database per test file. */
export const postgresAdminUrl =
  process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database and returns its URL and the way to drop it again. */
export async function testDatabase(
  name: string,
): Promise<{ url: string; drop: () => Promise<void>; setConnections: (allowed: boolean) => Promise<void> }> {
  const db = `${name}_${process.pid}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${db}`);
  });
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${db}`;
  return {
    url: url.toString(),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`))),
    /** A real outage of this database: connections refused and the open ones ended, until allowed again. */
    setConnections: (allowed) =>
      admin(async (c) => {
        await c.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS ${allowed}`);
        if (!allowed)
          await c.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            [db],
          );
      }),
  };
}
