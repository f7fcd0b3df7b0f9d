import { writeFileSync } from "node:fs";
import { z } from "zod";
import { resolveConfigPath } from "../../config/load.js";
import { Ticket } from "../../domain/ticket.js";
import { openHistoryStore } from "../../history/open.js";
import { buildSlaReport } from "../../reports/build.js";
import { type ReportFormat, renderSlaReport } from "../../reports/format.js";
import type { Dimension } from "../../reports/sla-report.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { parseOrThrow } from "../../validation/parse.js";
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
}

/**
 * `reglament report sla`: from the history store of the configuration, or — given ticket
 * files — offline, each ticket's clocks computed from its own history as `reglament sla` does.
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
    const store = await openHistoryStore(config.history, { create: false });
    try {
      text = renderSlaReport(await build({ store }), opts.format);
    } finally {
      await store.close();
    }
  }
  if (opts.out) {
    writeFileSync(opts.out, text);
    io.err(`written: ${opts.out}\n`);
  } else io.out(text);
}
