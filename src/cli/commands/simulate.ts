import { createHash } from "node:crypto";
import { pino } from "pino";
import { verdictOf } from "../../audit/verdict.js";
import { resolveConfigPath } from "../../config/load.js";
import { redactUrl } from "../../config/redact-url.js";
import type { RecordedRequest, TrackerAdapter } from "../../domain/adapter.js";
import type { TrackerKind } from "../../domain/enums.js";
import { own } from "../../domain/own.js";
import type { TicketRef } from "../../domain/ticket.js";
import type { Language } from "../../engine/rule.js";
import { Errors } from "../../errors/catalogue.js";
import { createAdapters, defaultAdapterRegistry } from "../../runtime/adapters.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { loadDeploymentPacks } from "../../runtime/deployment-packs.js";
import { evaluateClocks } from "../../sla/clocks.js";
import { calendarFor } from "../../sla/pack-sla.js";
import { converge } from "../../write-back/converge.js";
import { planOf } from "../../write-back/plan.js";
import type { Io } from "../io.js";
import { formatDecisionsText } from "./check.js";
import { clockLine } from "./sla.js";

/** Simulate's words, in the language of the pack that judges the ticket. */
const words: Record<
  Language,
  {
    judged: (kind: string, actor: string, at: string | undefined) => string;
    ownChange: string;
    clocks: string;
    wouldSend: (requests: number, superseded: boolean) => string;
  }
> = {
  en: {
    judged: (kind, actor, at) =>
      `judged as if its latest change (${kind} by ${actor}${at ? ` at ${at}` : ""}) had just happened`,
    ownChange: "the latest change is the bridge's own: nothing to judge",
    clocks: "clocks",
    wouldSend: (n, superseded) =>
      `what enforce mode would send (${n ? `${n} requests` : "nothing"}${superseded ? "; superseded: the ticket changed while this ran" : ""})`,
  },
  ru: {
    judged: (kind, actor, at) =>
      `решено так, будто последнее изменение (${kind}, автор ${actor}${at ? `, ${at}` : ""}) случилось только что`,
    ownChange: "последнее изменение сделал сам мост: решать нечего",
    clocks: "сроки",
    wouldSend: (n, superseded) =>
      `что отправил бы режим enforce (${n ? `запросов: ${n}` : "ничего"}${superseded ? "; прервано: заявку изменили, пока шла симуляция" : ""})`,
  },
};

/** How each tracker writes a ticket's id, so a mistyped one is refused before any request. */
const idShapes: Record<TrackerKind, { valid: (id: string) => boolean; example: string }> = {
  mantis: { valid: (id) => /^\d+$/.test(id), example: "1024" },
  // The project by its path, or by its numeric id where the configuration names it so.
  gitlab: { valid: (id) => /^[^#\s]+#[1-9]\d*$/.test(id), example: "group/project#17" },
  yandex: { valid: (id) => /^[A-Z][A-Z0-9]*-[1-9]\d*$/.test(id), example: "SUPPORT-17" },
};

/**
 * The ticket a target names: a link to a configured tracker's ticket, or <instance>/<id>
 * in that tracker's own form. Checked here, not by the tracker: a typo is the person's
 * usage error, and no request should leave for it.
 */
function ticketRefOf(target: string, adapters: ReadonlyMap<string, TrackerAdapter>): TicketRef {
  for (const adapter of adapters.values()) {
    const ref = adapter.refFromUrl(target);
    if (ref) return ref;
  }
  const slash = target.indexOf("/");
  const instance = target.slice(0, Math.max(0, slash));
  const id = target.slice(slash + 1);
  const adapter = slash > 0 ? adapters.get(instance) : undefined;
  if (!adapter)
    throw Errors.USAGE(
      `"${target}" is neither a link to a configured tracker's ticket nor <instance>/<id> of one of ${[...adapters.keys()].join(", ") || "(no instance configured)"}`,
    );
  const shape = idShapes[adapter.kind];
  if (!shape.valid(id))
    throw Errors.USAGE(
      `"${id}" is not a ticket id of ${instance} (${adapter.kind}); write it as ${instance}/${shape.example}, or paste the ticket's link`,
    );
  return { tracker: adapter.kind, instance, id };
}

/**
 * `reglament simulate <ticket URL | instance/id>`: one live ticket as if its latest change
 * had just happened — its decisions, its clocks with the "why", and the exact requests
 * enforce mode would send. The write-back runs as the bridge runs it, reading the ticket
 * for real; its writing requests are recorded instead of sent.
 */
export async function runSimulate(
  target: string,
  opts: { config?: string; format: "text" | "json" },
  io: Io,
) {
  const file = resolveConfigPath(opts.config);
  const { config } = loadDeploymentConfig(file);
  const packs = loadDeploymentPacks(config, file);
  const requests: RecordedRequest[] = [];
  const adapters = createAdapters(config, defaultAdapterRegistry(), pino({ level: "silent" }), (r) =>
    requests.push(r),
  );
  const ref = ticketRefOf(target, adapters);
  const adapter = adapters.get(ref.instance)!;
  const ticket = await adapter.fetchTicket(ref);
  const binding = own(own(config.trackers, ref.instance)?.projects, ticket.ref.project ?? "");
  const deployment = binding ? packs.get(binding.pack) : undefined;
  if (!deployment)
    throw Errors.USAGE(
      `project "${ticket.ref.project ?? "?"}" of ${ref.instance} is governed by no pack (trackers.${ref.instance}.projects)`,
    );
  const { pack, time } = deployment;
  const now = Date.now();
  const verdict = verdictOf(ticket, {
    adapter,
    config,
    instance: ref.instance,
    pack,
    now: new Date(now).toISOString(),
  });
  const calendar = calendarFor(time, verdict.ticket);
  const clocks = time.sla
    ? evaluateClocks(verdict.ticket, {
        calendar,
        spec: time.sla,
        statuses: pack.statuses,
        now,
        language: pack.language,
      })
    : [];
  const deliveryId = `simulate-${now}`;
  const plan = planOf(verdict.ticket, verdict.decisions, pack.language, deliveryId);
  const marker = `reglament:${createHash("sha1").update(`${ref.instance}\u0000${deliveryId}`).digest("hex").slice(0, 12)}`;
  const outcome = plan.steps.length ? await converge(adapter, ticket.ref, plan, marker) : undefined;
  if (opts.format === "json") {
    io.out(
      `${JSON.stringify({ ticket: ticket.ref, change: verdict.change, decisions: verdict.decisions, clocks, requests }, null, 2)}\n`,
    );
    return;
  }
  const w = words[pack.language];
  const { change } = verdict;
  io.out(
    `${ticket.ref.url ?? `${ref.instance}/${ref.id}`} — ${pack.id} (${pack.mode}); ${w.judged(change.kind, change.actor.id, change.at)}\n\n`,
  );
  io.out(verdict.ownChange ? `${w.ownChange}\n` : formatDecisionsText(verdict.decisions, pack.language));
  if (clocks.length) {
    io.out(`\n${w.clocks}:\n`);
    for (const r of clocks)
      io.out(
        `  ${clockLine(r, (t) => calendar.iso(t), pack.language)}\n${r.explain.map((e) => `      ${e}`).join("\n")}\n`,
      );
  }
  io.out(`\n${w.wouldSend(requests.length, outcome?.outcome === "superseded")}:\n`);
  for (const r of requests)
    io.out(
      `  ${r.method} ${redactUrl(r.url)}${r.body !== undefined ? `\n      ${JSON.stringify(r.body)}` : ""}\n`,
    );
}
