import type { Config } from "../config/schema.js";
import type { Action } from "../domain/action.js";
import type { TrackerAdapter, UpdatedTicket } from "../domain/adapter.js";
import type { Decision } from "../domain/decision.js";
import type { Ticket, TicketRef } from "../domain/ticket.js";
import type { LoadedPack } from "../engine/pack-loader.js";
import { TrackerRequestError } from "../errors/tracker-error.js";
import { type ClockRecord, clockRecords } from "../history/records.js";
import type { DeploymentPack } from "../runtime/deployment-packs.js";
import { evaluateClocks } from "../sla/clocks.js";
import { calendarFor } from "../sla/pack-sla.js";
import { verdictOf } from "./verdict.js";

export interface Finding {
  ticket: string;
  url: string | null;
  project: string | null;
  rule: string;
  outcome: string;
  message: string;
  actions: Action[];
}

/** A ticket's decisions as the audit reports them. */
export function findingsOf(ticket: Ticket, decisions: readonly Decision[]): Finding[] {
  return decisions.map((d) => ({
    ticket: ticket.ref.id,
    url: ticket.ref.url ?? null,
    project: ticket.ref.project ?? null,
    rule: d.rule,
    outcome: d.outcome,
    message: d.message,
    actions: d.actions,
  }));
}

export interface AuditError {
  ticket: string;
  url: string | null;
  reason: string;
}

export interface AuditProgress {
  listed: number;
  read: number;
  failed: number;
  /** Reads per second so far. */
  rate: number;
  /** Listing finished: the remaining count is known. */
  listingDone: boolean;
}

export interface AuditResult {
  instance: string;
  packs: string[];
  since: string;
  until: string;
  /** Tickets read (and judged). */
  tickets: number;
  findings: Finding[];
  /** Each ticket's clocks as evaluated at the audit's moment (no text: small). */
  clocks: ClockRecord[];
  errors: AuditError[];
  /** True when the audit was stopped before the end (Ctrl-C): the report covers what was read. */
  interrupted: boolean;
}

export interface AuditOptions {
  adapter: TrackerAdapter;
  config: Config;
  instance: string;
  /** The deployment pack of each project (a project no pack governs is skipped). */
  packFor: (ref: TicketRef) => DeploymentPack | undefined;
  /** A pack to judge with instead of the deployed one (`--pack`, `--compare-with`). */
  override?: LoadedPack;
  since: string;
  until: string;
  projects?: readonly string[];
  /** Reads per second at most (the instance's configured rate). */
  readsPerSecond: number;
  now: number;
  signal?: AbortSignal;
  onProgress?: (p: AuditProgress) => void;
  /** Each ticket's verdict, for a second pack to judge the same ticket (`--compare-with`). */
  onTicket?: (ticket: Ticket) => void;
  /** Tries of one read that the tracker answers 429/5xx before it is listed as an error. */
  tries?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * A read-only pass over a tracker's recent tickets: lists those updated in the window
 * through the adapter, reads each whole at the instance's rate (waiting out a 429's
 * Retry-After), judges it as if its latest change had just happened, and computes its
 * clocks. Nothing is written to the tracker nor to the bridge's queues; tickets are
 * streamed, one in hand at a time.
 */
export async function auditInstance(o: AuditOptions): Promise<AuditResult> {
  const result: AuditResult = {
    instance: o.instance,
    packs: [],
    since: o.since,
    until: o.until,
    tickets: 0,
    findings: [],
    clocks: [],
    errors: [],
    interrupted: false,
  };
  const packs = new Set<string>();
  const started = Date.now();
  const gap = 1000 / Math.max(0.1, o.readsPerSecond);
  let nextRead = 0;
  let listed = 0;
  let listingDone = false;
  const progress = () =>
    o.onProgress?.({
      listed,
      read: result.tickets,
      failed: result.errors.length,
      rate: result.tickets / Math.max(0.001, (Date.now() - started) / 1000),
      listingDone,
    });
  const at = new Date(o.now).toISOString();

  const read = async (item: UpdatedTicket) => {
    const deployment = o.packFor(item.ref);
    if (!deployment) return;
    const pack = o.override ?? deployment.pack;
    for (let attempt = 1; ; attempt++) {
      const wait = nextRead - Date.now();
      if (wait > 0) await sleep(wait, o.signal);
      if (o.signal?.aborted) return;
      nextRead = Math.max(Date.now(), nextRead) + gap;
      try {
        const ticket = await o.adapter.fetchTicket(item.ref);
        o.onTicket?.(ticket);
        const verdict = verdictOf(ticket, {
          adapter: o.adapter,
          config: o.config,
          instance: o.instance,
          pack,
          now: at,
        });
        result.tickets++;
        packs.add(pack.id);
        result.findings.push(...findingsOf(ticket, verdict.decisions));
        if (deployment.time.sla) {
          const reports = evaluateClocks(verdict.ticket, {
            calendar: calendarFor(deployment.time, verdict.ticket),
            spec: deployment.time.sla,
            statuses: pack.statuses,
            now: o.now,
          });
          result.clocks.push(...clockRecords(verdict.ticket, pack.id, reports, at));
        }
        return;
      } catch (err) {
        const retry = err instanceof TrackerRequestError && err.retryable && attempt < (o.tries ?? 5);
        if (retry) {
          // The tracker asked to slow down (or failed for now): wait as long as it says, then go on.
          const ms = err.retryAfterMs ?? Math.min(30_000, 1000 * 2 ** (attempt - 1));
          nextRead = Date.now() + ms;
          continue;
        }
        result.errors.push({
          ticket: item.ref.id,
          url: item.ref.url ?? null,
          reason: (err as Error).message,
        });
        return;
      } finally {
        progress();
      }
    }
  };

  try {
    for await (const page of o.adapter.listUpdated({
      since: o.since,
      until: o.until,
      ...(o.projects ? { projects: o.projects } : {}),
    })) {
      listed += page.length;
      progress();
      for (const item of page) {
        if (o.signal?.aborted) break;
        await read(item);
      }
      if (o.signal?.aborted) break;
    }
    listingDone = true;
  } catch (err) {
    if (!o.signal?.aborted) throw err;
  }
  result.interrupted = Boolean(o.signal?.aborted);
  result.packs = [...packs].sort();
  progress();
  return result;
}
