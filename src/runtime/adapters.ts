import type { Logger } from "pino";
import { gitlabAdapterFactory } from "../../adapters/gitlab/adapter.js";
import { mantisAdapterFactory } from "../../adapters/mantis/adapter.js";
import type { Config } from "../config/schema.js";
import { AdapterRegistry, type TrackerAdapter } from "../domain/adapter.js";

/** The adapters this version of the bridge ships. */
export function defaultAdapterRegistry(): AdapterRegistry {
  return new AdapterRegistry([gitlabAdapterFactory, mantisAdapterFactory]);
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
