import { Queue } from "bullmq";
import { resolveConfigPath } from "../../config/load.js";
import { Errors } from "../../errors/catalogue.js";
import { writebackQueue } from "../../queue/names.js";
import type { WritebackJob } from "../../queue/pipeline.js";
import { keySpaceOf } from "../../redis/key-space.js";
import { loadDeploymentConfig } from "../../runtime/deployment-config.js";
import { planActions } from "../../write-back/plan.js";
import type { Io } from "../io.js";
import { redisForCli } from "../redis-for-cli.js";

interface DlqOptions {
  config?: string;
  instance?: string;
  all?: boolean;
}

/** Runs an action on the dead-letter (failed) write-backs of the configured instances. */
async function withFailed(
  opts: DlqOptions,
  command: string,
  act: (queue: Queue<WritebackJob>, instance: string) => Promise<void>,
) {
  const { config } = loadDeploymentConfig(resolveConfigPath(opts.config));
  const instances = opts.instance ? [opts.instance] : Object.keys(config.trackers);
  for (const i of instances)
    if (!Object.hasOwn(config.trackers, i)) throw Errors.UNKNOWN_INSTANCE(i, Object.keys(config.trackers));
  const redis = await redisForCli(config, command);
  try {
    for (const instance of instances) {
      const queue = new Queue<WritebackJob>(writebackQueue(instance), {
        connection: redis,
        prefix: keySpaceOf(config).queuePrefix(writebackQueue(instance)),
      });
      await act(queue, instance);
      await queue.close();
    }
  } finally {
    redis.disconnect();
  }
}

type FailedJob = Awaited<ReturnType<Queue<WritebackJob>["getFailed"]>>[number];

export async function runDlqList(opts: DlqOptions, io: Io): Promise<void> {
  let count = 0;
  await withFailed(opts, "reglament dlq list", async (queue, instance) => {
    for (const job of await queue.getFailed()) {
      count++;
      io.out(
        `${instance}\t${job.id}\tticket ${job.data.ref.id}\t${job.data.plan ? planActions(job.data.plan).length : 0} action(s)\t${new Date(job.finishedOn ?? job.timestamp).toISOString()}\t${job.failedReason}\n`,
      );
    }
  });
  if (count === 0) io.out("the dead-letter set is empty\n");
}

const acts: Record<"retry" | "drop", (job: FailedJob) => Promise<void>> = {
  retry: (job) => job.retry(),
  drop: (job) => job.remove(),
};

export async function runDlqAct(
  name: "retry" | "drop",
  jobId: string | undefined,
  opts: DlqOptions,
  io: Io,
): Promise<void> {
  if (!jobId && !opts.all) throw Errors.USAGE(`dlq ${name} needs a job id or --all`);
  let done = 0;
  await withFailed(opts, `reglament dlq ${name}`, async (queue) => {
    for (const job of await queue.getFailed()) {
      if (opts.all || job.id === jobId) {
        await acts[name](job);
        done++;
      }
    }
  });
  if (jobId && done === 0)
    throw Errors.USAGE(`no dead-lettered write-back with id "${jobId}" (see \`reglament dlq list\`)`);
  io.out(`${name === "retry" ? "queued again" : "deleted"}: ${done}\n`);
}
