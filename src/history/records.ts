import { createHash } from "node:crypto";
import type { Ticket } from "../domain/ticket.js";
import type { LogEntry } from "../queue/decision-log.js";
import type { ClockReport } from "../sla/clocks.js";
import { redactPersonalData } from "../text/personal-data.js";

/**
 * What the history keeps, one record per row of its tables. Every record has a key made
 * from what it is about (ticket, delivery, rule…), never from when it was handed off, so
 * a record handed off twice (a retried job, a replayed stream entry) is stored once.
 * Ticket versions hold the fields the rules and clocks read — never the title, the
 * description or comments, where personal data lives — and what they hold is redacted.
 */
export type HistoryRecord =
  | {
      kind: "ticket_version";
      key: string;
      at: string;
      instance: string;
      project: string | null;
      ticket: string;
      pack: string;
      status: string;
      priority: string | null;
      impact: string | null;
      type: string | null;
      line: number | null;
      labels: string[];
      assignee: string | null;
      reporter: string;
      createdAt: string;
      updatedAt: string | null;
    }
  | {
      kind: "decision";
      key: string;
      at: string;
      instance: string;
      project: string | null;
      ticket: string;
      pack: string;
      mode: string;
      deliveryId: string;
      rule: string;
      outcome: string;
      message: string;
      citation: string;
      actions: unknown[];
      /** `queued`, `dry-run`, `none` or `held`: what became of the event's actions. */
      writeback: string;
      conflict: string | null;
    }
  | {
      kind: "writeback";
      key: string;
      at: string;
      instance: string;
      ticket: string;
      deliveryId: string;
      result: string;
      applied: number | null;
      skipped: number | null;
      error: string | null;
      changed: string[];
      refused: unknown[];
    }
  | {
      kind: "ticket_event";
      key: string;
      at: string;
      instance: string;
      ticket: string;
      deliveryId: string;
      /** `own-change` (the bridge's own edit, not evaluated) or `event-failed` (dead). */
      event: string;
      detail: string;
    }
  | ClockRecord
  | {
      kind: "alert";
      key: string;
      at: string;
      alertId: string;
      type: string;
      instance: string;
      ticket: string;
      pack: string;
      clock: string | null;
      message: string;
    }
  | {
      kind: "alert_delivery";
      key: string;
      at: string;
      alertId: string;
      endpoint: string;
      /** `delivered`, `retrying`, `refused` (a 4xx the endpoint will not take) or `given-up`. */
      outcome: string;
      status: number | null;
      detail: string | null;
    };

/**
 * One observed state of one SLA clock of a ticket: a row each time the clock's state,
 * target or due moment changes (started, paused, resumed, target changed, at risk,
 * breached, met, stopped). Reports take each clock's latest row.
 */
export interface ClockRecord {
  kind: "clock";
  key: string;
  at: string;
  instance: string;
  project: string | null;
  ticket: string;
  url: string | null;
  pack: string;
  clock: string;
  clockKind: string;
  title: string;
  type: string | null;
  priority: string | null;
  line: number | null;
  start: string | null;
  state: string;
  targetMs: number | null;
  elapsedMs: number;
  pausedMs: number;
  due: string | null;
  stoppedAt: string | null;
}

export type HistoryKind = HistoryRecord["kind"];

/** A record's idempotency key: a digest of what it is about (never of when it was handed off). */
export function recordKey(...parts: (string | number)[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 32);
}

/** The records one decision-log entry makes: its decisions (and the ticket they saw), or its outcome. */
export function historyRecords(
  instance: string,
  ticketId: string,
  entry: LogEntry,
  ticket?: Ticket,
): HistoryRecord[] {
  const base = { instance, ticket: ticketId, deliveryId: entry.deliveryId, at: entry.at };
  const key = (...parts: (string | number)[]) => recordKey(instance, ticketId, ...parts);
  switch (entry.type) {
    case "decisions": {
      const project = ticket?.ref.project ?? null;
      const out: HistoryRecord[] = entry.decisions.map((d, i) => ({
        kind: "decision",
        key: key("decision", entry.deliveryId, i, d.rule),
        at: entry.at,
        instance,
        project,
        ticket: ticketId,
        pack: entry.pack,
        mode: entry.mode,
        deliveryId: entry.deliveryId,
        rule: d.rule,
        outcome: d.outcome,
        message: d.message,
        citation: d.citation,
        actions: d.actions,
        writeback: entry.writeback,
        conflict: d.conflict ?? null,
      }));
      if (ticket) out.unshift(ticketVersion(instance, entry.pack, ticket, entry.at));
      return out;
    }
    case "writeback":
      return [
        {
          kind: "writeback",
          ...base,
          key: key("writeback", entry.deliveryId, entry.result, entry.at),
          result: entry.result,
          applied: entry.applied ?? null,
          skipped: entry.skipped ?? null,
          error: entry.error ?? null,
          changed: entry.changed ?? [],
          refused: entry.refused ?? [],
        },
      ];
    case "own-change":
      return [
        {
          kind: "ticket_event",
          ...base,
          key: key("own-change", entry.deliveryId),
          event: entry.type,
          detail: entry.reason,
        },
      ];
    case "event-failed":
      return [
        {
          kind: "ticket_event",
          ...base,
          key: key("event-failed", entry.deliveryId),
          event: entry.type,
          detail: entry.error,
        },
      ];
  }
}

