/**
 * The history store's schema, as numbered migrations applied in order and recorded in
 * `history_migrations`; the same SQL runs on PostgreSQL and on the embedded PGlite. A
 * migration is never edited once released: a change is a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "ticket versions, decisions, write-backs, ticket events",
    sql: `
CREATE TABLE ticket_versions (
  key         text PRIMARY KEY,
  at          timestamptz NOT NULL,
  instance    text NOT NULL,
  project     text,
  ticket      text NOT NULL,
  pack        text NOT NULL,
  status      text NOT NULL,
  priority    text,
  impact      text,
  type        text,
  line        smallint,
  labels      text[] NOT NULL DEFAULT '{}',
  assignee    text,
  reporter    text NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz
);
CREATE INDEX ticket_versions_ticket ON ticket_versions (instance, ticket, at);

CREATE TABLE decisions (
  key          text PRIMARY KEY,
  seq          bigserial UNIQUE,
  at           timestamptz NOT NULL,
  instance     text NOT NULL,
  project      text,
  ticket       text NOT NULL,
  pack         text NOT NULL,
  mode         text NOT NULL,
  delivery_id  text NOT NULL,
  rule         text NOT NULL,
  outcome      text NOT NULL,
  message      text NOT NULL,
  citation     text NOT NULL,
  actions      jsonb NOT NULL DEFAULT '[]',
  writeback    text NOT NULL,
  conflict     text
);
CREATE INDEX decisions_at ON decisions (at);
CREATE INDEX decisions_ticket ON decisions (instance, ticket, at);
CREATE INDEX decisions_rule ON decisions (rule, at);

CREATE TABLE writebacks (
  key          text PRIMARY KEY,
  at           timestamptz NOT NULL,
  instance     text NOT NULL,
  ticket       text NOT NULL,
  delivery_id  text NOT NULL,
  result       text NOT NULL,
  applied      integer,
  skipped      integer,
  error        text,
  changed      text[] NOT NULL DEFAULT '{}',
  refused      jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX writebacks_ticket ON writebacks (instance, ticket, at);

CREATE TABLE ticket_events (
  key          text PRIMARY KEY,
  at           timestamptz NOT NULL,
  instance     text NOT NULL,
  ticket       text NOT NULL,
  delivery_id  text NOT NULL,
  event        text NOT NULL,
  detail       text NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (instance, ticket, at);
`,
  },
  {
    version: 2,
    name: "SLA clock states, alerts and their deliveries",
    sql: `
CREATE TABLE clock_states (
  key          text PRIMARY KEY,
  at           timestamptz NOT NULL,
  instance     text NOT NULL,
  project      text,
  ticket       text NOT NULL,
  url          text,
  pack         text NOT NULL,
  clock        text NOT NULL,
  clock_kind   text NOT NULL,
  title        text NOT NULL,
  type         text,
  priority     text,
  line         smallint,
  start        timestamptz,
  state        text NOT NULL,
  target_ms    bigint,
  elapsed_ms   bigint NOT NULL,
  paused_ms    bigint NOT NULL,
  due          timestamptz,
  stopped_at   timestamptz
);
CREATE INDEX clock_states_ticket ON clock_states (instance, ticket, at);

-- Each clock's latest state (one clock: a ticket's clock from one start), kept by the
-- writer beside the append-only states: what reports and the console read.
CREATE TABLE clock_latest (
  instance     text NOT NULL,
  ticket       text NOT NULL,
  clock        text NOT NULL,
  start        timestamptz NOT NULL,
  key          text NOT NULL,
  at           timestamptz NOT NULL,
  project      text,
  url          text,
  pack         text NOT NULL,
  clock_kind   text NOT NULL,
  title        text NOT NULL,
  type         text,
  priority     text,
  line         smallint,
  state        text NOT NULL,
  target_ms    bigint,
  elapsed_ms   bigint NOT NULL,
  paused_ms    bigint NOT NULL,
  due          timestamptz,
  stopped_at   timestamptz,
  PRIMARY KEY (instance, ticket, clock, start)
);
CREATE INDEX clock_latest_start ON clock_latest (pack, start);
CREATE INDEX clock_latest_due ON clock_latest (pack, due) WHERE stopped_at IS NULL;

CREATE TABLE alerts (
  key          text PRIMARY KEY,
  at           timestamptz NOT NULL,
  alert_id     text NOT NULL,
  type         text NOT NULL,
  instance     text NOT NULL,
  ticket       text NOT NULL,
  pack         text NOT NULL,
  clock        text,
  message      text NOT NULL
);
CREATE INDEX alerts_ticket ON alerts (instance, ticket, at);

CREATE TABLE alert_deliveries (
  key          text PRIMARY KEY,
  at           timestamptz NOT NULL,
  alert_id     text NOT NULL,
  endpoint     text NOT NULL,
  outcome      text NOT NULL,
  status       integer,
  detail       text
);
CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id, at);
`,
  },
];
