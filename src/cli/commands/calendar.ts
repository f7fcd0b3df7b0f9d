import type { Command } from "commander";
import { parseDuration } from "../../calendar/duration.js";
import type { Io } from "../io.js";
import { packForCli, timeForCli } from "../pack-setup.js";

interface CalendarOptions {
  pack: string;
  from: string;
  config?: string;
}

export function registerCalendarCommands(program: Command, io: Io): void {
  const calendar = program
    .command("calendar")
    .description("Working-time arithmetic on a pack's calendar (schedule, lunch, production calendar)");

  calendar
    .command("add")
    .description(
      "Print the moment a duration of working time after --from ends (ISO 8601, the calendar's offset)",
    )
    .requiredOption("-p, --pack <id>", "policy pack id")
    .requiredOption("--from <iso>", "start, ISO 8601 with offset")
    .requiredOption("--duration <duration>", "30m, 4h, 1h30m, 2d (d = one working day of the calendar)")
    .option("--explain", "print which days and intervals were counted or skipped, and why")
    .option("-c, --config <file>", "apply the configuration's calendar override for the pack")
    .action((opts: CalendarOptions & { duration: string; explain?: boolean }) => {
      const { calendar: cal } = timeForCli(packForCli(opts.pack, opts.config));
      const from = cal.parse(opts.from);
      const duration = parseDuration(opts.duration, cal.dayMs);
      if (opts.explain) io.out(`${cal.explainAdd(from, duration).join("\n")}\n`);
      else io.out(`${cal.iso(cal.addWorkingTime(from, duration))}\n`);
    });

  calendar
    .command("between")
    .description("Print the working minutes between --from and --to")
    .requiredOption("-p, --pack <id>", "policy pack id")
    .requiredOption("--from <iso>", "start, ISO 8601 with offset")
    .requiredOption("--to <iso>", "end, ISO 8601 with offset")
    .option("-c, --config <file>", "apply the configuration's calendar override for the pack")
    .action((opts: CalendarOptions & { to: string }) => {
      const { calendar: cal } = timeForCli(packForCli(opts.pack, opts.config));
      const minutes = cal.workingTimeBetween(cal.parse(opts.from), cal.parse(opts.to)) / 60_000;
      io.out(`${minutes}\n`);
    });
}
