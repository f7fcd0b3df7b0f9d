/**
 * What a `serve` process does. Many processes may share one Redis in any mix of roles:
 * `ingest` answers webhooks, the API and the console; `worker` runs the queues' workers,
 * the inbox feeders, the SLA clocks, alert deliveries and the history writer; `all` both.
 */
export const bridgeRoles = ["all", "ingest", "worker"] as const;
export type BridgeRole = (typeof bridgeRoles)[number];
