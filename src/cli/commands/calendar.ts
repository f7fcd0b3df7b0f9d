import { parseSpan } from "../../calendar/duration.js";
import type { Io } from "../io.js";
import { readMoment } from "../moments.js";
import { packForCli, timeForCli } from "../pack-setup.js";

interface CalendarOptions {
  pack: string;
  from: string;
  config?: string;
}

export function runCalendarAdd(
  opts: CalendarOptions & { duration: string; explain?: boolean },
  io: Io,
): void {
  const { calendar } = timeForCli(packForCli(opts.pack, opts.config));
  const from = readMoment(io, "--from", opts.from, calendar);
  const span = parseSpan(opts.duration, calendar.dayMs);
  if (opts.explain) io.out(`${calendar.explainSpan(from, span).join("\n")}\n`);
  else io.out(`${calendar.iso(calendar.addSpan(from, span))}\n`);
}

export function runCalendarBetween(opts: CalendarOptions & { to: string }, io: Io): void {
  const { calendar } = timeForCli(packForCli(opts.pack, opts.config));
  const from = readMoment(io, "--from", opts.from, calendar);
  const to = readMoment(io, "--to", opts.to, calendar);
  io.out(`${calendar.workingTimeBetween(from, to) / 60_000}\n`);
}
