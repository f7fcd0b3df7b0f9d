import type { SqlDatabase } from "./database.js";
import { migrations } from "./migrations.js";
import type { HistoryKind, HistoryRecord } from "./records.js";

type Column = [column: string, sqlType: string, field: string];

/** Each record kind's table and columns (record field → column), in one place. */
const tables: Record<HistoryKind, { table: string; columns: Column[] }> = {
  ticket_version: {
    table: "ticket_versions",
    columns: [
      ["key", "text", "key"],
      ["at", "timestamptz", "at"],
      ["instance", "text", "instance"],
      ["project", "text", "project"],
      ["ticket", "text", "ticket"],
      ["pack", "text", "pack"],
      ["status", "text", "status"],
      ["priority", "text", "priority"],
      ["impact", "text", "impact"],
      ["type", "text", "type"],
      ["line", "smallint", "line"],
      ["labels", "text[]", "labels"],
      ["assignee", "text", "assignee"],
      ["reporter", "text", "reporter"],
      ["created_at", "timestamptz", "createdAt"],
      ["updated_at", "timestamptz", "updatedAt"],
    ],
  },
  decision: {
    table: "decisions",
    columns: [
      ["key", "text", "key"],
      ["at", "timestamptz", "at"],
      ["instance", "text", "instance"],
      ["project", "text", "project"],
      ["ticket", "text", "ticket"],
      ["pack", "text", "pack"],
      ["mode", "text", "mode"],
      ["delivery_id", "text", "deliveryId"],
      ["rule", "text", "rule"],
      ["outcome", "text", "outcome"],
      ["message", "text", "message"],
      ["citation", "text", "citation"],
      ["actions", "jsonb", "actions"],
      ["writeback", "text", "writeback"],
      ["conflict", "text", "conflict"],
    ],
  },
  writeback: {
    table: "writebacks",
    columns: [
      ["key", "text", "key"],
      ["at", "timestamptz", "at"],
      ["instance", "text", "instance"],
      ["ticket", "text", "ticket"],
      ["delivery_id", "text", "deliveryId"],
      ["result", "text", "result"],
      ["applied", "integer", "applied"],
      ["skipped", "integer", "skipped"],
      ["error", "text", "error"],
      ["changed", "text[]", "changed"],
      ["refused", "jsonb", "refused"],
    ],
  },
  ticket_event: {
    table: "ticket_events",
    columns: [
      ["key", "text", "key"],
      ["at", "timestamptz", "at"],
      ["instance", "text", "instance"],
      ["ticket", "text", "ticket"],
      ["delivery_id", "text", "deliveryId"],
      ["event", "text", "event"],
      ["detail", "text", "detail"],
    ],
  },
  clock: {
    table: "clock_states",
    columns: [
      ["key", "text", "key"],
      ["at", "timestamptz", "at"],
      ["instance", "text", "instance"],
      ["project", "text", "project"],
      ["ticket", "text", "ticket"],
      ["url", "text", "url"],
      ["pack", "text", "pack"],
      ["clock", "text", "clock"],
      ["clock_kind", "text", "clockKind"],
      ["title", "text", "title"],
      ["type", "text", "type"],
      ["priority", "text", "priority"],
      ["line", "smallint", "line"],
      ["start", "timestamptz", "start"],
      ["state", "text", "state"],
      ["target_ms", "bigint", "targetMs"],
      ["elapsed_ms", "bigint", "elapsedMs"],
      ["paused_ms", "bigint", "pausedMs"],
      ["due", "timestamptz", "due"],
      ["stopped_at", "timestamptz", "stoppedAt"],
    ],
  },
  alert: {
    table: "alerts",
    columns: [
      ["key", "text", "key"],
      ["at", "timestamptz", "at"],
      ["alert_id", "text", "alertId"],
      ["type", "text", "type"],
      ["instance", "text", "instance"],
      ["ticket", "text", "ticket"],
      ["pack", "text", "pack"],
      ["clock", "text", "clock"],
      ["message", "text", "message"],
    ],
  },
  alert_delivery: {
    table: "alert_deliveries",
    columns: [
      ["key", "text", "key"],
      ["at", "timestamptz", "at"],
      ["alert_id", "text", "alertId"],
      ["endpoint", "text", "endpoint"],
      ["outcome", "text", "outcome"],
      ["status", "integer", "status"],
      ["detail", "text", "detail"],
    ],
  },
};

/** The tables an export can read, by name. */
export const historyTableNames: readonly string[] = Object.values(tables).map((t) => t.table);

