import { createHash } from "node:crypto";
import type { TicketRef } from "../domain/ticket.js";

/**
 * Queue names and keys. Events are spread over `partitions` queues by ticket; each queue
 * has a global concurrency of 1, so the events of one ticket run one at a time and in the
 * order they arrived, while different tickets run in parallel across partitions.
 */
export const eventsQueue = (partition: number) => `events-${partition}`;
export const writebackQueue = (instance: string) => `writeback-${instance}`;
export const reconcileQueue = "reconcile";

export function ticketKey(ref: Pick<TicketRef, "instance" | "id">): string {
  return `${ref.instance}/${ref.id}`;
}

export { partitionOf } from "../redis/key-space.js";

/** BullMQ job ids may not contain ":"; a delivery id from a tracker may. */
export function safeJobId(id: string): string {
  return /^[\w.-]{1,200}$/.test(id) ? id : `h${createHash("sha256").update(id).digest("hex").slice(0, 40)}`;
}