/**
 * The ticket as the rules saw it; one version per state (the same state seen twice is one
 * row). Labels, the status and the type are anyone's text (a label once held a СНИЛС):
 * they are redacted here, before the key is made of them — a digest of a СНИЛС can be
 * reversed by trying them all.
 */
export function ticketVersion(instance: string, pack: string, ticket: Ticket, at: string): HistoryRecord {
  const fields = {
    status: redactPersonalData(ticket.status.value),
    priority: ticket.priority?.value ?? null,
    impact: ticket.impact?.value ?? null,
    type: ticket.type ? redactPersonalData(ticket.type.value) : null,
    line: ticket.line ?? null,
    labels: ticket.labels.map(redactPersonalData).sort(),
    assignee: ticket.assignee?.id ?? null,
  };
  return {
    kind: "ticket_version",
    key: recordKey(instance, ticket.ref.id, "version", ticket.updatedAt ?? at, JSON.stringify(fields)),
    at,
    instance,
    project: ticket.ref.project ?? null,
    ticket: ticket.ref.id,
    pack,
    ...fields,
    reporter: ticket.reporter.id,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt ?? null,
  };
}

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/** The clocks of a ticket as evaluated now, one record per clock that has started or has no target. */
export function clockRecords(
  ticket: Ticket,
  pack: string,
  reports: readonly ClockReport[],
  at: string,
): ClockRecord[] {
  return reports
    .filter((r) => r.state !== "not_started")
    .map((r) => {
      const state = {
        // A clock without a target ("by agreement") is counted from the ticket's creation.
        start: iso(r.start) ?? (r.state === "no_target" ? new Date(ticket.createdAt).toISOString() : null),
        state: r.state,
        targetMs: r.target ?? null,
        due: iso(r.due),
        stoppedAt: iso(r.stoppedAt),
      };
      return {
        kind: "clock" as const,
        // The elapsed time grows on every look: it is not part of what makes a state new.
        key: recordKey(ticket.ref.instance, ticket.ref.id, "clock", r.id, JSON.stringify(state)),
        at,
        instance: ticket.ref.instance,
        project: ticket.ref.project ?? null,
        ticket: ticket.ref.id,
        url: ticket.ref.url ?? null,
        pack,
        clock: r.id,
        clockKind: r.kind,
        title: r.title,
        // Reports built offline from ticket files read these rows without the history's redaction.
        type: ticket.type ? redactPersonalData(ticket.type.value) : null,
        priority: ticket.priority?.value ?? null,
        line: ticket.line ?? null,
        ...state,
        elapsedMs: Math.round(r.elapsed),
        pausedMs: Math.round(r.paused),
      };
    });
}

/**
 * Every text of a record a person wrote or the bridge worded through `redact`: labels,
 * statuses and types (priority and impact are the model's own values), messages, comments
 * and titles in actions, conflicts (they quote the held actions), tracker answers, changed
 * labels, alert texts. Keys, ids, times and URLs are the bridge's own and kept.
 */
export function redactRecord(record: HistoryRecord, redact: (text: string) => string): HistoryRecord {
  const deep = (v: unknown): unknown =>
    typeof v === "string"
      ? redact(v)
      : Array.isArray(v)
        ? v.map(deep)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]))
          : v;
  const maybe = (v: string | null) => (v === null ? null : redact(v));
  switch (record.kind) {
    case "ticket_version":
      return {
        ...record,
        status: redact(record.status),
        type: maybe(record.type),
        labels: record.labels.map(redact),
      };
    case "decision":
      return {
        ...record,
        message: redact(record.message),
        actions: deep(record.actions) as unknown[],
        conflict: maybe(record.conflict),
      };
    case "writeback":
      return {
        ...record,
        error: maybe(record.error),
        changed: record.changed.map(redact),
        refused: deep(record.refused) as unknown[],
      };
    case "ticket_event":
      return { ...record, detail: redact(record.detail) };
    case "clock":
      return { ...record, type: maybe(record.type) };
    case "alert":
      return { ...record, message: redact(record.message) };
    case "alert_delivery":
      return { ...record, detail: maybe(record.detail) };
  }
}
