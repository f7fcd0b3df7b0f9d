import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { HistoryConfig } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";
import { openEmbedded, openPostgres } from "./database.js";
import { HistoryStore } from "./store.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The history store of a configuration, migrated: PostgreSQL at `history.url`, else the
 * embedded PGlite in `history.dataDir`, which one process holds at a time (a lock file
 * with its pid; a stale one, of a process that died, is taken over).
 */
export async function openHistoryStore(
  history: HistoryConfig,
  { create = true }: { create?: boolean } = {},
): Promise<HistoryStore> {
  if (history.url) {
    const store = new HistoryStore(await openPostgres(history.url));
    try {
      await store.migrate();
    } catch (err) {
      await store.close().catch(() => {});
      throw Errors.HISTORY_UNAVAILABLE(store.where, (err as Error).message);
    }
    return store;
  }
  const dir = resolve(history.dataDir);
  const lock = join(dir, "reglament-history.lock");
  let holder: number | undefined;
  try {
    holder = Number(JSON.parse(readFileSync(lock, "utf8")).pid);
  } catch {
    holder = undefined;
  }
  if (holder && holder !== process.pid && alive(holder)) throw Errors.HISTORY_IN_USE(dir, holder);
  // A reader (the CLI) never creates a database just to find it empty.
  if (!create && !existsSync(join(dir, "PG_VERSION")))
    throw Errors.HISTORY_UNAVAILABLE(
      dir,
      "no history has been kept there yet (a bridge creates it when it first starts)",
    );
  const db = await openEmbedded(dir);
  writeFileSync(lock, JSON.stringify({ pid: process.pid }));
  const store = new HistoryStore({
    ...db,
    close: async () => {
      await db.close();
      rmSync(lock, { force: true });
    },
  });
  await store.migrate();
  return store;
}
