import { writeFileSync } from "node:fs";
import { z } from "zod";
import { resolveConfigPath } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { Ticket } from "../../domain/ticket.js";
import { Errors } from "../../errors/catalogue.js";
import { openHistoryStore } from "../../history/open.js";
import type { HistoryStore } from "../../history/store.js";
import { buildSlaReport } from "../../reports/build.js";
import { type ReportFormat, renderSlaReport } from "../../reports/format.js";
import type { Dimension } from "../../reports/sla-report.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { parseOrThrow } from "../../validation/parse.js";
import { slaReportViaBridge } from "../history-via-bridge.js";
import type { Io } from "../io.js";
import { readMoment } from "../moments.js";
import { packForCli, timeForCli } from "../pack-setup.js";
import { readJsonFile } from "../read-json.js";

interface ReportOptions {
  pack: string;
  from: string;
  to: string;
  by: Dimension[];
  format: ReportFormat;
  now?: string;
  config?: string;
  out?: string;
  bridgeUrl?: string;
}

/**
 * `reglament report sla`: from the history store of the configuration, or — given ticket
 * files — offline, each ticket's clocks computed from its own history as `reglament sla` does.
 * While the running bridge holds the embedded store, its `GET /api/reports/sla` renders it.
 */
export async function runReportSla(files: readonly string[], opts: ReportOptions, io: Io): Promise<void> {
  const setup = packForCli(opts.pack, opts.config);
  const time = timeForCli(setup);
  const now = opts.now ? readMoment(io, "--now", opts.now, time.calendar) : Date.now();
  const bounds = [
    ["--from", opts.from],
    ["--to", opts.to],
  ] as const;
  for (const [option, value] of bounds) readMoment(io, option, value, time.calendar);
  const build = (source: Parameters<typeof buildSlaReport>[0]["source"]) =>
    buildSlaReport({ pack: setup.pack, time, from: opts.from, to: opts.to, by: opts.by, now, source });
  let text: string;
  if (files.length) {
    const tickets = files.flatMap((f) => {
      const data = readJsonFile(f, z.unknown(), "ticket file");
      return (Array.isArray(data) ? data : [data]).map((t, i) =>
        parseOrThrow(Ticket, t, `ticket file "${Array.isArray(data) ? `${f}[${i}]` : f}"`),
      );
    });
    text = renderSlaReport(await build({ tickets }), opts.format);
  } else {
    const config = setup.config ?? loadDeploymentConfig(resolveConfigPath(undefined)).config;
    text = await fromHistory(config, opts, io, async (store) =>
      renderSlaReport(await build({ store }), opts.format),
    );
  }
  if (opts.out) {
    writeFileSync(opts.out, text);
    io.err(`written: ${opts.out}\n`);
  } else io.out(text);
}

/** From the store, or — while the running bridge holds the embedded one — its `GET /api/reports/sla`. */
async function fromHistory(
  config: Config,
  opts: ReportOptions,
  io: Io,
  render: (store: HistoryStore) => Promise<string>,
): Promise<string> {
  let store: HistoryStore;
  try {
    store = await openHistoryStore(config.history, { create: false });
  } catch (err) {
    if (!Errors.HISTORY_IN_USE.is(err)) throw err;
    // The bridge judges running clocks at its own now: the API takes no other.
    if (opts.now) io.err("note: through the bridge, running clocks are judged now; --now is not used\n");
    return slaReportViaBridge(
      config,
      { pack: opts.pack, from: opts.from, to: opts.to, by: opts.by, format: opts.format },
      err,
      opts.bridgeUrl,
    );
  }
  try {
    return await render(store);
  } finally {
    await store.close();
  }
}
