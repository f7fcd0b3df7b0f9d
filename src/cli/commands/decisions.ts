import { pino } from "pino";
import { resolveConfigPath } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { Errors } from "../../errors/catalogue.js";
import { openHistoryStore } from "../../history/open.js";
import type { DecisionFilter, DecisionPage } from "../../history/store.js";
import { DecisionLog, type LogEntry, type RetrySummary } from "../../queue/decision-log.js";
import { WorkInspector } from "../../queue/inspect.js";
import { keySpaceOf } from "../../redis/key-space.js";
import { csv } from "../../reports/format.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { decisionsViaBridge } from "../history-via-bridge.js";
import type { Io } from "../io.js";
import { instantReader } from "../moments.js";
import type { TicketOption } from "../options.js";
import { redisForCli } from "../redis-for-cli.js";
import { describeWork } from "./events.js";

function describe(e: LogEntry): string {
  switch (e.type) {
    case "decisions": {
      const lines = [`${e.at} ${e.deliveryId} — ${e.pack} (${e.mode}), write-back: ${e.writeback}`];
      for (const d of e.decisions)
        lines.push(
          `    ${d.outcome} [${d.rule}] ${d.message}${d.conflict ? ` (conflict: ${d.conflict})` : ""}`,
        );
      for (const a of e.wouldDo ?? []) lines.push(`    would do: ${JSON.stringify(a)}`);
      for (const g of e.deferred ?? [])
        lines.push(`    [${g.rule}] judged after its grace period of ${g.seconds} s`);
      return lines.join("\n");
    }
    case "event-failed":
      return `${e.at} ${e.deliveryId} — event dead (in the dead-letter set): ${e.error}`;
    case "own-change":
      return `${e.at} ${e.deliveryId} — the bridge's own change (${e.reason}); not evaluated`;
    case "writeback": {
      const lines = [
        `${e.at} ${e.deliveryId} — write-back ${e.result}${e.error ? `: ${e.error}` : ""}${e.applied !== undefined ? ` (${e.applied} applied, ${e.skipped} already done)` : ""}`,
      ];
      if (e.changed?.length) lines.push(`    changed meanwhile by a person: ${e.changed.join(", ")}`);
      for (const r of e.refused ?? []) lines.push(`    refused: ${JSON.stringify(r.action)} — ${r.reason}`);
      return lines.join("\n");
    }
  }
}

function describeRetry(r: RetrySummary): string {
  const state = r.ended === "dead" ? "dead" : r.ended === "done" ? "done" : "retrying";
  return `${r.lastAt} ${r.deliveryId} — ${r.kind} ${state} after ${r.tries} failed tr${r.tries === 1 ? "y" : "ies"} since ${r.since}; last: ${r.last}`;
}

interface DecisionsOptions {
  ticket?: TicketOption;
  rule?: string;
  outcome?: string;
  since?: string;
  until?: string;
  instance?: string;
  pack?: string;
  config?: string;
  bridgeUrl?: string;
  limit: number;
  format: "json" | "text" | "csv";
}

const csvColumns = [
  "at",
  "instance",
  "ticket",
  "pack",
  "mode",
  "rule",
  "outcome",
  "message",
  "citation",
  "actions",
  "writeback",
] as const;

/** The history's decisions: from the store, or through the bridge that holds the embedded one. */
async function historyPage(
  config: Config,
  filter: DecisionFilter,
  opts: DecisionsOptions,
): Promise<DecisionPage> {
  let store: Awaited<ReturnType<typeof openHistoryStore>>;
  try {
    store = await openHistoryStore(config.history, { create: false });
  } catch (err) {
    if (!Errors.HISTORY_IN_USE.is(err)) throw err;
    return decisionsViaBridge(config, filter, err, opts.bridgeUrl);
  }
  try {
    return await store.decisions(filter);
  } finally {
    await store.close();
  }
}

