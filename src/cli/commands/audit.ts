import { writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { pino } from "pino";
import { ruleCatalogue } from "../../../policies/rules/index.js";
import { compareFindings } from "../../audit/compare.js";
import type { AuditFormat } from "../../audit/formats.js";
import { auditReport, renderAudit } from "../../audit/report.js";
import { auditInstance, type Finding } from "../../audit/run.js";
import { verdictOf } from "../../audit/verdict.js";
import { resolveConfigPath } from "../../config/load.js";
import type { Ticket } from "../../domain/ticket.js";
import { loadPack } from "../../engine/pack-loader.js";
import { Errors } from "../../errors/catalogue.js";
import { createAdapters, defaultAdapterRegistry } from "../../runtime/adapters.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { loadDeploymentPacks } from "../../runtime/deployment-packs.js";
import type { Io } from "../io.js";
import { readMoment } from "../moments.js";

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
  // Ctrl-C stops the audit after the ticket in hand; the report covers what was read.
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
  const tracker = config.trackers[opts.instance];
  if (!tracker) throw Errors.UNKNOWN_INSTANCE(opts.instance, Object.keys(config.trackers));
  for (const p of opts.project ?? [])
    if (!(p in tracker.projects))
      throw Errors.USAGE(
        `--project ${p} is not configured under trackers.${opts.instance}.projects (${Object.keys(tracker.projects).join(", ")})`,
      );
  const packs = loadDeploymentPacks(config, file);
  const adapter = createAdapters(
    { ...config, trackers: { [opts.instance]: tracker } },
    defaultAdapterRegistry(),
    pino({ level: "silent" }),
  ).get(opts.instance);
  if (!adapter) throw Errors.UNKNOWN_INSTANCE(opts.instance, Object.keys(config.trackers));
  const packFor = (project: string | undefined) => {
    const binding = project !== undefined ? tracker.projects[project] : undefined;
    return binding ? packs.get(binding.pack) : undefined;
  };
  const first = packs.get(Object.values(tracker.projects)[0]!.pack)!;
  const override = opts.pack
    ? loadPack(opts.pack, {
        rules: ruleCatalogue,
        settings: config.packs[opts.pack],
        defaultMode: config.mode,
      })
    : undefined;
  const calendar = first.time.calendar;
  const now = opts.now ? readMoment(io, "--now", opts.now, calendar) : Math.floor(Date.now() / 1000) * 1000;
  const days = /^(\d+)d$/.exec(opts.since);
  const since = days ? now - Number(days[1]) * 86_400_000 : readMoment(io, "--since", opts.since, calendar);
  const until = opts.until ? readMoment(io, "--until", opts.until, calendar) : now;
  if (!(since < until)) throw Errors.USAGE(`the window is empty: --since is not before --until`);

  const edited = opts.compareWith
    ? loadPack(basename(opts.compareWith).replace(/\.ya?ml$/, ""), {
        rules: ruleCatalogue,
        dir: dirname(opts.compareWith),
        settings: config.packs[basename(opts.compareWith).replace(/\.ya?ml$/, "")],
        defaultMode: config.mode,
      })
    : undefined;
  const editedFindings: Finding[] = [];
  const tty = io.interactive === true;
  const result = await auditInstance({
    adapter,
    config,
    instance: opts.instance,
    packFor: (ref) => packFor(ref.project),
    ...(override ? { override } : {}),
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    ...(opts.project ? { projects: opts.project } : {}),
    readsPerSecond: opts.rate ?? tracker.writesPerSecond,
    now,
    signal,
    onProgress: (p) => {
      const remaining = Math.max(0, p.listed - p.read - p.failed);
      const left = p.rate > 0 ? Math.round(remaining / p.rate) : 0;
      const line = `listed ${p.listed}${p.listingDone ? "" : "+"}, read ${p.read}, failed ${p.failed}, remaining ${remaining}, ${p.rate.toFixed(1)}/s, ~${left} s left`;
      if (tty) io.err(`\r${line.padEnd(79)}`);
    },
    ...(edited
      ? {
          onTicket: (ticket: Ticket) => {
            const v = verdictOf(ticket, {
              adapter,
              config,
              instance: opts.instance,
              pack: edited,
              now: new Date(now).toISOString(),
            });
            for (const d of v.decisions)
              editedFindings.push({
                ticket: ticket.ref.id,
                url: ticket.ref.url ?? null,
                project: ticket.ref.project ?? null,
                rule: d.rule,
                outcome: d.outcome,
                message: d.message,
                actions: d.actions,
              });
          },
        }
      : {}),
  });
  if (tty) io.err("\n");
  let text: string;
  if (edited) {
    const diffs = compareFindings(result.findings, editedFindings);
    text =
      opts.format === "json"
        ? `${JSON.stringify({ tickets: result.tickets, differences: diffs, errors: result.errors }, null, 2)}\n`
        : `${result.tickets} tickets read; ${diffs.length} findings differ between the deployed pack and ${opts.compareWith}\n${diffs
            .map(
              (d) =>
                `  ${d.kind.padEnd(7)} ${d.ticket} [${d.rule}] ${d.kind === "gone" ? d.before!.message : d.after!.message}`,
            )
            .join("\n")}\n`;
  } else {
    const report = auditReport(result, {
      now,
      zone: calendar.zone,
      iso: (t) => calendar.iso(t),
      deadlines: Object.values(tracker.projects).some((b) => packs.get(b.pack)?.time.sla !== undefined),
    });
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
