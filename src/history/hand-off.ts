import type { ChainableCommander } from "ioredis";
import { type HistoryRecord, redactRecord } from "./records.js";

/**
 * How the hot path hands records to the history: one Redis stream entry per decision-log
 * entry, added in the same MULTI as the pipeline's own writes, so a record exists exactly
 * when the decision does. The history writer drains the stream into the database.
 */
export interface HistoryHandOff {
  /** The stream's key. */
  key: string;
  /**
   * The most entries the stream keeps while the database is away; past it the oldest are
   * trimmed (and counted by the writer): the bound that keeps Redis from filling up.
   */
  maxBacklog: number;
  /** Removes personal data from the texts a record carries (messages, notes, answers) before it leaves. */
  redact?: (text: string) => string;
}

export const historyStreamKey = (prefix: string) => `${prefix}:history`;

export function handOff(tx: ChainableCommander, to: HistoryHandOff, records: readonly HistoryRecord[]): void {
  if (!records.length) return;
  const kept = to.redact ? records.map((r) => redactRecord(r, to.redact!)) : records;
  tx.xadd(to.key, "MAXLEN", "~", String(to.maxBacklog), "*", "r", JSON.stringify(kept));
}
