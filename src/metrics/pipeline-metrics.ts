import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The bridge's own metrics, registered on the process's registry. */
export function pipelineMetrics(registry: Registry) {
  return {
    webhooks: new Counter({
      name: "reglament_webhooks_total",
      help: "Webhook deliveries by instance and result (accepted, duplicate, ignored, rejected) and rejection reason",
      labelNames: ["instance", "result", "reason"] as const,
      registers: [registry],
    }),
    historyBacklog: new Gauge({
      name: "reglament_history_backlog",
      help: "History records handed off and waiting in Redis to be stored",
      registers: [registry],
    }),
    decisions: new Counter({
      name: "reglament_decisions_total",
      help: "Decisions by pack, rule and outcome",
      labelNames: ["pack", "rule", "outcome"] as const,
      registers: [registry],
    }),
    writebacks: new Counter({
      name: "reglament_writebacks_total",
      help: "Write-back jobs by instance and result (applied, retried, failed, dry-run)",
      labelNames: ["instance", "result"] as const,
      registers: [registry],
    }),
    alerts: new Counter({
      name: "reglament_alerts_total",
      help: "Alerts raised by type",
      labelNames: ["type"] as const,
      registers: [registry],
    }),
    processing: new Histogram({
      name: "reglament_event_processing_seconds",
      help: "Time from taking an event off the queue to its decision being recorded",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "reglament_queue_jobs",
      help: "Jobs per queue and state",
      labelNames: ["queue", "state"] as const,
      registers: [registry],
    }),
    queueAge: new Gauge({
      name: "reglament_queue_oldest_waiting_seconds",
      help: "Age of the oldest waiting job per queue",
      labelNames: ["queue"] as const,
      registers: [registry],
    }),
  };
}

export type PipelineMetrics = ReturnType<typeof pipelineMetrics>;
