import { resolveConfigPath } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { Errors } from "../../errors/catalogue.js";
import { WorkInspector, type WorkItem } from "../../queue/inspect.js";
import type { WorkState } from "../../queue/work-states.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import type { Io } from "../io.js";
import { redisForCli } from "../redis-for-cli.js";

interface EventsOptions {
  config?: string;
  instance?: string;
  state?: WorkState[];
  all?: boolean;
  format?: "json" | "text";
}

/** One line per job: where it stands, for which ticket, and why it is stuck. */
export function describeWork(w: WorkItem): string {
  const why = w.lastError ? ` — last: ${w.lastError}` : "";
  const tries = w.tries ? `, ${w.tries} failed tr${w.tries === 1 ? "y" : "ies"}` : "";
  const since = w.failingSince ? ` since ${w.failingSince}` : "";
  return `${w.state}\t${w.kind}\t${w.instance}\t${w.ticket}\t${w.jobId}\tqueued ${w.queuedAt}${tries}${since}${why}`;
}

async function withInspector<T>(
  opts: EventsOptions,
  command: string,
  run: (inspector: WorkInspector, config: Config) => Promise<T>,
): Promise<T> {
  const { config } = loadDeploymentConfig(resolveConfigPath(opts.config));
  if (opts.instance && !Object.hasOwn(config.trackers, opts.instance))
    throw Errors.UNKNOWN_INSTANCE(opts.instance, Object.keys(config.trackers));
  const redis = await redisForCli(config, command);
  const inspector = new WorkInspector(config, redis);
  try {
    return await run(inspector, config);
  } finally {
    await inspector.close();
    redis.disconnect();
  }
}

export async function runEventsList(opts: EventsOptions, io: Io): Promise<void> {
  const items = await withInspector(opts, "reglament events list", (inspector) =>
    inspector.list({
      ...(opts.state ? { states: opts.state } : {}),
      ...(opts.instance ? { instance: opts.instance } : {}),
    }),
  );
  if (opts.format === "json") io.out(`${JSON.stringify(items, null, 2)}\n`);
  else
    io.out(
      items.length
        ? `${items.map(describeWork).join("\n")}\n`
        : "no event or write-back is waiting, retrying or dead\n",
    );
}

export async function runEventsAct(
  name: "retry" | "drop",
  jobId: string | undefined,
  opts: EventsOptions,
  io: Io,
): Promise<void> {
  if (!jobId && !opts.all) throw Errors.USAGE(`events ${name} needs a job id or --all`);
  const done = await withInspector(opts, `reglament events ${name}`, (inspector) =>
    inspector.act(name, {
      ...(jobId ? { jobId } : {}),
      ...(opts.instance ? { instance: opts.instance } : {}),
      ...(opts.state ? { states: opts.state } : {}),
    }),
  );
  if (jobId && done === 0)
    throw Errors.USAGE(`no dead job with id "${jobId}" (see \`reglament events list --state failed\`)`);
  io.out(`${name === "retry" ? "queued again" : "deleted"}: ${done}\n`);
}
