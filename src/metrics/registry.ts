import { collectDefaultMetrics, Registry } from "prom-client";

/** One Prometheus registry per process (per app in tests), with Node's default metrics. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "reglament_" });
  return registry;
}
