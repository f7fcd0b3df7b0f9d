import { Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { eventsQueue, partitionOf, safeJobId, ticketKey, writebackQueue } from "../../src/queue/names.js";
import type { RetryState } from "../../src/queue/retry-budget.js";
import { KeySpace } from "../../src/redis/key-space.js";
import type { BridgeRole } from "../../src/runtime/roles.js";
import { type Delivery, GitlabStub, PROJECT, settled, users } from "./gitlab-stub.js";
import { BridgeProcess, type BridgeSettings, RedisProcess } from "./processes.js";

/**
 * One chaos run: a load of GitLab issues whose people keep editing them, hooks delivered
 * late or twice, one fault, then the counts read from the stub's own record and from Redis.
 */

export const faults = [
  "none",
  "sigkill",
  "redis-restart",
  "tracker-500",
  "rate-limit-429",
  "endless-503",
  "priority-switch",
  "two-bridges",
  "three-bridges",
  "split-roles",
] as const;
export type Fault = (typeof faults)[number];

export const faultDescriptions: Record<Fault, string> = {
  none: "the load alone: follow-up edits, late hooks, 20 % redeliveries, some priority switches",
  sigkill: "a bridge process killed with SIGKILL mid-load and started again a second later",
  "redis-restart": "Redis killed mid-load and started again on its append-only file two seconds later",
  "tracker-500": "one write in ten answered 500 before it is applied, one in ten after",
  "rate-limit-429": "every tracker request answered 429 with Retry-After for two seconds",
  "endless-503": "three issues whose every request is answered 503 with Retry-After, for ever",
  "priority-switch":
    "half the issues: a person adds a priority and removes the old one while the hooks are on their way",
  "two-bridges": "two bridge processes on one Redis, each hook sent to either",
  "three-bridges": "three bridge processes on one Redis, each hook sent to any of them",
  "split-roles": "`serve --role ingest` taking the hooks, two `serve --role worker` processes doing the work",
};

export interface ChaosCounts {
  fault: Fault;
  issues: number;
  accepted: number;
  /** Accepted deliveries never processed (nor dead-lettered). */
  lost: number;
  repeatedComments: number;
  contradictingWrites: number;
  orderInversions: number;
  /** Jobs still retrying at the end, or retried past their budget. */
  overBudget: number;
  /** The most tracker writes seen in any second, minus writesPerSecond (0 when never exceeded). */
  paceExceeded: number;
  /** Issues not in a settled label state at the end (the endless-503 ones excepted). */
  unsettled: number;
  /** Jobs in the dead-letter set (expected only where the tracker never answers). */
  dead: number;
  bridgeWrites: number;
  seconds: number;
  /** What the stub knows of each issue a count above 0 names, to see what went wrong. */
  offending: { count: string; iid: number; labels: string[]; writes: unknown[]; deliveries: unknown[] }[];
}

export interface ChaosOptions {
  issues: number;
  seed?: number;
  writesPerSecond?: number;
  log?: (line: string) => void;
}

const PARTITIONS = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const refOf = (iid: number) => ({ instance: "gl", id: `${PROJECT}#${iid}` });

export async function runChaos(fault: Fault, options: ChaosOptions): Promise<ChaosCounts> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const writesPerSecond = options.writesPerSecond ?? 30;
  const retry = { attempts: 6, backoffMs: 200, maxSeconds: 20 };
  const stub = new GitlabStub("chaos-secret", options.seed ?? 7);
  const trackerUrl = await stub.listen();
  const prefix = "chaos";
  const roles: BridgeRole[] =
    fault === "two-bridges"
      ? ["all", "all"]
      : fault === "three-bridges"
        ? ["all", "all", "all"]
        : fault === "split-roles"
          ? ["ingest", "worker", "worker"]
          : ["all"];
  const bridges: BridgeProcess[] = [];
  let redis: RedisProcess | undefined;
  // Everything started is stopped, and its folder removed, however the run ends.
  try {
    redis = await RedisProcess.start();
    const settings: BridgeSettings = {
      redisUrl: redis.url,
      trackerUrl,
      secret: "chaos-secret",
      writesPerSecond,
      retry,
    };
    for (const role of roles) bridges.push(await BridgeProcess.start(settings, prefix, role));
    return await underFault(fault, options, {
      redis,
      stub,
      bridges,
      prefix,
      writesPerSecond,
      retry,
      started,
    });
  } catch (err) {
    for (const b of bridges) log(`bridge ${b.port} log:\n${b.log}`);
    throw err;
  } finally {
    for (const b of bridges) await b.dispose();
    await stub.close();
    await redis?.dispose();
  }
}

