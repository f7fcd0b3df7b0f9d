import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { auditFormats } from "../audit/formats.js";
import { roles, trackerKinds } from "../domain/enum-values.js";
import { historyTableNames } from "../history/store.js";
import { packageRoot } from "../paths.js";
import { workStates } from "../queue/work-states.js";
import { reportFormats } from "../reports/format.js";
import { dimensions } from "../reports/sla-report.js";
import { bridgeRoles } from "../runtime/roles.js";
import { logFormats } from "../server/log-formats.js";
import type { Io } from "./io.js";
import {
  dimensionList,
  httpUrlOption,
  momentOption,
  parsePort,
  positiveInteger,
  sinceOption,
  ticketOption,
} from "./options.js";

/**
 * What the CLI accepts: every command, its options and their validation. A command's code
 * (and the libraries it needs: the config schema, BullMQ, fastify…) is loaded only when it
 * runs, so `--version`, `--help` and a usage error answer at once.
 */

const version = (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string })
  .version;

const configOption = () =>
  new Option("-c, --config <file>", "configuration file (default: REGLAMENT_CONFIG, or the example)");
const formatOption = () =>
  new Option("--format <format>", "output format").choices(["json", "text"]).default("text");
const packOption = () => new Option("-p, --pack <id>", "policy pack id").makeOptionMandatory();
const langOption = (what: string) =>
  new Option("--lang <lang>", `${what} (default: the pack's language)`).choices(["ru", "en"]);
const instanceOption = () => new Option("-i, --instance <name>", "only this tracker instance");
const stateOption = (what: string) => new Option("-s, --state <state...>", what).choices([...workStates]);
const moment = (flags: string, what: string) => new Option(flags, what).argParser(momentOption);
const calendarConfig = () =>
  new Option("-c, --config <file>", "apply the configuration's calendar override for the pack");

