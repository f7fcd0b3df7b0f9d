import { createWriteStream } from "node:fs";
import { resolveConfigPath } from "../../config/load.js";
import { Errors, ReglamentError } from "../../errors/catalogue.js";
import { openHistoryStore } from "../../history/open.js";
import { csvLine, csvStart } from "../../reports/format.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { linear } from "../../text/linear.js";
import type { Io } from "../io.js";
import { instantReader } from "../moments.js";

export async function runHistoryMigrate(opts: { config?: string }, io: Io): Promise<void> {
  const { config } = loadDeploymentConfig(resolveConfigPath(opts.config));
  const store = await openHistoryStore(config.history, { create: true });
  try {
    // openHistoryStore migrates; asking again says what the database now has.
    const versions = await store.appliedVersions();
    io.out(`${store.where}: schema at version ${versions.at(-1) ?? 0} (migrations ${versions.join(", ")})\n`);
  } finally {
    await store.close();
  }
}

const cell = (v: unknown) =>
  v instanceof Date
    ? v.toISOString()
    : Array.isArray(v) || (v && typeof v === "object")
      ? JSON.stringify(v)
      : v;

/**
 * Exports a table's rows in [since, until) as CSV (with a header) or JSON lines, a page at
 * a time. Dates without an offset are read in the configuration's first pack's zone, as
 * `decisions` reads them.
 */
export async function runHistoryExport(
  opts: {
    config?: string;
    table: string;
    since: string;
    until?: string;
    format: "csv" | "json";
    out?: string;
  },
  io: Io,
): Promise<void> {
  const file = resolveConfigPath(opts.config);
  const { config } = loadDeploymentConfig(file);
  const instant = instantReader(io, config, file, undefined, "give an offset for another");
  const since = instant("--since", opts.since);
  const until = opts.until ? instant("--until", opts.until) : undefined;
  const store = await openHistoryStore(config.history, { create: false }).catch((err: unknown) => {
    if (!Errors.HISTORY_IN_USE.is(err)) throw err;
    // The bridge has no API for the export (decisions and report sla read through it).
    throw new ReglamentError(
      err,
      err.message.replace(linear("; ask that bridge \\(GET /api/decisions\\), stop it first,.*$"), ""),
      [
        "the export reads the store itself, and the running bridge serves no export: stop the bridge (`npm start`, pid above), run this export, then start the bridge again",
        "or set history.url to a PostgreSQL database that the bridge and the CLI share, so both can read it at once",
      ],
    );
  });
  const sink = opts.out ? createWriteStream(opts.out) : undefined;
  const write = (text: string) => (sink ? sink.write(text) : io.out(text));
  let count = 0;
  try {
    let first = true;
    for await (const rows of store.exportRows(opts.table, since, until)) {
      for (const row of rows) {
        if (opts.format === "json")
          write(`${JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, cell(v)])))}\n`);
        else {
          if (first) write(`${csvStart}${csvLine(Object.keys(row))}`);
          write(csvLine(Object.values(row).map(cell)));
        }
        first = false;
        count++;
      }
    }
  } finally {
    await store.close();
    if (sink) await new Promise<void>((r) => sink.end(r));
  }
  io.err(`${count} rows of ${opts.table}${opts.out ? ` written to ${opts.out}` : ""}\n`);
}
