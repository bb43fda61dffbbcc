/**
 * Ordered, versioned schema migrations shared by PGlite and PostgreSQL. Each migration runs once,
 * in its own transaction, and is recorded in `schema_migrations`. Never edit a migration that has
 * shipped: add a new one with the next version.
 *
 * Times are `bigint` epoch milliseconds, not timestamptz: the hub's protocol is epoch ms
 * (shared/schemas/common.ts), so values round-trip exactly with no Date parsing or time-zone
 * handling in either driver, and statistics bucket with integer arithmetic (`at / 3600000`).
 * In psql, `to_timestamp(at / 1000.0)` shows them readably.
 */
import type { SqlClient, SqlQueryable } from './sqlClient';
import { integerColumn } from './sqlValues';

export interface Migration {
  version: number;
  name: string;
  /** one statement per entry: PGlite's parameterised query() accepts a single statement */
  statements: readonly string[];
}

/** ms since the epoch of the current transaction, as the schema stores every time */
export const NOW_MS = `(floor(extract(epoch from now()) * 1000))::bigint`;

/**
 * Several hub nodes may start at once against one PostgreSQL: a transaction-scoped advisory lock,
 * keyed by the schema so isolated test schemas do not wait for each other, makes them take turns.
 */
export const lockFor = (purpose: string) =>
  `SELECT pg_advisory_xact_lock(hashtext('hub:${purpose}'), hashtext(current_schema()))`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event log, current state, idempotency keys, tracks, meta',
    statements: [
      `CREATE TABLE events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('incident', 'camera', 'patrol')),
        aggregate_id text NOT NULL,
        type text NOT NULL,
        at bigint NOT NULL,
        recorded_at bigint NOT NULL DEFAULT ${NOW_MS},
        actor jsonb NOT NULL,
        payload jsonb NOT NULL
      )`,
      `CREATE INDEX events_aggregate_seq ON events (aggregate_id, seq)`,
      `CREATE INDEX events_at ON events (at)`,
      `CREATE INDEX events_kind_seq ON events (kind, seq)`,
      // The log is the truth statistics are recomputed from: make "append-only" a database fact.
      `CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'events is append-only: % refused', TG_OP; END $$`,
      `CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION events_refuse_change()`,
      `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()`,

      `CREATE TABLE incidents (
        id text PRIMARY KEY,
        stage text NOT NULL,
        grid_code text NOT NULL,
        region_path text[] NOT NULL,
        reported_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        open boolean GENERATED ALWAYS AS (stage NOT IN ('closed', 'rejected')) STORED,
        doc jsonb NOT NULL
      )`,
      // loadIncidents = open ∪ (closed AND updated_at >= x): one partial index per branch.
      `CREATE INDEX incidents_open ON incidents (reported_at) WHERE open`,
      `CREATE INDEX incidents_closed_updated ON incidents (updated_at) WHERE NOT open`,
      `CREATE INDEX incidents_region_path ON incidents USING gin (region_path)`,

      `CREATE TABLE cameras (
        id text PRIMARY KEY,
        grid_code text NOT NULL,
        status text NOT NULL,
        doc jsonb NOT NULL
      )`,
      `CREATE INDEX cameras_grid_code ON cameras (grid_code)`,

      `CREATE TABLE patrols (
        id text PRIMARY KEY,
        idx bigint NOT NULL,
        grid_code text NOT NULL,
        status text NOT NULL,
        doc jsonb NOT NULL
      )`,
      `CREATE INDEX patrols_idx ON patrols (idx)`,
      `CREATE INDEX patrols_grid_code ON patrols (grid_code)`,

      `CREATE TABLE idempotency_keys (
        key text PRIMARY KEY,
        incident_id text NOT NULL,
        request_hash text NOT NULL,
        created_at bigint NOT NULL DEFAULT ${NOW_MS}
      )`,

      // The primary key is the (patrol_id, at) index playback reads by, and drops repeated fixes.
      `CREATE TABLE track_samples (
        patrol_id text NOT NULL,
        at bigint NOT NULL,
        lng double precision NOT NULL,
        lat double precision NOT NULL,
        PRIMARY KEY (patrol_id, at)
      )`,
      `CREATE INDEX track_samples_at ON track_samples (at)`,

      `CREATE TABLE meta (key text PRIMARY KEY, value jsonb NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: 'users, sessions, audit log',
    statements: [
      `CREATE TABLE users (
        username text PRIMARY KEY,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('viewer', 'operator', 'supervisor', 'admin')),
        region_code text NOT NULL,
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        created_at bigint NOT NULL,
        password_changed_at bigint NOT NULL
      )`,
      // The token itself is never stored: a copy of the database does not sign anybody in.
      `CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        username text NOT NULL REFERENCES users (username),
        kind text NOT NULL CHECK (kind IN ('cookie', 'bearer')),
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        ended_at bigint,
        client jsonb NOT NULL
      )`,
      `CREATE INDEX sessions_username ON sessions (username) WHERE ended_at IS NULL`,
      `CREATE TABLE audit (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at bigint NOT NULL,
        actor text NOT NULL,
        role text,
        client jsonb NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'refused')),
        error text,
        message text,
        incident_id text,
        subject text,
        stage_before text,
        stage_after text,
        reason text,
        step_ms bigint,
        region_path text[] NOT NULL,
        seq bigint
      )`,
      `CREATE INDEX audit_actor_at ON audit (actor, at)`,
      `CREATE INDEX audit_incident ON audit (incident_id, id) WHERE incident_id IS NOT NULL`,
      `CREATE INDEX audit_at ON audit (at)`,
      `CREATE FUNCTION append_only_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$`,
      `CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION append_only_refuse()`,
      `CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse()`,
    ],
  },
  {
    version: 3,
    name: 'AI video alarms and their confirm queue',
    statements: [
      `ALTER TABLE events DROP CONSTRAINT events_kind_check`,
      `ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN ('incident', 'camera', 'patrol', 'video_alarm'))`,
      `CREATE TABLE video_alarms (
        id text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'dismissed')),
        camera_id text NOT NULL,
        at bigint NOT NULL,
        external_ref text,
        doc jsonb NOT NULL
      )`,
      `CREATE INDEX video_alarms_pending ON video_alarms (at) WHERE status = 'pending'`,
      `CREATE INDEX video_alarms_at ON video_alarms (at)`,
      `CREATE UNIQUE INDEX video_alarms_external_ref ON video_alarms (camera_id, external_ref) WHERE external_ref IS NOT NULL`,
    ],
  },
  {
    version: 4,
    name: 'cases by the time they were reported, newest first (Open311 pages older than memory)',
    statements: [`CREATE INDEX incidents_reported_at ON incidents (reported_at DESC, id DESC)`],
  },
  {
    version: 5,
    name: 'focus mode and alerts in the event log (issue 16)',
    statements: [
      `ALTER TABLE events DROP CONSTRAINT events_kind_check`,
      `ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN ('incident', 'camera', 'patrol', 'video_alarm', 'focus', 'alert'))`,
    ],
  },
  {
    version: 6,
    name: 'ingest keys and kiosk links (issue 17)',
    statements: [
      // An ingest key's secret is kept as its SHA-256 only, like a session token; a kiosk link is
      // signed and carries no secret of its own (its row says whether it was revoked).
      `CREATE TABLE access_keys (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('ingest', 'kiosk')),
        label text NOT NULL,
        region_code text NOT NULL,
        scopes text[] NOT NULL,
        secret_hash text,
        created_at bigint NOT NULL,
        created_by text NOT NULL,
        expires_at bigint,
        revoked_at bigint,
        revoked_by text
      )`,
      `CREATE UNIQUE INDEX access_keys_secret ON access_keys (secret_hash) WHERE secret_hash IS NOT NULL`,
    ],
  },
  {
    version: 7,
    name: 'leases: duties that run once for a cluster of hub nodes (issue 18)',
    statements: [
      // One row per named lease. Its times are the database's clock (now()), never a node's: nodes
      // whose clocks disagree still agree on when a term ran out. `instance` tells one run of a node
      // from the next, so a node restarted after kill -9 waits out its dead run's term.
      `CREATE TABLE leases (
        name text PRIMARY KEY,
        holder text NOT NULL,
        instance text NOT NULL,
        acquired_at bigint NOT NULL,
        renewed_at bigint NOT NULL,
        expires_at bigint NOT NULL
      )`,
    ],
  },
  {
    version: 8,
    name: 'events.quiet: changes written without a delta, so that nodes following the log do not publish them (issue 18)',
    // a constant default: no rewrite of the log, whatever its size
    statements: [`ALTER TABLE events ADD COLUMN quiet boolean NOT NULL DEFAULT false`],
  },
  {
    version: 9,
    name: 'case_numbers: the last case number reserved per day, for hub nodes sharing the database (issue 18)',
    statements: [`CREATE TABLE case_numbers (prefix text PRIMARY KEY, last integer NOT NULL)`],
  },
];

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at bigint NOT NULL DEFAULT ${NOW_MS}
)`;

async function appliedVersions(tx: SqlQueryable): Promise<Set<number>> {
  const rows = await tx.query(`SELECT version FROM schema_migrations`);
  return new Set(rows.map((row) => integerColumn(row, 'version')));
}

/** Applies every migration not yet recorded; a no-op when the schema is current. */
export async function runMigrations(client: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const applied = await client.transaction(async (tx) => {
    await tx.query(lockFor('migrate'));
    await tx.query(CREATE_MIGRATIONS_TABLE);
    return appliedVersions(tx);
  });
  const newest = Math.max(0, ...applied);
  if (newest > known) {
    throw new Error(
      `database schema is at version ${newest} but this hub knows migrations up to ${known}: ` +
        'run a newer hub, or point it at another database',
    );
  }
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    await client.transaction(async (tx) => {
      await tx.query(lockFor('migrate'));
      // another node may have applied it while we waited for the lock
      if ((await appliedVersions(tx)).has(migration.version)) return;
      // a migration may scan a province's whole log (a CHECK, an index): not bound by the hub's statement timeout
      await tx.query(`SET LOCAL statement_timeout = 0`);
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    });
  }
}
