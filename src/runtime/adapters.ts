import type { Logger } from "pino";
import { gitlabAdapterFactory } from "../../adapters/gitlab/adapter.js";
import { mantisAdapterFactory } from "../../adapters/mantis/adapter.js";
import { yandexAdapterFactory } from "../../adapters/yandex-tracker/adapter.js";
import type { Config } from "../config/schema.js";
import { AdapterRegistry, type TrackerAdapter } from "../domain/adapter.js";
import { Errors } from "../errors/catalogue.js";

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
      registry.get(tracker.kind).create(instance, tracker, { logger: logger.child({ instance }) }),
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
    logger.warn(
      { instance: instances[i], err: (result.reason as Error).message },
      "tracker not reachable at start-up; will retry",
    );
  }
}
