import { pino } from "pino";
import { resolveConfigPath } from "../../config/load.js";
import { Errors } from "../../errors/catalogue.js";
import { DecisionLog, type LogEntry, type RetrySummary } from "../../queue/decision-log.js";
import { WorkInspector } from "../../queue/inspect.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import type { Io } from "../io.js";
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

export async function runDecisions(
  opts: { ticket: TicketOption; config?: string; limit: number; format: "json" | "text" },
  io: Io,
): Promise<void> {
  const { instance, id } = opts.ticket;
  const { config } = loadDeploymentConfig(resolveConfigPath(opts.config));
  if (!(instance in config.trackers)) throw Errors.UNKNOWN_INSTANCE(instance, Object.keys(config.trackers));
  const redis = await redisForCli(config, "reglament decisions");
  try {
    const log = new DecisionLog(redis, config.redis.keyPrefix, pino({ level: "silent" }));
    const inspector = new WorkInspector(config, redis);
    const [entries, retries, work] = await Promise.all([
      log.recent(instance, id, opts.limit),
      log.retries(instance, id),
      inspector.list({ ticket: { instance, id }, limit: 50 }),
    ]).finally(() => inspector.close());
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
