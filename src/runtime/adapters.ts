import type { Logger } from "pino";
import { gitlabAdapterFactory } from "../../adapters/gitlab/adapter.js";
import { mantisAdapterFactory } from "../../adapters/mantis/adapter.js";
import { yandexAdapterFactory } from "../../adapters/yandex-tracker/adapter.js";
import type { Config } from "../config/schema.js";
import { AdapterRegistry, type RecordedRequest, type TrackerAdapter } from "../domain/adapter.js";
import { own } from "../domain/own.js";
import type { CapabilityProblem, PackNeed, TrackerFacts } from "../domain/tracker-needs.js";
import { packNeeds } from "../engine/pack-needs.js";
import { Errors } from "../errors/catalogue.js";
import type { DeploymentPack } from "./deployment-packs.js";
import { trackerUnreachable } from "./tracker-health.js";

/** The adapters this version of the bridge ships. */
export function defaultAdapterRegistry(): AdapterRegistry {
  return new AdapterRegistry([gitlabAdapterFactory, mantisAdapterFactory, yandexAdapterFactory]);
}

/**
 * One adapter per configured tracker instance whose kind the registry knows. An instance
 * of a kind without an adapter is reported and left out: its webhooks get 503 until an
 * adapter for it exists, and everything else keeps working.
 */
export function createAdapters(
  config: Config,
  registry: AdapterRegistry,
  logger: Logger,
  dryRun?: (request: RecordedRequest) => void,
): Map<string, TrackerAdapter> {
  const adapters = new Map<string, TrackerAdapter>();
  for (const [instance, tracker] of Object.entries(config.trackers)) {
    if (!registry.kinds().includes(tracker.kind)) {
      logger.warn(
        { instance, kind: tracker.kind, available: registry.kinds() },
        "no adapter for this tracker kind yet; instance not served",
      );
      continue;
    }
    adapters.set(
      instance,
      registry
        .get(tracker.kind)
        .create(instance, tracker, { logger: logger.child({ instance }), ...(dryRun ? { dryRun } : {}) }),
    );
  }
  return adapters;
}

/**
 * Start-up check of every adapter's access: a token or project the tracker refuses stops
 * the start with the tracker's own words; a tracker that does not answer is only logged,
 * since polling and write-backs retry once it is back.
 */
export async function verifyTrackerAccess(
  adapters: ReadonlyMap<string, TrackerAdapter>,
  logger: Logger,
  examples: ReadonlySet<string> = new Set(),
): Promise<void> {
  for (const instance of examples) {
    logger.info(
      { instance },
      `tracker ${instance} is an example (trackers.${instance}.example: true): it takes webhooks, but is not checked at start-up nor polled; point its baseUrl at your tracker and remove "example" to use it`,
    );
  }
  const checked = [...adapters].filter(([instance]) => !examples.has(instance));
  // All trackers at once: one that does not answer costs its timeout once, not once per tracker.
  const results = await Promise.allSettled(checked.map(([, a]) => a.verifyAccess()));
  const instances = checked.map(([instance]) => instance);
  for (const [i, result] of results.entries()) {
    if (result.status === "fulfilled") continue;
    if (Errors.TRACKER_ACCESS_DENIED.is(result.reason)) throw result.reason;
    // A tracker that does not answer is told by its health (see tracker-health.ts), once.
    logger[trackerUnreachable(result.reason) ? "debug" : "warn"](
      { instance: instances[i], err: (result.reason as Error).message },
      "tracker not reachable at start-up; will retry",
    );
  }
}

/** What the start-up capability check found on one tracker instance. */
export interface CapabilityFinding extends CapabilityProblem {
  instance: string;
}

/** The check's findings, and the instances it could check (an unchecked one has no facts). */
export interface CapabilityReport {
  findings: CapabilityFinding[];
  checked: ReadonlySet<string>;
}

/** What the report says of one project: the reporter may close unless a finding says otherwise. */
export function trackerFactsOf(
  report: CapabilityReport,
  instance: string,
  project: string | undefined,
): TrackerFacts | undefined {
  if (!report.checked.has(instance) || project === undefined) return undefined;
  const found = report.findings.filter((f) => f.instance === instance && f.project === project);
  return { reporterCloses: !found.some((f) => f.need?.kind === "reporterClosesResolved") };
}

/**
 * Start-up check of what each tracker's permissions and settings will refuse the packs
 * bound to its projects, one log line per problem naming the setting to change. A write
 * an enforcing pack makes and the tracker refuses stops the start (REG_TRACKER_PERMISSIONS_MISSING);
 * in dry-run, and for settings that only work against the regulation, it is a warning.
 */
export async function checkTrackerCapabilities(
  config: Config,
  adapters: ReadonlyMap<string, TrackerAdapter>,
  packs: ReadonlyMap<string, DeploymentPack>,
  logger: Logger,
  examples: ReadonlySet<string> = new Set(),
): Promise<CapabilityReport> {
  const checks = [...adapters].flatMap(([instance, adapter]) => {
    const tracker = own(config.trackers, instance);
    if (examples.has(instance) || !tracker || !adapter.checkCapabilities) return [];
    const needs = new Map<string, PackNeed[]>();
    for (const [project, binding] of Object.entries(tracker.projects)) {
      const deployment = packs.get(binding.pack);
      if (deployment) needs.set(project, packNeeds(deployment.pack, deployment.time.sla));
    }
    return [{ instance, run: adapter.checkCapabilities(needs) }];
  });
  const results = await Promise.allSettled(checks.map((c) => c.run));
  const findings: CapabilityFinding[] = [];
  const checked = new Set<string>();
  const fatal: string[] = [];
  for (const [i, result] of results.entries()) {
    const instance = checks[i]!.instance;
    if (result.status === "rejected") {
      logger.warn(
        { instance, err: (result.reason as Error).message },
        "could not check what the tracker's permissions allow; the bridge starts, and refused writes will be reported as they happen",
      );
      continue;
    }
    checked.add(instance);
    for (const problem of result.value) {
      const finding = { instance, ...problem };
      findings.push(finding);
      const by = problem.need?.by;
      const mode = by ? packs.get(by.pack)?.pack.mode : undefined;
      const accepted = config.trackers[instance]?.acceptRefusals.includes(problem.setting) ?? false;
      const stops = problem.severity === "blocks" && mode === "enforce" && !accepted;
      const line = `tracker ${instance}, project ${problem.project}: ${problem.message}${by ? ` (pack ${by.pack}, rule ${by.rule}, section ${by.section})` : ""}`;
      if (stops)
        fatal.push(`${line}; or accept it: trackers.${instance}.acceptRefusals: [${problem.setting}]`);
      logger.warn(
        {
          instance,
          project: problem.project,
          ...(by ? { pack: by.pack, rule: by.rule, section: by.section } : {}),
          setting: problem.setting,
          severity: problem.severity,
          mode,
          ...(accepted ? { accepted: true } : {}),
        },
        stops || !accepted ? line : `${line} — accepted (trackers.${instance}.acceptRefusals)`,
      );
    }
    if (result.value.length === 0) {
      logger.info({ instance }, "the tracker account may do everything its packs need");
    }
  }
  if (fatal.length) throw Errors.TRACKER_PERMISSIONS_MISSING.withDetails(fatal, fatal.length);
  return { findings, checked };
}
