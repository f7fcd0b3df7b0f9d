import { formatDuration } from "../../calendar/duration.js";
import { Ticket } from "../../domain/ticket.js";
import type { Language } from "../../engine/rule.js";
import { Errors } from "../../errors/catalogue.js";
import { type ClockReport, evaluateClocks } from "../../sla/clocks.js";
import { calendarFor } from "../../sla/pack-sla.js";
import type { Io } from "../io.js";
import { readMoment } from "../moments.js";
import { packForCli, timeForCli } from "../pack-setup.js";
import { readJsonFile } from "../read-json.js";

interface SlaOptions {
  pack: string;
  now?: string;
  explain?: boolean;
  config?: string;
  format: "text" | "json";
  lang?: Language;
}

export function runSla(ticketFile: string, opts: SlaOptions, io: Io): void {
  const setup = packForCli(opts.pack, opts.config);
  const time = timeForCli(setup);
  const { sla } = time;
  if (!sla) throw Errors.USAGE(`pack ${opts.pack} sets no deadlines (its regulation has no SLA table)`);
  const ticket = readJsonFile(ticketFile, Ticket, "ticket file");
  const calendar = calendarFor(time, ticket);
  const language = opts.lang ?? setup.pack.language;
  const now = opts.now ? readMoment(io, "--now", opts.now, calendar, undefined, language) : Date.now();
  const reports = evaluateClocks(ticket, {
    calendar,
    spec: sla,
    statuses: setup.pack.statuses,
    now,
    language,
  });
  if (opts.format === "json") {
    io.out(
      `${JSON.stringify(
        reports.map((r) => jsonReport(r, calendar.iso.bind(calendar))),
        null,
        2,
      )}\n`,
    );
    return;
  }
  for (const r of reports) {
    io.out(`${clockLine(r, calendar.iso.bind(calendar), language)}\n`);
    if (opts.explain) io.out(`${r.explain.map((e) => `    ${e}`).join("\n")}\n`);
  }
}

/** A clock's line in the pack's language (or the one asked for); durations as the SLA table writes them. */
const words: Record<
  Language,
  Record<ClockReport["state"] | "target" | "elapsed" | "pausedFor" | "due" | "stopped", string>
> = {
  en: {
    no_target: "no_target",
    not_started: "not_started",
    running: "running",
    paused: "paused",
    at_risk: "at_risk",
    breached: "breached",
    met: "met",
    target: "target",
    elapsed: "elapsed",
    pausedFor: "paused",
    due: "due",
    stopped: "stopped",
  },
  ru: {
    no_target: "без срока",
    not_started: "не начат",
    running: "идёт",
    paused: "на паузе",
    at_risk: "под угрозой",
    breached: "нарушен",
    met: "соблюдён",
    target: "норма",
    elapsed: "прошло",
    pausedFor: "пауза",
    due: "истекает",
    stopped: "остановлен",
  },
};

export function clockLine(r: ClockReport, iso: (t: number) => string, language: Language): string {
  const w = words[language];
  const parts = [`${r.id.padEnd(18)} ${w[r.state].padEnd(11)}`];
  if (r.target !== undefined) parts.push(`${w.target} ${formatDuration(r.target)}`);
  if (r.state !== "no_target" && r.state !== "not_started")
    parts.push(`${w.elapsed} ${formatDuration(r.elapsed)}`, `${w.pausedFor} ${formatDuration(r.paused)}`);
  if (r.due !== undefined) parts.push(`${w.due} ${iso(r.due)}`);
  if (r.stoppedAt !== undefined) parts.push(`${w.stopped} ${iso(r.stoppedAt)}`);
  return `${parts.join("  ")}  — ${r.title}`;
}

function jsonReport(r: ClockReport, iso: (t: number) => string) {
  return {
    clock: r.id,
    title: r.title,
    state: r.state,
    targetMinutes: r.target === undefined ? null : r.target / 60_000,
    elapsedMinutes: r.elapsed / 60_000,
    pausedMinutes: r.paused / 60_000,
    due: r.due === undefined ? null : iso(r.due),
    stoppedAt: r.stoppedAt === undefined ? null : iso(r.stoppedAt),
  };
}