/** Decisions across tickets, from the history store: "every priority the bridge corrected last week". */
async function fromHistory(
  config: Config,
  configFile: string,
  opts: DecisionsOptions,
  io: Io,
  none = "no decision in the history matches",
): Promise<void> {
  const instant = instantReader(io, config, configFile, opts.pack, "--pack names another");
  const since = opts.since ? instant("--since", opts.since) : undefined;
  const until = opts.until ? instant("--until", opts.until) : undefined;
  const page = await historyPage(
    config,
    {
      ...(opts.ticket ? { instance: opts.ticket.instance, ticket: opts.ticket.id } : {}),
      ...(opts.instance ? { instance: opts.instance } : {}),
      ...(opts.rule ? { rule: opts.rule } : {}),
      ...(opts.outcome ? { outcome: opts.outcome } : {}),
      ...(opts.pack ? { pack: opts.pack } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      limit: opts.limit,
    },
    opts,
  );
  const rows = page.decisions;
  if (opts.format === "json") io.out(`${JSON.stringify(rows, null, 2)}\n`);
  else if (opts.format === "csv")
    io.out(
      csv(
        csvColumns,
        rows.map((d) => csvColumns.map((c) => (c === "actions" ? JSON.stringify(d.actions) : d[c]))),
      ),
    );
  else
    io.out(
      rows.length
        ? `${rows.map((d) => `${d.at} ${d.instance}/${d.ticket} — ${d.pack} (${d.mode}), write-back: ${d.writeback}\n    ${d.outcome} [${d.rule}] ${d.message}`).join("\n")}\n${page.next ? `(more: the first ${opts.limit} shown; narrow the query or raise --limit)\n` : ""}`
        : `${none}\n`,
    );
}

export async function runDecisions(opts: DecisionsOptions, io: Io): Promise<void> {
  const file = resolveConfigPath(opts.config);
  const { config } = loadDeploymentConfig(file);
  for (const instance of [opts.ticket?.instance, opts.instance])
    if (instance && !Object.hasOwn(config.trackers, instance))
      throw Errors.UNKNOWN_INSTANCE(instance, Object.keys(config.trackers));
  const across =
    !opts.ticket ||
    opts.rule ||
    opts.outcome ||
    opts.since ||
    opts.until ||
    opts.instance ||
    opts.pack ||
    opts.format === "csv";
  if (across) return fromHistory(config, file, opts, io);
  const { instance, id } = opts.ticket!;
  if (!Object.hasOwn(config.trackers, instance))
    throw Errors.UNKNOWN_INSTANCE(instance, Object.keys(config.trackers));
  const redis = await redisForCli(config, "reglament decisions");
  try {
    const log = new DecisionLog(redis, keySpaceOf(config), pino({ level: "silent" }));
    const inspector = new WorkInspector(config, redis);
    const [entries, retries, work] = await Promise.all([
      log.recent(instance, id, opts.limit),
      log.retries(instance, id),
      inspector.list({ ticket: { instance, id }, limit: 50 }),
    ]).finally(() => inspector.close());
    if (!entries.length && !work.length && !retries.length && config.history.enabled) {
      // Past the Redis cache (the latest 100 entries of a ticket): the history has the rest.
      try {
        return await fromHistory(config, file, opts, io, `no decisions recorded for ${instance}/${id}`);
      } catch (err) {
        if (!Errors.HISTORY_IN_USE.is(err) && !Errors.HISTORY_UNAVAILABLE.is(err)) throw err;
        io.out(`no decisions recorded for ${instance}/${id}\n`);
        io.err(`note: the history store was not read: ${err.message}\n`);
        return;
      }
    }
    if (opts.format === "json") io.out(`${JSON.stringify(entries, null, 2)}\n`);
    else {
      const pending = work.map((w) => `pending: ${describeWork(w)}`);
      const text = [...pending, ...retries.map(describeRetry), ...entries.map(describe)];
      io.out(text.length ? `${text.join("\n")}\n` : `no decisions recorded for ${instance}/${id}\n`);
    }
  } finally {
    redis.disconnect();
  }
}