interface Setup {
  redis: RedisProcess;
  stub: GitlabStub;
  bridges: BridgeProcess[];
  prefix: string;
  writesPerSecond: number;
  retry: { attempts: number; backoffMs: number; maxSeconds: number };
  started: number;
}

/** The load with the fault injected, then the counts. */
async function underFault(fault: Fault, options: ChaosOptions, setup: Setup): Promise<ChaosCounts> {
  const { redis, stub, bridges, prefix, writesPerSecond, retry, started } = setup;
  const log = options.log ?? (() => {});
  const retarget = () => {
    stub.targets = bridges.filter((b) => b.running && b.role !== "worker").map((b) => b.webhookUrl);
  };
  retarget();
  const unavailable = new Set<number>(fault === "endless-503" ? [2, 5, 8] : []);
  if (unavailable.size) stub.faults.unavailable = unavailable;
  if (fault === "tracker-500") stub.faults = { failBefore: 0.1, failAfter: 0.1 };

  await load(stub, options.issues, fault === "priority-switch" ? 0.5 : 0.15, async (progress) => {
    if (progress !== 0.4) return;
    log(`  ${fault}: injecting the fault`);
    if (fault === "sigkill") {
      await bridges[0]!.stop("SIGKILL");
      retarget();
      await sleep(1000);
      await bridges[0]!.up();
      retarget();
    } else if (fault === "redis-restart") {
      await redis.kill();
      await sleep(2000);
      await redis.up();
    } else if (fault === "rate-limit-429") {
      stub.faults.tooManyUntil = Date.now() + 2000;
    }
  });
  log(`  ${fault}: load sent, waiting for the bridge to settle`);
  const client = new Redis(redis.url, { maxRetriesPerRequest: 3 });
  try {
    await settle(stub, client, prefix);
    return await count(
      fault,
      options.issues,
      stub,
      client,
      prefix,
      writesPerSecond,
      retry,
      unavailable,
      started,
    );
  } finally {
    client.disconnect();
  }
}

/** People at work: issues created over time, follow-up edits, priority switches. */
async function load(
  stub: GitlabStub,
  issues: number,
  switchShare: number,
  at: (progress: number) => Promise<void>,
): Promise<void> {
  const later: Promise<void>[] = [];
  const by = users.operator1!;
  for (let iid = 1; iid <= issues; iid++) {
    if (iid === Math.ceil(issues * 0.4)) await at(0.4);
    const r = stub.random();
    if (r < switchShare) {
      stub.createIssue(iid, ["Priority: High"], by);
      later.push(
        sleep(200 + stub.random() * 600).then(() => {
          // Add the new priority, then remove the old one: both hooks are built before either arrives.
          stub.editLabels(iid, (l) => [...l, "Priority: Medium"], by);
          stub.editLabels(iid, (l) => l.filter((x) => x !== "Priority: High"), by);
        }),
      );
    } else {
      const kind = stub.random();
      const labels =
        kind < 0.55 ? ["Priority: Low", "Priority: High"] : kind < 0.8 ? ["Priority: Medium"] : [];
      stub.createIssue(iid, labels, by);
    }
    // Follow-up edits of another label while the correction may still be on its way.
    const edits = stub.random() < 0.6 ? 1 + Math.floor(stub.random() * 2) : 0;
    for (let e = 0; e < edits; e++) {
      later.push(
        sleep(50 + stub.random() * 700).then(() =>
          stub.editLabels(
            iid,
            (l) => (l.includes("frontend") ? l.filter((x) => x !== "frontend") : [...l, "frontend"]),
            by,
          ),
        ),
      );
    }
    await sleep(25);
  }
  await Promise.all(later);
}

