import type { ChainableCommander } from "ioredis";
import type { KeySpace } from "../redis/key-space.js";
import { redactPersonalData } from "../text/personal-data.js";
import { type HistoryRecord, redactRecord } from "./records.js";

/**
 * How the hot path hands records to the history: one Redis stream entry per decision-log
 * entry, added in the same MULTI as the pipeline's own writes, so a record exists exactly
 * when the decision does. There is one stream per partition, in the slot of the
 * partition's tickets (a MULTI must stay in one slot of a Cluster); the history writer
 * drains them all into the database.
 */
export interface HistoryHandOff {
  keys: KeySpace;
  /**
   * The most entries the stream keeps while the database is away; past it the oldest are
   * trimmed (and counted by the writer): the bound that keeps Redis from filling up.
   */
  maxBacklog: number;
  /** Removes personal data from the texts a record carries before it leaves; the detectors' redaction unless told otherwise. */
  redact?: (text: string) => string;
}

/** The hand-off stream of the partition of `ticket` (`instance/id`); records of no ticket go to the first. */
export const historyStreamOf = (keys: KeySpace, ticket: string | undefined) =>
  keys.ofPartition(ticket === undefined ? 0 : keys.partitionOf(ticket), "history");

export const historyStreams = (keys: KeySpace) => keys.allPartitions("history");

/** Adds the records to the transaction; `ticket` is the one the transaction writes, whose slot it is in. */
export function handOff(
  tx: ChainableCommander,
  to: HistoryHandOff,
  ticket: string | undefined,
  records: readonly HistoryRecord[],
): void {
  if (!records.length) return;
  const redact = to.redact ?? redactPersonalData;
  const kept = records.map((r) => redactRecord(r, redact));
  const perStream = Math.max(1000, Math.ceil(to.maxBacklog / to.keys.partitions));
  tx.xadd(historyStreamOf(to.keys, ticket), "MAXLEN", "~", String(perStream), "*", "r", JSON.stringify(kept));
}
