import { createHash } from "node:crypto";
import { pino } from "pino";
import { verdictOf } from "../../audit/verdict.js";
import { resolveConfigPath } from "../../config/load.js";
import { redactUrl } from "../../config/redact-url.js";
import type { RecordedRequest } from "../../domain/adapter.js";
import { own } from "../../domain/own.js";
import type { TicketRef } from "../../domain/ticket.js";
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
  let ref: TicketRef | undefined;
  for (const adapter of adapters.values()) ref ??= adapter.refFromUrl(target);
  if (!ref) {
    const slash = target.indexOf("/");
    const instance = target.slice(0, slash);
    const adapter = slash > 0 ? adapters.get(instance) : undefined;
    if (!adapter)
      throw Errors.USAGE(
        `"${target}" is neither a link to a configured tracker's ticket nor <instance>/<id> of one of ${[...adapters.keys()].join(", ")}`,
      );
    ref = { tracker: adapter.kind, instance, id: target.slice(slash + 1) };
  }
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
    ? evaluateClocks(verdict.ticket, { calendar, spec: time.sla, statuses: pack.statuses, now })
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
  io.out(
    `${ticket.ref.url ?? `${ref.instance}/${ref.id}`} — ${pack.id} (${pack.mode}); judged as if its latest change (${verdict.change.kind} by ${verdict.change.actor.id}${verdict.change.at ? ` at ${verdict.change.at}` : ""}) had just happened\n\n`,
  );
  io.out(
    verdict.ownChange
      ? "the latest change is the bridge's own: nothing to judge\n"
      : formatDecisionsText(verdict.decisions),
  );
  if (clocks.length) {
    io.out("\nclocks:\n");
    for (const r of clocks)
      io.out(`  ${clockLine(r, (t) => calendar.iso(t))}\n${r.explain.map((e) => `      ${e}`).join("\n")}\n`);
  }
  io.out(
    `\nwhat enforce mode would send (${requests.length ? `${requests.length} requests` : "nothing"}${outcome?.outcome === "superseded" ? "; superseded: the ticket changed while this ran" : ""}):\n`,
  );
  for (const r of requests)
    io.out(
      `  ${r.method} ${redactUrl(r.url)}${r.body !== undefined ? `\n      ${JSON.stringify(r.body)}` : ""}\n`,
    );
}
