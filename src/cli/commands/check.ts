import { z } from "zod";
import { withConfiguredRole } from "../../config/actors.js";
import type { Config } from "../../config/schema.js";
import { describeAction } from "../../domain/action.js";
import type { NativeReading } from "../../domain/adapter.js";
import { Change, creationOf } from "../../domain/change.js";
import type { Decision } from "../../domain/decision.js";
import type { Role, TrackerKind } from "../../domain/enums.js";
import { LinkedTicket, Ticket } from "../../domain/ticket.js";
import { evaluate } from "../../engine/evaluate.js";
import type { Language } from "../../engine/rule.js";
import { Errors, ExitCode } from "../../errors/catalogue.js";
import { defaultAdapterRegistry } from "../../runtime/adapters.js";
import type { Io } from "../io.js";
import { readMoment } from "../moments.js";
import { packForCli, timeForCli } from "../pack-setup.js";
import { readJsonFile } from "../read-json.js";

interface CheckOptions {
  pack: string;
  from?: TrackerKind;
  change?: string;
  actorRole?: Role;
  format: "json" | "text";
  config?: string;
  now?: string;
  openTickets?: string;
  links?: string;
  lang?: Language;
}

const outcomeMark: Record<Decision["outcome"], string> = { violation: "✗", info: "i", error: "!" };

/** The CLI's words around a pack's decisions, in the pack's language (or the one asked for). */
const words: Record<
  Language,
  {
    outcome: Record<Decision["outcome"], string>;
    none: string;
    citation: string;
    conflict: string;
    grace: (seconds: number) => string;
    alert: string;
  }
> = {
  en: {
    outcome: { violation: "violation", info: "info", error: "error" },
    none: "no findings",
    citation: "citation",
    conflict: "conflict",
    grace: (s) => `judged after a grace period of ${s} s: the bridge re-checks the ticket then`,
    alert: "alert",
  },
  ru: {
    outcome: { violation: "нарушение", info: "сведения", error: "ошибка" },
    none: "замечаний нет",
    citation: "основание",
    conflict: "конфликт",
    grace: (s) => `решается после отсрочки в ${s} с: тогда мост проверит заявку снова`,
    alert: "оповещение",
  },
};

export function formatDecisionsText(decisions: readonly Decision[], language: Language): string {
  const w = words[language];
  if (decisions.length === 0) return `${w.none}\n`;
  return decisions
    .map((d) => {
      const lines = [
        `${outcomeMark[d.outcome]} ${w.outcome[d.outcome]} [${d.rule}] ${d.message}`,
        `    ${w.citation}: ${d.citation}`,
      ];
      if (d.conflict) lines.push(`    ${w.conflict}: ${d.conflict}`);
      if (d.graceSeconds) lines.push(`    ${w.grace(d.graceSeconds)}`);
      for (const alert of d.alerts) lines.push(`    ${w.alert}: ${alert}`);
      for (const a of d.actions) lines.push(`    → ${describeAction(a, { indent: "        ", language })}`);
      return `${lines.join("\n")}\n`;
    })
    .join("\n");
}

/** The JSON form documented in the README: the decision's fields, with `conflict` and `alerts` only when present. */
export function decisionsJson(decisions: readonly Decision[]): unknown[] {
  return decisions.map(
    ({ rule, pack, outcome, message, citation, actions, alerts, conflict, graceSeconds }) => ({
      rule,
      pack,
      outcome,
      message,
      citation,
      actions,
      ...(alerts.length ? { alerts } : {}),
      ...(conflict ? { conflict } : {}),
      ...(graceSeconds ? { graceSeconds } : {}),
    }),
  );
}

/**
 * A tracker's own JSON read by its adapter. The configuration, when given, says which
 * instance (one of that kind bound to the pack, else the first of that kind) and its
 * options (label mapping, statuses); without it the adapter's defaults apply.
 */
function readNativeFile(
  file: string,
  kind: TrackerKind,
  packId: string,
  config: Config | undefined,
): NativeReading {
  const factory = defaultAdapterRegistry().get(kind);
  const instances = Object.entries(config?.trackers ?? {}).filter(([, t]) => t.kind === kind);
  const [instance, tracker] = instances.find(([, t]) =>
    Object.values(t.projects).some((p) => p.pack === packId),
  ) ??
    instances[0] ?? ["default", undefined];
  return factory.readNative(
    readJsonFile(file, z.unknown(), `${kind} JSON file`),
    instance,
    tracker?.options ?? {},
  );
}

/**
 * Exit 1 when the pack finds violations, 2 when a rule could not run (an \`error\`
 * decision: a parameter or option the deployment must set), else 0.
 */
export function runCheck(ticketFile: string, opts: CheckOptions, io: Io): void {
  const setup = packForCli(opts.pack, opts.config, opts.lang);
  const { config, pack } = setup;
  const now =
    opts.now === undefined
      ? new Date().toISOString()
      : new Date(
          readMoment(io, "--now", opts.now, timeForCli(setup).calendar, undefined, pack.language),
        ).toISOString();
  if (opts.from && opts.change) {
    throw Errors.USAGE("--change cannot be combined with --from: the tracker's payload carries its change");
  }
  const native = opts.from ? readNativeFile(ticketFile, opts.from, opts.pack, config) : undefined;
  const ticket = native?.ticket ?? readJsonFile(ticketFile, Ticket, "ticket file");
  const instance = ticket.ref.instance;
  const reporter = withConfiguredRole(config, instance, ticket.reporter);
  const change: Change =
    native?.change ??
    (opts.change ? readJsonFile(opts.change, Change, "change file") : creationOf(ticket, reporter));
  let actor = withConfiguredRole(config, instance, change.actor);
  if (opts.actorRole) actor = { ...actor, role: opts.actorRole };
  else if (!actor.role)
    // The bridge gives no role to a person the configuration does not name, and neither does
    // check: an invented role would hide the rules the bridge applies to such a person.
    io.err(
      pack.language === "ru"
        ? `заметка: у ${actor.id} нет роли (ни в файле, ни в actors.${instance} конфигурации): оценено так, как оценил бы мост; --actor-role оценивает его в другой роли\n`
        : `note: ${actor.id} has no role (in the file or actors.${instance} of the configuration): judged as the bridge would judge them; --actor-role judges them as another\n`,
    );
  const subject: Ticket = {
    ...ticket,
    reporter: actor.id === reporter.id ? { ...reporter, role: actor.role } : reporter,
  };

  // What the bridge reads through the adapter for some rules (duplicates, linked issues), given as files.
  const openTickets = opts.openTickets
    ? readJsonFile(opts.openTickets, z.array(Ticket), "open tickets file")
    : undefined;
  const links = opts.links ? readJsonFile(opts.links, z.array(LinkedTicket), "links file") : undefined;
  const decisions = evaluate(
    pack,
    subject,
    { ...change, actor },
    { now, ...(openTickets ? { openTickets } : {}), ...(links ? { links } : {}) },
  );
  io.out(
    opts.format === "json"
      ? `${JSON.stringify(decisionsJson(decisions), null, 2)}\n`
      : formatDecisionsText(decisions, pack.language),
  );
  io.exitCode = decisions.some((d) => d.outcome === "error")
    ? ExitCode.badInput
    : decisions.some((d) => d.outcome === "violation")
      ? ExitCode.findings
      : ExitCode.ok;
}
