import type { Ticket } from "../domain/ticket.js";
import type { LogEntry } from "../queue/decision-log.js";

/**
 * What the history keeps, one record per row of its tables. Every record has a key made
 * from what it is about (ticket, delivery, rule…), never from when it was handed off, so
 * a record handed off twice (a retried job, a replayed stream entry) is stored once.
 * Ticket versions hold the fields the rules and clocks read — never the title, the
 * description or comments, where personal data lives.
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
    };

export type HistoryKind = HistoryRecord["kind"];

/** The records one decision-log entry makes: its decisions (and the ticket they saw), or its outcome. */
export function historyRecords(
  instance: string,
  ticketId: string,
  entry: LogEntry,
  ticket?: Ticket,
): HistoryRecord[] {
  const base = { instance, ticket: ticketId, deliveryId: entry.deliveryId, at: entry.at };
  const key = (...parts: (string | number)[]) => [instance, ticketId, ...parts].join("\u001f");
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

/** The ticket as the rules saw it; one version per state (the same state seen twice is one row). */
export function ticketVersion(instance: string, pack: string, ticket: Ticket, at: string): HistoryRecord {
  const fields = {
    status: ticket.status.value,
    priority: ticket.priority?.value ?? null,
    impact: ticket.impact?.value ?? null,
    type: ticket.type?.value ?? null,
    line: ticket.line ?? null,
    labels: [...ticket.labels].sort(),
    assignee: ticket.assignee?.id ?? null,
  };
  return {
    kind: "ticket_version",
    key: [instance, ticket.ref.id, "version", ticket.updatedAt ?? at, JSON.stringify(fields)].join("\u001f"),
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