/** One batch insert per kind; a key already stored is skipped, so a replay stores nothing twice. */
const inserts = Object.fromEntries(
  Object.entries(tables).map(([kind, { table, columns }]) => {
    const names = columns.map(([c]) => c).join(", ");
    const typed = columns.map(([, type], i) => `c${i} ${type}`).join(", ");
    const picked = columns.map((_, i) => `c${i}`).join(", ");
    return [
      kind,
      `INSERT INTO ${table} (${names}) SELECT ${picked} FROM jsonb_to_recordset($1::jsonb) AS x(${typed}) ON CONFLICT (key) DO NOTHING`,
    ];
  }),
) as Record<HistoryKind, string>;

/** Each clock's latest state: a newer state replaces an older one, never the other way round. */
const latestClockUpsert = (() => {
  const { columns } = tables.clock;
  const c = (name: string) => `c${columns.findIndex(([column]) => column === name)}`;
  const typed = columns.map(([, type], i) => `c${i} ${type}`).join(", ");
  // clock_latest has the columns of clock_states, keyed by the clock instead of the state.
  const id = ["instance", "ticket", "clock", "start"];
  const names = [...id, ...columns.map(([column]) => column).filter((n) => !id.includes(n))];
  const updated = names
    .slice(id.length)
    .map((n) => `${n} = excluded.${n}`)
    .join(", ");
  const keyColumns = id.map(c).join(", ");
  return `INSERT INTO clock_latest (${names.join(", ")})
    SELECT DISTINCT ON (${keyColumns}) ${names.map(c).join(", ")}
      FROM jsonb_to_recordset($1::jsonb) AS x(${typed})
     WHERE ${c("start")} IS NOT NULL
     ORDER BY ${keyColumns}, ${c("at")} DESC, ${c("key")} DESC
    ON CONFLICT (instance, ticket, clock, start) DO UPDATE SET ${updated}
     WHERE (excluded.at, excluded.key) > (clock_latest.at, clock_latest.key)`;
})();

export interface DecisionFilter {
  instance?: string;
  ticket?: string;
  rule?: string;
  outcome?: string;
  pack?: string;
  /** ISO 8601; decisions at or after. */
  since?: string;
  /** ISO 8601; decisions before. */
  until?: string;
  /** Paging: only decisions older than this cursor (the `next` of the previous page). */
  before?: string;
  limit?: number;
}

export interface StoredDecision {
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
  writeback: string;
  conflict: string | null;
}

export interface DecisionPage {
  decisions: StoredDecision[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  next?: string;
}

export interface StoredAlert {
  at: string;
  alertId: string;
  type: string;
  clock: string | null;
  message: string;
  deliveries: {
    at: string;
    endpoint: string;
    outcome: string;
    status: number | null;
    detail: string | null;
  }[];
}

/**
 * The append-only history in PostgreSQL or the embedded PGlite: versioned migrations,
 * idempotent batch writes, and the queries reports and the console read.
 */
export class HistoryStore {
  constructor(readonly db: SqlDatabase) {}

  get where(): string {
    return this.db.where;
  }

  /** Applies the migrations this version has and the database lacks; safe for several processes at once. */
  async migrate(): Promise<number[]> {
    await this.db.query(
      "CREATE TABLE IF NOT EXISTS history_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if ((await this.appliedVersions()).includes(m.version)) continue;
      try {
        // The insert goes first: a second process migrating at the same time fails on its key
        // and finds the migration applied, instead of creating the tables twice.
        await this.db.script(
          `INSERT INTO history_migrations (version, name) VALUES (${m.version}, '${m.name.replaceAll("'", "''")}');\n${m.sql}`,
        );
        applied.push(m.version);
      } catch (err) {
        if (!(await this.appliedVersions()).includes(m.version)) throw err;
      }
    }
    return applied;
  }

  async appliedVersions(): Promise<number[]> {
    const rows = await this.db.query<{ version: number }>(
      "SELECT version FROM history_migrations ORDER BY version",
    );
    return rows.map((r) => Number(r.version));
  }

  /** Stores a batch; records already stored (by key) are left as they are. */
  async write(records: readonly HistoryRecord[]): Promise<void> {
    const byKind = new Map<HistoryKind, HistoryRecord[]>();
    for (const r of records) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
    for (const [kind, list] of byKind) {
      const { columns } = tables[kind];
      const rows = list.map((r) =>
        Object.fromEntries(
          columns.map(([, , field], i) => [`c${i}`, (r as Record<string, unknown>)[field] ?? null]),
        ),
      );
      const json = JSON.stringify(rows);
      await this.db.query(inserts[kind], [json]);
      if (kind === "clock") await this.db.query(latestClockUpsert, [json]);
    }
  }