export function buildProgram(io: Io): Command {
  const program = new Command("reglament")
    .description("Makes issue trackers obey a medical-IT support regulation")
    .version(version, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  program
    .command("serve")
    .description("Run the bridge: HTTP server, queues and workers, until SIGTERM or SIGINT")
    .addOption(configOption())
    .addOption(
      new Option(
        "--log-format <format>",
        "log lines: readable (pretty) or JSON (default: pretty on a terminal, else json)",
      ).choices([...logFormats]),
    )
    .addOption(
      new Option(
        "--role <role>",
        "what this process does: ingest (webhooks, API, console), worker (queues, clocks, alerts, history) or all",
      )
        .choices([...bridgeRoles])
        .default("all"),
    )
    .addOption(
      new Option("--port <port>", "listen on this port instead of server.port (0: any free one)").argParser(
        parsePort,
      ),
    )
    .action(async (opts) => (await import("./commands/serve.js")).runServe(opts, io));

  program
    .command("config")
    .description("Work with the configuration file")
    .command("check")
    .description("Validate a configuration file and print every problem with its YAML path")
    .argument("[file]", "configuration file (default: --config, REGLAMENT_CONFIG, or the example)")
    .option("-c, --config <file>", "configuration file")
    .action(async (file, opts) => (await import("./commands/config.js")).runConfigCheck(file, opts, io));

  program
    .command("check")
    .description(
      "Evaluate a pack on a ticket (and a change) and print the decisions; exit 1 when there are violations, 2 when a rule could not run",
    )
    .argument(
      "<ticket>",
      "normalised ticket JSON file (see README, 'Ticket JSON'), or a tracker's own JSON with --from",
    )
    .addOption(packOption())
    .addOption(
      new Option(
        "--from <tracker>",
        "the file is this tracker's own JSON (a GitLab Issue/Note Hook body, …), carrying its change",
      ).choices([...trackerKinds]),
    )
    .option("--change <file>", "change JSON file; default: the ticket's creation by its reporter")
    .addOption(
      new Option(
        "--actor-role <role>",
        "role of the change's actor (default: from the files or config, else none, as in the bridge)",
      ).choices([...roles]),
    )
    .option(
      "--open-tickets <file>",
      "the project's open tickets (a JSON array of tickets), which the bridge lists for the duplicates rule",
    )
    .option(
      "--links <file>",
      "the ticket's linked tickets (a JSON array of { project, id, labels }), as the bridge reads them",
    )
    .addOption(formatOption())
    .option("-c, --config <file>", "take pack parameters, modes and actor roles from this configuration")
    .addOption(
      moment("--now <iso>", "the moment of evaluation (default: now; without an offset, in the pack's zone)"),
    )
    .addOption(langOption("the language of the output and of the pack's messages and citations"))
    .action(async (ticket, opts) => (await import("./commands/check.js")).runCheck(ticket, opts, io));

  const calendar = program
    .command("calendar")
    .description("Working-time arithmetic on a pack's calendar (schedule, lunch, production calendar)");
  calendar
    .command("add")
    .description("Print the moment a duration of working time after --from ends (with the calendar's offset)")
    .addOption(packOption())
    .addOption(
      moment("--from <iso>", "start, ISO 8601 (without an offset, in the pack's zone)").makeOptionMandatory(),
    )
    .requiredOption(
      "--duration <duration>",
      "30m, 4h, 1h30m, or working days: 2d ends on the 2nd following working day at the same time",
    )
    .option("--explain", "print which days and intervals were counted or skipped, and why")
    .addOption(calendarConfig())
    .action(async (opts) => (await import("./commands/calendar.js")).runCalendarAdd(opts, io));
  calendar
    .command("between")
    .description("Print the working minutes between --from and --to")
    .addOption(packOption())
    .addOption(
      moment("--from <iso>", "start, ISO 8601 (without an offset, in the pack's zone)").makeOptionMandatory(),
    )
    .addOption(
      moment("--to <iso>", "end, ISO 8601 (without an offset, in the pack's zone)").makeOptionMandatory(),
    )
    .addOption(calendarConfig())
    .action(async (opts) => (await import("./commands/calendar.js")).runCalendarBetween(opts, io));

  program
    .command("pack")
    .description("Policy packs")
    .command("test")
    .description(
      "Run packs' examples (each pack YAML's examples:) and print what the pack decides otherwise; with --config, on the packs as the deployment tailors them",
    )
    .argument("[packs...]", "pack ids (default: the configuration's packs, or every shipped pack)")
    .option("-c, --config <file>", "test the packs as this deployment's configuration tailors them")
    .addOption(formatOption())
    .addOption(
      langOption("the language of the report; the cases are decided in the pack's, as they are written"),
    )
    .action(async (packs, opts) => (await import("./commands/pack.js")).runPackTest(packs, opts, io));

  program
    .command("sla")
    .description(
      "Print every SLA clock of a ticket: target, elapsed and paused working time, due moment, state",
    )
    .argument("<ticket>", "normalised ticket JSON file, with its history and comments")
    .addOption(packOption())
    .addOption(
      moment(
        "--now <iso>",
        "the moment to evaluate at (default: now; without an offset, in the pack's zone)",
      ),
    )
    .option("--explain", "show, step by step, why each due moment is where it is")
    .addOption(calendarConfig())
    .addOption(formatOption())
    .addOption(langOption("the language of the clocks' lines"))
    .action(async (ticket, opts) => (await import("./commands/sla.js")).runSla(ticket, opts, io));

  program
    .command("decisions")
    .description(
      "A ticket's pending work, decisions and write-back results (from the bridge's Redis); with a filter, decisions across tickets from the history",
    )
    .addOption(
      new Option(
        "-t, --ticket <instance/id>",
        "tracker instance and ticket id, e.g. erecipe-gitlab/FHIR-BY/ehr.platform.support#17",
      ).argParser(ticketOption),
    )
    .option("-r, --rule <id>", "only decisions of this rule (from the history)")
    .addOption(
      new Option("-o, --outcome <outcome>", "only this outcome (from the history)").choices([
        "violation",
        "info",
        "error",
      ]),
    )
    .addOption(
      moment(
        "--since <date>",
        "decisions at or after (from the history; without an offset, in the pack's zone: --pack's, else the configuration's first pack's)",
      ),
    )
    .addOption(moment("--until <date>", "decisions before (from the history; as --since)"))
    .addOption(instanceOption())
    .option("--pack <id>", "only decisions of this pack (from the history)")
    .addOption(configOption())
    .addOption(
      new Option(
        "--bridge-url <url>",
        "where the running bridge holding the embedded history answers (default: http://server.host:server.port)",
      ).argParser(httpUrlOption),
    )
    .addOption(
      new Option("-n, --limit <n>", "how many entries (1–1000)").argParser(positiveInteger(1000)).default(20),
    )
    .addOption(
      new Option("--format <format>", "output format").choices(["json", "text", "csv"]).default("text"),
    )
    .action(async (opts) => (await import("./commands/decisions.js")).runDecisions(opts, io));

  program
    .command("report")
    .description("Reports from the history (or from ticket files)")
    .command("sla")
    .description(
      "SLA compliance per clock, type, priority and line: met, breached (a clock running past its due moment counts), by agreement, % met, median and p90 of working time used, worst overruns, 12-month trend",
    )
    .argument(
      "[tickets...]",
      "normalised ticket JSON files (a ticket or an array each): computed offline, not from the history",
    )
    .addOption(packOption())
    .addOption(
      moment(
        "--from <date>",
        "clocks started at or after (a date, in the pack's zone)",
      ).makeOptionMandatory(),
    )
    .addOption(moment("--to <date>", "…and before").makeOptionMandatory())
    .addOption(
      new Option("--by <dimensions>", `group by, comma-separated: ${dimensions.join(", ")}`)
        .argParser(dimensionList)
        .default([...dimensions]),
    )
    .addOption(new Option("--format <format>", "output format").choices([...reportFormats]).default("text"))
    .addOption(moment("--now <iso>", "judge running clocks at this moment (default: now)"))
    .addOption(configOption())
    .option("-o, --out <file>", "write the report to this file")
    .addOption(
      new Option(
        "--bridge-url <url>",
        "where the running bridge holding the embedded history answers (default: http://server.host:server.port)",
      ).argParser(httpUrlOption),
    )
    .action(async (files, opts) => (await import("./commands/report.js")).runReportSla(files, opts, io));

  program
    .command("audit")
    .description(
      "A read-only pass over a tracker instance's recent tickets: what the pack would have said and done, and how the deadlines went; writes nothing",
    )
    .requiredOption("-i, --instance <name>", "the tracker instance of the configuration")
    .option("--project <project...>", "only these projects or queues (default: all configured)")
    .addOption(
      new Option("--since <when>", "tickets updated since: 30d (days back) or a date")
        .argParser(sinceOption)
        .makeOptionMandatory(),
    )
    .addOption(moment("--until <date>", "…and before (default: now)"))
    .option("-p, --pack <id>", "judge with this pack instead of the deployed one")
    .option(
      "--compare-with <pack.yaml>",
      "an edited pack: print only the findings it would change (new, gone, changed)",
    )
    .addOption(new Option("--format <format>", "output format").choices([...auditFormats]).default("text"))
    .option("-o, --out <file>", "write the report to this file")
    .addOption(
      new Option("--rate <n>", "reads per second (default: the instance's writesPerSecond)").argParser(
        positiveInteger(1000),
      ),
    )
    .addOption(moment("--now <iso>", "the audit's moment (default: now)"))
    .addOption(configOption())
    .action(async (opts) => (await import("./commands/audit.js")).runAudit(opts, io));

  program
    .command("simulate")
    .description(
      "One live ticket as if its latest change had just happened: its decisions, its clocks with the why, and the exact requests enforce mode would send (nothing is sent)",
    )
    .argument("<ticket>", "a link to the ticket (as the browser shows it) or <instance>/<id>")
    .addOption(configOption())
    .addOption(formatOption())
    .action(async (ticket, opts) => (await import("./commands/simulate.js")).runSimulate(ticket, opts, io));

  const history = program
    .command("history")
    .description("The history store (PostgreSQL, or the embedded one)");
  history
    .command("migrate")
    .description("Bring the history store's schema up to this version (serve does it at start too)")
    .addOption(configOption())
    .action(async (opts) => (await import("./commands/history.js")).runHistoryMigrate(opts, io));
  history
    .command("export")
    .description("Export a table of the history, for the centre's archive or BI tools")
    .addOption(
      new Option("--table <table>", "which table").choices([...historyTableNames]).default("decisions"),
    )
    .addOption(
      moment(
        "--since <date>",
        "rows at or after (without an offset, in the zone of the configuration's first pack)",
      ).makeOptionMandatory(),
    )
    .addOption(moment("--until <date>", "rows before (as --since)"))
    .addOption(new Option("--format <format>", "output format").choices(["csv", "json"]).default("csv"))
    .addOption(configOption())
    .option("-o, --out <file>", "write to this file")
    .action(async (opts) => (await import("./commands/history.js")).runHistoryExport(opts, io));

  const dlq = program
    .command("dlq")
    .description("Write-backs the trackers refused for good (the dead-letter set)");
  dlq
    .command("list")
    .description("List dead-lettered write-backs with their reason")
    .addOption(configOption())
    .addOption(instanceOption())
    .action(async (opts) => (await import("./commands/dlq.js")).runDlqList(opts, io));
  for (const [name, verb] of [
    ["retry", "Queue again"],
    ["drop", "Delete"],
  ] as const) {
    dlq
      .command(name)
      .description(`${verb} dead-lettered write-backs: one by id, or --all`)
      .argument("[job]", "job id as `dlq list` shows it")
      .option("--all", "every dead-lettered write-back (of --instance, or of all instances)")
      .addOption(configOption())
      .addOption(instanceOption())
      .action(async (job, opts) => (await import("./commands/dlq.js")).runDlqAct(name, job, opts, io));
  }

  const events = program
    .command("events")
    .description("Events and write-backs that wait, retry or are dead, per ticket (from the bridge's Redis)");
  events
    .command("list")
    .description("List unfinished and dead jobs: waiting, retrying (with the last answer), dead")
    .addOption(configOption())
    .addOption(instanceOption())
    .addOption(stateOption("only jobs in these queue states"))
    .addOption(formatOption())
    .action(async (opts) => (await import("./commands/events.js")).runEventsList(opts, io));
  for (const [name, verb] of [
    ["retry", "Queue dead events and write-backs again"],
    ["drop", "Delete dead events and write-backs (with --state, also jobs in those states)"],
  ] as const) {
    events
      .command(name)
      .description(`${verb}: one by id, or --all`)
      .argument("[job]", "job id as `events list` shows it")
      .option("--all", "every dead job (of --instance, or of all instances)")
      .addOption(configOption())
      .addOption(instanceOption())
      .addOption(stateOption("drop: the queue states to drop from"))
      .action(async (job, opts) => (await import("./commands/events.js")).runEventsAct(name, job, opts, io));
  }

  program
    .command("console")
    .description("The supervisors' console")
    .command("link")
    .description("Print a new single-use link that signs one browser in to the running bridge's console")
    .addOption(
      new Option("--role <role>", "who the browser signs in as")
        .choices(["viewer", "operator"])
        .default("operator"),
    )
    .option(
      "--url <url>",
      "the bridge's address as browsers reach it (default: http://server.host:server.port)",
    )
    .addOption(configOption())
    .action(async (opts) => (await import("./commands/console-link.js")).runConsoleLink(opts, io));

  const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
  for (const cmd of everyCommand(program)) cmd.exitOverride();
  return program;
}
