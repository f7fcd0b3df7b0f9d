import { writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { pino } from "pino";
import { ruleCatalogue } from "../../../policies/rules/index.js";
import { compareFindings } from "../../audit/compare.js";
import type { AuditFormat } from "../../audit/formats.js";
import { renderAudit } from "../../audit/report.js";
import { type Finding, findingsOf } from "../../audit/run.js";
import { runAuditSession } from "../../audit/session.js";
import { verdictOf } from "../../audit/verdict.js";
import { resolveConfigPath } from "../../config/load.js";
import { own } from "../../domain/own.js";
import type { Ticket } from "../../domain/ticket.js";
import { loadPack } from "../../engine/pack-loader.js";
import { Errors } from "../../errors/catalogue.js";
import { createAdapters, defaultAdapterRegistry } from "../../runtime/adapters.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { loadDeploymentPacks } from "../../runtime/deployment-packs.js";
import type { Io } from "../io.js";
import { hasOffset } from "../options.js";

export interface AuditCliOptions {
  instance: string;
  project?: string[];
  since: string;
  until?: string;
  pack?: string;
  format: AuditFormat;
  out?: string;
  rate?: number;
  now?: string;
  config?: string;
  compareWith?: string;
}

/**
 * `reglament audit`: a read-only pass over a tracker instance's recent tickets. A progress
 * line on a terminal; Ctrl-C stops after the ticket in hand and prints what was read.
 */
export async function runAudit(opts: AuditCliOptions, io: Io): Promise<void> {
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once("SIGINT", onInterrupt);
  try {
    await audit(opts, io, stop.signal);
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

async function audit(opts: AuditCliOptions, io: Io, signal: AbortSignal): Promise<void> {
  const file = resolveConfigPath(opts.config);
  const { config } = loadDeploymentConfig(file);
  const tracker = own(config.trackers, opts.instance);
  if (!tracker) throw Errors.UNKNOWN_INSTANCE(opts.instance, Object.keys(config.trackers));
  const packs = loadDeploymentPacks(config, file);
  const adapter = createAdapters(
    { ...config, trackers: { [opts.instance]: tracker } },
    defaultAdapterRegistry(),
    pino({ level: "silent" }),
  ).get(opts.instance)!;
  const first = packs.get(Object.values(tracker.projects)[0]!.pack)!;
  const note = (option: string, text: string, t: number, iso: (t: number) => string) => {
    if (!hasOffset(text))
      io.err(
        `note: ${option} ${text} has no offset; read in the pack's zone ${first.time.calendar.zone}: ${iso(t)}\n`,
      );
  };
  const iso = (t: number) => first.time.calendar.iso(Math.round(t / 1000) * 1000);
  const now = opts.now ? first.time.calendar.parse(opts.now) : Date.now();
  if (opts.now) note("--now", opts.now, now, iso);

  const edited = opts.compareWith ? editedPack(opts.compareWith, config) : undefined;
  const editedFindings: Finding[] = [];
  const judgeEdited = (ticket: Ticket) => {
    const v = verdictOf(ticket, {
      adapter,
      config,
      instance: opts.instance,
      pack: edited!,
      now: new Date(now).toISOString(),
    });
    editedFindings.push(...findingsOf(ticket, v.decisions));
  };
  const { result, report } = await runAuditSession(
    { config, packs, adapter },
    {
      instance: opts.instance,
      since: opts.since,
      ...(opts.until ? { until: opts.until } : {}),
      ...(opts.project ? { projects: opts.project } : {}),
      ...(opts.pack ? { pack: opts.pack } : {}),
      ...(opts.rate ? { readsPerSecond: opts.rate } : {}),
    },
    {
      now,
      signal,
      onMoment: (option, text, t) => note(option, text, t, iso),
      ...(edited ? { onTicket: judgeEdited } : {}),
      onProgress: (p) => {
        if (!io.interactive) return;
        const remaining = Math.max(0, p.listed - p.read - p.failed);
        const left = p.rate > 0 ? Math.round(remaining / p.rate) : 0;
        io.err(
          `\r${`listed ${p.listed}${p.listingDone ? "" : "+"}, read ${p.read}, failed ${p.failed}, remaining ${remaining}, ${p.rate.toFixed(1)}/s, ~${left} s left`.padEnd(79)}`,
        );
      },
    },
  );
  if (io.interactive) io.err("\n");
  let text: string;
  if (edited) {
    const diffs = compareFindings(result.findings, editedFindings);
    text =
      opts.format === "json"
        ? `${JSON.stringify({ tickets: result.tickets, differences: diffs, errors: result.errors }, null, 2)}\n`
        : `${result.tickets} tickets read; ${diffs.length} findings differ between the deployed pack and ${opts.compareWith}\n${diffs
            .map(
              (d) =>
                `  ${d.kind.padEnd(7)} ${d.ticket} [${d.rule}] ${(d.kind === "gone" ? d.before! : d.after!).message}`,
            )
            .join("\n")}\n`;
  } else {
    text = renderAudit(report, opts.format);
    // As `check`: 1 when the pack finds violations.
    io.exitCode = result.findings.some((f) => f.outcome === "violation") ? 1 : 0;
  }
  if (opts.out) {
    writeFileSync(opts.out, text);
    io.err(`written: ${opts.out}\n`);
  } else io.out(text);
  if (result.interrupted) io.err("interrupted: the report covers the tickets read until then\n");
}

/** An edited pack file, judged with the deployment's settings of that pack. */
function editedPack(file: string, config: Parameters<typeof verdictOf>[1]["config"]) {
  const id = basename(file).replace(/\.ya?ml$/, "");
  return loadPack(id, {
    rules: ruleCatalogue,
    dir: dirname(file),
    settings: own(config.packs, id),
    defaultMode: config.mode,
  });
}