  /** Decisions across tickets, newest first, a page at a time. */
  async decisions(filter: DecisionFilter = {}): Promise<DecisionPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace("?", `$${params.length}`));
    };
    if (filter.instance) add("instance = ?", filter.instance);
    if (filter.ticket) add("ticket = ?", filter.ticket);
    if (filter.rule) add("rule = ?", filter.rule);
    if (filter.outcome) add("outcome = ?", filter.outcome);
    if (filter.pack) add("pack = ?", filter.pack);
    if (filter.since) add("at >= ?::timestamptz", filter.since);
    if (filter.until) add("at < ?::timestamptz", filter.until);
    if (filter.before) add("seq < ?::bigint", filter.before);
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 1000);
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT seq::text AS seq, at, instance, project, ticket, pack, mode, delivery_id, rule, outcome, message, citation, actions, writeback, conflict
         FROM decisions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY seq DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      decisions: page.map((r) => ({
        at: new Date(r.at as string).toISOString(),
        instance: r.instance as string,
        project: (r.project as string | null) ?? null,
        ticket: r.ticket as string,
        pack: r.pack as string,
        mode: r.mode as string,
        deliveryId: r.delivery_id as string,
        rule: r.rule as string,
        outcome: r.outcome as string,
        message: r.message as string,
        citation: r.citation as string,
        actions: r.actions as unknown[],
        writeback: r.writeback as string,
        conflict: (r.conflict as string | null) ?? null,
      })),
      ...(rows.length > limit ? { next: page.at(-1)!.seq as string } : {}),
    };
  }

  /** The alerts raised about a ticket, newest first, each with its deliveries to the endpoints. */
  async alertsOf(instance: string, ticket: string, limit = 100): Promise<StoredAlert[]> {
    const alerts = await this.db.query<Record<string, unknown>>(
      `SELECT at, alert_id, type, clock, message FROM alerts
        WHERE instance = $1 AND ticket = $2 ORDER BY at DESC LIMIT ${Math.min(Math.max(limit, 1), 1000)}`,
      [instance, ticket],
    );
    if (!alerts.length) return [];
    const deliveries = await this.db.query<Record<string, unknown>>(
      `SELECT at, alert_id, endpoint, outcome, status, detail FROM alert_deliveries
        WHERE alert_id = ANY($1::text[]) ORDER BY at`,
      [alerts.map((a) => a.alert_id as string)],
    );
    return alerts.map((a) => ({
      at: new Date(a.at as string).toISOString(),
      alertId: a.alert_id as string,
      type: a.type as string,
      clock: (a.clock as string | null) ?? null,
      message: a.message as string,
      deliveries: deliveries
        .filter((d) => d.alert_id === a.alert_id)
        .map((d) => ({
          at: new Date(d.at as string).toISOString(),
          endpoint: d.endpoint as string,
          outcome: d.outcome as string,
          status: (d.status as number | null) ?? null,
          detail: (d.detail as string | null) ?? null,
        })),
    }));
  }

  /** A table's rows with `at` in [since, until), oldest first, a page at a time (for exports of any size). */
  async *exportRows(
    table: string,
    since: string,
    until?: string,
    pageSize = 5000,
  ): AsyncGenerator<Record<string, unknown>[]> {
    if (!historyTableNames.includes(table)) throw new Error(`unknown history table "${table}"`);
    let after: { at: string; key: string } | undefined;
    for (;;) {
      const params: unknown[] = [since];
      const conditions = ["at >= $1::timestamptz"];
      if (until) conditions.push(`at < $${params.push(until)}::timestamptz`);
      if (after)
        conditions.push(`(at, key) > ($${params.push(after.at)}::timestamptz, $${params.push(after.key)})`);
      const rows = await this.db.query<Record<string, unknown>>(
        `SELECT * FROM ${table} WHERE ${conditions.join(" AND ")} ORDER BY at, key LIMIT ${pageSize}`,
        params,
      );
      if (!rows.length) return;
      yield rows;
      const lastRow = rows.at(-1)!;
      after = { at: new Date(lastRow.at as string).toISOString(), key: lastRow.key as string };
      if (rows.length < pageSize) return;
    }
  }

  /** Deletes what is older than the retention; returns how many rows went. */
  async prune(olderThan: string): Promise<number> {
    let removed = 0;
    for (const table of [...historyTableNames, "clock_latest"]) {
      const rows = await this.db.query<{ n: string | number }>(
        `WITH gone AS (DELETE FROM ${table} WHERE at < $1::timestamptz RETURNING 1) SELECT count(*) AS n FROM gone`,
        [olderThan],
      );
      removed += Number(rows[0]?.n ?? 0);
    }
    return removed;
  }

  /** Rows of a kind's table, for tests and exports. */
  async count(kind: HistoryKind): Promise<number> {
    const [row] = await this.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM ${tables[kind].table}`,
    );
    return Number(row?.n ?? 0);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