/** Until every hook is delivered and every job has ended (bounded). */
async function settle(stub: GitlabStub, redis: Redis, prefix: string, ms = 90_000): Promise<void> {
  const queues = [...Array.from({ length: PARTITIONS }, (_, i) => eventsQueue(i)), writebackQueue("gl")].map(
    (name) =>
      new Queue(name, { connection: redis, prefix: new KeySpace(prefix, PARTITIONS).queuePrefix(name) }),
  );
  const inboxes = new KeySpace(prefix, PARTITIONS).allPartitions("inbox");
  const end = Date.now() + ms;
  let quiet = 0;
  try {
    while (Date.now() < end) {
      let busy = stub.pending;
      for (const inbox of inboxes) busy += await redis.xlen(inbox);
      for (const q of queues) {
        const c = await q.getJobCounts("waiting", "active", "delayed", "prioritized");
        busy += Object.values(c).reduce((a, b) => a + b, 0);
      }
      quiet = busy === 0 ? quiet + 1 : 0;
      if (quiet >= 5) return;
      await sleep(200);
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

async function count(
  fault: Fault,
  issues: number,
  stub: GitlabStub,
  redis: Redis,
  prefix: string,
  writesPerSecond: number,
  retry: { maxSeconds: number },
  unavailable: ReadonlySet<number>,
  started: number,
): Promise<ChaosCounts> {
  const events = Array.from(
    { length: PARTITIONS },
    (_, i) =>
      new Queue(eventsQueue(i), {
        connection: redis,
        prefix: new KeySpace(prefix, PARTITIONS).queuePrefix(eventsQueue(i)),
      }),
  );
  const writebacks = new Queue(writebackQueue("gl"), {
    connection: redis,
    prefix: new KeySpace(prefix, PARTITIONS).queuePrefix(writebackQueue("gl")),
  });
  try {
    const accepted = stub.deliveries.filter((d) => d.acceptedAt !== undefined);
    const jobOf = async (d: Delivery) => {
      const ref = refOf(d.iid);
      return Job.fromId(events[partitionOf(ticketKey(ref), PARTITIONS)]!, safeJobId(`gitlab-${d.key}`));
    };
    let lost = 0;
    let dead = 0;
    const finished = new Map<string, number>();
    for (const d of accepted) {
      const job = await jobOf(d);
      const state = job ? await job.getState() : "missing";
      if (state === "failed") dead++;
      else if (state !== "completed") lost++;
      if (job?.finishedOn) finished.set(d.key, job.finishedOn);
    }

    let orderInversions = 0;
    for (let iid = 1; iid <= issues; iid++) {
      const mine = accepted.filter((d) => d.iid === iid).sort((a, b) => a.acceptedAt! - b.acceptedAt!);
      for (const [i, a] of mine.entries()) {
        for (const b of mine.slice(i + 1)) {
          if (a.acceptedAt! >= b.sentAt!) continue;
          const fa = finished.get(a.key);
          const fb = finished.get(b.key);
          if (fa !== undefined && fb !== undefined && fa > fb) orderInversions++;
        }
      }
    }

    const offending: ChaosCounts["offending"] = [];
    const blame = (count: string, iid: number) => {
      const issue = stub.issues.get(iid)!;
      offending.push({
        count,
        iid,
        labels: issue.labels,
        writes: stub.bridgeWrites.filter((w) => w.iid === iid),
        deliveries: stub.deliveries.filter((d) => d.iid === iid),
      });
    };
    let repeatedComments = 0;
    let unsettled = 0;
    for (const issue of stub.issues.values()) {
      const bodies = issue.notes
        .filter((n) => n.author.username === users.bot!.username)
        .map((n) => n.body.replace(/\s*<!--[^>]*-->\s*$/, ""));
      const repeated = bodies.length - new Set(bodies).size;
      repeatedComments += repeated;
      if (repeated) blame("repeatedComments", issue.iid);
      if (!unavailable.has(issue.iid) && !settled(issue.labels)) {
        unsettled++;
        blame("unsettled", issue.iid);
      }
    }
    const contradicting = stub.bridgeWrites.filter(
      (w) =>
        w.kind === "edit" &&
        settled(w.before) &&
        JSON.stringify([...w.before].sort()) !== JSON.stringify([...w.after].sort()),
    );
    for (const w of contradicting) blame("contradictingWrites", w.iid);
    const contradictingWrites = contradicting.length;

    let overBudget = 0;
    for (const q of [...events, writebacks]) {
      const counts = await q.getJobCounts("waiting", "active", "delayed", "prioritized");
      overBudget += Object.values(counts).reduce((a, b) => a + b, 0);
      for (const job of await q.getFailed()) {
        dead += q === writebacks ? 1 : 0;
        const since = (job.data as { retry?: RetryState }).retry?.since ?? job.timestamp;
        if ((job.finishedOn ?? Date.now()) - since > retry.maxSeconds * 1000 + 3000) overBudget++;
      }
    }

    const times = stub.writeRequests.map((w) => w.at).sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    return {
      fault,
      issues,
      accepted: accepted.length,
      lost,
      repeatedComments,
      contradictingWrites,
      orderInversions,
      overBudget,
      paceExceeded: Math.max(0, busiest - writesPerSecond),
      unsettled,
      dead,
      bridgeWrites: stub.bridgeWrites.length,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      offending,
    };
  } finally {
    await Promise.all([...events, writebacks].map((q) => q.close()));
  }
}
