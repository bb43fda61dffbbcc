/**
 * The one implementation of Store. PGlite and PostgreSQL differ only in the SqlClient they hand
 * in (pgliteStore.ts, postgresStore.ts), so both run exactly this SQL and pass the same tests.
 */
import type { Actor } from '@shared/schemas/common';
import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import { accessStore, insertAuditRows } from './accessStore';
import { accessKeyStore } from './accessKeyStore';
import { leaseStore } from './leaseStore';
import { lockFor, runMigrations } from './migrations';
import { LOG_CHANNEL } from './logWatch';
import {
  insertEvents,
  insertTrackSampleRows,
  upsertCameraRows,
  upsertIncidentRows,
  upsertPatrolRows,
  upsertVideoAlarmRows,
} from './sqlBatches';
import type { SqlClient, SqlQueryable, SqlRow } from './sqlClient';
import { assertInteger, column, integerColumn, numberColumn, textColumn } from './sqlValues';
import {
  IdempotencyConflictError,
  StaleStateError,
  type EventKind,
  type ExpectedVersion,
  type EventQuery,
  type IdempotencyRecord,
  type StoredEvent,
  type Store,
  type TrackSample,
} from './types';

// Documents were written from typed, validated objects; reading them back is the trusted inverse.
const doc = <T>(row: SqlRow): T => column(row, 'doc') as T;

function rowToEvent(row: SqlRow): StoredEvent {
  return {
    seq: integerColumn(row, 'seq'),
    kind: textColumn(row, 'kind') as EventKind,
    aggregateId: textColumn(row, 'aggregate_id'),
    type: textColumn(row, 'type'),
    at: integerColumn(row, 'at'),
    recordedAt: integerColumn(row, 'recorded_at'),
    actor: column(row, 'actor') as Actor,
    payload: column(row, 'payload'),
    ...(column(row, 'quiet') === true ? { quiet: true } : {}),
  };
}

/** WHERE clause and parameters for an EventQuery; every bound is a parameter, never spliced. */
function eventFilter(query: EventQuery): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  const bounds = { afterSeq: query.afterSeq, toSeq: query.toSeq, from: query.from, to: query.to, limit: query.limit };
  for (const [name, value] of Object.entries(bounds)) if (value !== undefined) assertInteger(value, name);

  if (query.afterSeq !== undefined) add((p) => `seq > ${p}`, query.afterSeq);
  if (query.toSeq !== undefined) add((p) => `seq <= ${p}`, query.toSeq);
  if (query.kind !== undefined) add((p) => `kind = ${p}`, query.kind);
  if (query.aggregateId !== undefined) add((p) => `aggregate_id = ${p}`, query.aggregateId);
  if (query.from !== undefined) add((p) => `at >= ${p}`, query.from);
  if (query.to !== undefined) add((p) => `at < ${p}`, query.to);
  let sql = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  sql += ' ORDER BY seq';
  if (query.limit !== undefined) {
    params.push(Math.max(0, query.limit));
    sql += ` LIMIT $${params.length}`;
  }
  return { sql, params };
}

export function createSqlStore(kind: Store['kind'], client: SqlClient): Store {
  let closed: Promise<void> | null = null;

  async function findIdempotencyKeys(keys: readonly string[]): Promise<IdempotencyRecord[]> {
    if (keys.length === 0) return [];
    const rows = await client.query(`SELECT key, incident_id, request_hash FROM idempotency_keys WHERE key = ANY($1::text[])`, [[...keys]]);
    return rows.map(
      (row): IdempotencyRecord => ({
        key: textColumn(row, 'key'),
        incidentId: textColumn(row, 'incident_id'),
        requestHash: textColumn(row, 'request_hash'),
      }),
    );
  }

  /**
   * The events of a page of aggregates, ordered by aggregate then seq: selected by id alone and in
   * the index's own order, so that the planner reads (aggregate_id, seq) whatever statistics it
   * has (ordered by seq it walked the whole log: 70 ms a page); the other bounds are applied here.
   */
  async function readAggregates(query: EventQuery): Promise<StoredEvent[]> {
    const ids = [...(query.aggregateIds ?? [])];
    if (ids.length === 0) return [];
    const rows = await client.query(
      `SELECT seq, kind, aggregate_id, type, at, recorded_at, actor, payload, quiet FROM events WHERE aggregate_id = ANY($1::text[]) ORDER BY aggregate_id, seq`,
      [ids],
    );
    const { afterSeq, toSeq, kind: eventKind, aggregateId, from, to, limit } = query;
    const events = rows
      .map(rowToEvent)
      .filter(
        (e) =>
          (afterSeq === undefined || e.seq > afterSeq) &&
          (toSeq === undefined || e.seq <= toSeq) &&
          (eventKind === undefined || e.kind === eventKind) &&
          (aggregateId === undefined || e.aggregateId === aggregateId) &&
          (from === undefined || e.at >= from) &&
          (to === undefined || e.at < to),
      );
    return limit === undefined ? events : events.slice(0, Math.max(0, limit));
  }

  /**
   * The ids whose stored version differs from the expected one (a row present where none was
   * expected included), in one query per table. Called inside the append after its lock, so no
   * other append can change them between this check and the write.
   */
  async function staleIds(tx: SqlQueryable, table: 'incidents' | 'video_alarms', expected: readonly ExpectedVersion[] | undefined): Promise<string[]> {
    if (!expected?.length) return [];
    const rows = await tx.query(`SELECT id, (doc->>'version')::int AS version FROM ${table} WHERE id = ANY($1::text[])`, [expected.map((e) => e.id)]);
    const stored = new Map(rows.map((row) => [textColumn(row, 'id'), integerColumn(row, 'version')]));
    return expected.filter((e) => (stored.get(e.id) ?? null) !== e.version).map((e) => e.id);
  }

  return {
    kind,

    async migrate() {
      await runMigrations(client);
      // PGlite has no autovacuum, so nothing gathers the planner's statistics: without them it
      // guesses a handful of rows everywhere (measured: 120 ms instead of 1 ms for a page of a past
      // window at 20,000 cases, before those queries were made independent of statistics).
      // Gathered once at start, before the hub listens; PostgreSQL's autovacuum does it by itself.
      if (kind === 'pglite') await client.query('ANALYZE');
    },

    async ping() {
      await client.query('SELECT 1');
    },

    close() {
      closed ??= client.close();
      return closed;
    },

    ...accessStore(client),
    ...accessKeyStore(client),
    ...leaseStore(client),

    async append(events, state, idempotency, audit) {
      return client.transaction(async (tx) => {
        // Appends take turns, so seq order is commit order: a reader that resumes "after seq N"
        // can never miss a lower seq committed later by a slower concurrent transaction. PGlite
        // has one connection and runs one transaction at a time: they take turns already.
        // The notification is queued now and delivered at COMMIT (never for a rollback): other hub
        // nodes following the log wake up and read it (server/hub/logFollower.ts).
        if (kind === 'postgres') await tx.query(`${lockFor('append')}, pg_notify('${LOG_CHANNEL}', current_schema())`);
        // rows changed by another node since this one decided: refused before anything is written
        const staleIncidents = await staleIds(tx, 'incidents', state.expected?.incidents);
        const staleAlarms = await staleIds(tx, 'video_alarms', state.expected?.videoAlarms);
        if (staleIncidents.length > 0 || staleAlarms.length > 0) throw new StaleStateError(staleIncidents, staleAlarms);
        const claims = idempotency === undefined ? [] : Array.isArray(idempotency) ? idempotency : [idempotency as IdempotencyRecord];
        if (claims.length > 0) {
          const claimed = await tx.query(
            `INSERT INTO idempotency_keys (key, incident_id, request_hash)
             SELECT key, incident_id, request_hash FROM jsonb_to_recordset($1::jsonb) AS r(key text, incident_id text, request_hash text)
             ON CONFLICT (key) DO NOTHING RETURNING key`,
            [JSON.stringify(claims.map((c) => ({ key: c.key, incident_id: c.incidentId, request_hash: c.requestHash })))],
          );
          // throwing rolls the transaction back: nothing of this append is written
          if (claimed.length < claims.length) {
            const taken = new Set(claimed.map((row) => textColumn(row, 'key')));
            throw new IdempotencyConflictError(claims.find((c) => !taken.has(c.key))?.key ?? claims[0]!.key);
          }
        }
        const stored = events.length > 0 ? await insertEvents(tx, events) : [];
        if (state.incidents?.length) await upsertIncidentRows(tx, state.incidents);
        if (state.videoAlarms?.length) await upsertVideoAlarmRows(tx, state.videoAlarms);
        if (state.cameras?.length) await upsertCameraRows(tx, state.cameras);
        if (state.patrols?.length) await upsertPatrolRows(tx, state.patrols);
        if (audit?.length) await insertAuditRows(tx, audit, stored);
        return stored;
      });
    },

    async readEvents(query) {
      if (query.aggregateIds !== undefined) return readAggregates(query);
      const filter = eventFilter(query);
      const rows = await client.query(
        `SELECT seq, kind, aggregate_id, type, at, recorded_at, actor, payload, quiet FROM events ${filter.sql}`,
        filter.params,
      );
      return rows.map(rowToEvent);
    },

    async lastSeq() {
      const rows = await client.query(`SELECT coalesce(max(seq), 0) AS seq FROM events`);
      return integerColumn(rows[0], 'seq');
    },

    async getIncident(id) {
      const rows = await client.query(`SELECT doc FROM incidents WHERE id = $1`, [id]);
      return rows[0] ? doc<Incident>(rows[0]) : null;
    },

    async highestIncidentId(prefix) {
      // LIKE with the prefix escaped: an id prefix never holds % or _, but a caller could pass them
      const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = await client.query(`SELECT max(id) AS id FROM incidents WHERE id LIKE $1`, [pattern]);
      const id = rows[0]?.id;
      return typeof id === 'string' ? id : null;
    },

    async reserveIncidentNumbers(prefix, count) {
      assertInteger(count, 'count');
      const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // The day's row, moved on under its row lock: two nodes reserving at once get consecutive
      // blocks. Only the day's first block looks at the stored ids (cases written before this
      // table, imports): scanning them for every block would grow with the day.
      const moved = await client.query(`UPDATE case_numbers SET last = last + $2 WHERE prefix = $1 RETURNING last`, [prefix, count]);
      if (moved.length > 0) return integerColumn(moved[0], 'last');
      // one statement: a node creating the row at the same moment is taken care of by ON CONFLICT
      const rows = await client.query(
        `INSERT INTO case_numbers (prefix, last)
         SELECT $1, coalesce((SELECT max(substring(id FROM length($1) + 1)::int) FROM incidents WHERE id LIKE $2 AND substring(id FROM length($1) + 1) ~ '^[0-9]{1,9}$'), 0) + $3
         ON CONFLICT (prefix) DO UPDATE SET last = greatest(case_numbers.last, EXCLUDED.last - $3) + $3
         RETURNING last`,
        [prefix, pattern, count],
      );
      return integerColumn(rows[0], 'last');
    },

    async loadIncidents(updatedSince) {
      assertInteger(updatedSince, 'updatedSince');
      // Two branches, each served by its partial index, instead of an OR that scans the table.
      const rows = await client.query(
        `SELECT doc, reported_at, id FROM incidents WHERE open
         UNION ALL
         SELECT doc, reported_at, id FROM incidents WHERE NOT open AND updated_at >= $1
         ORDER BY reported_at, id`,
        [updatedSince],
      );
      return rows.map((row) => doc<Incident>(row));
    },

    // Walks the primary key in id order, the other conditions filtered on the way: one plan that
    // needs no statistics (`= ANY(region_path)` keeps the GIN index out of it, which the planner
    // chose with stale statistics and then sorted the whole table for every page).
    async incidentsForWindow({ regionCode, from, asOf, afterId, limit }) {
      assertInteger(from, 'from');
      assertInteger(asOf, 'asOf');
      assertInteger(limit, 'limit');
      const rows = await client.query(
        `SELECT doc, id FROM incidents
         WHERE id > $4 AND $1 = ANY(region_path) AND reported_at < $2 AND (open OR updated_at >= $3)
         ORDER BY id LIMIT $5`,
        [regionCode, asOf, from, afterId ?? '', limit],
      );
      return rows.map((row) => doc<Incident>(row));
    },

    async incidentsReported({ from, to, after, limit }) {
      assertInteger(from, 'from');
      assertInteger(to, 'to');
      assertInteger(limit, 'limit');
      if (after) assertInteger(after.reportedAt, 'after.reportedAt');
      // the first page takes everything before `to`; later ones continue after the cursor (keyset)
      const rows = after
        ? await client.query(
            `SELECT doc, reported_at, id FROM incidents
             WHERE reported_at >= $1 AND reported_at < $2 AND (reported_at < $3 OR (reported_at = $3 AND id < $4))
             ORDER BY reported_at DESC, id DESC LIMIT $5`,
            [from, to, after.reportedAt, after.id, limit],
          )
        : await client.query(
            `SELECT doc, reported_at, id FROM incidents WHERE reported_at >= $1 AND reported_at < $2 ORDER BY reported_at DESC, id DESC LIMIT $3`,
            [from, to, limit],
          );
      return rows.map((row) => doc<Incident>(row));
    },

    async loadVideoAlarms(since) {
      assertInteger(since, 'since');
      const rows = await client.query(
        `SELECT doc, at, id FROM video_alarms WHERE status = 'pending'
         UNION ALL
         SELECT doc, at, id FROM video_alarms WHERE status <> 'pending' AND at >= $1
         ORDER BY at, id`,
        [since],
      );
      return rows.map((row) => doc<VideoAlarm>(row));
    },

    async findIdempotencyKey(key) {
      return (await findIdempotencyKeys([key]))[0] ?? null;
    },

    findIdempotencyKeys,

    async upsertCameras(cameras) {
      if (cameras.length > 0) await client.transaction((tx) => upsertCameraRows(tx, cameras));
    },

    async upsertPatrols(patrols) {
      if (patrols.length > 0) await client.transaction((tx) => upsertPatrolRows(tx, patrols));
    },

    async loadCameras() {
      const rows = await client.query(`SELECT doc FROM cameras ORDER BY id`);
      return rows.map((row) => doc<Camera>(row));
    },

    async loadPatrols() {
      const rows = await client.query(`SELECT doc FROM patrols ORDER BY idx, id`);
      return rows.map((row) => doc<Patrol>(row));
    },

    async saveTrackSamples(samples) {
      if (samples.length > 0) await client.transaction((tx) => insertTrackSampleRows(tx, samples));
    },

    async readTrackSamples(patrolId, from, to) {
      assertInteger(from, 'from');
      assertInteger(to, 'to');
      const rows = await client.query(
        `SELECT patrol_id, at, lng, lat FROM track_samples
         WHERE patrol_id = $1 AND at >= $2 AND at < $3 ORDER BY at`,
        [patrolId, from, to],
      );
      return rows.map(
        (row): TrackSample => ({
          patrolId: textColumn(row, 'patrol_id'),
          at: integerColumn(row, 'at'),
          lng: numberColumn(row, 'lng'),
          lat: numberColumn(row, 'lat'),
        }),
      );
    },

    async pruneTrackSamples(olderThan) {
      assertInteger(olderThan, 'olderThan');
      const rows = await client.query(
        `WITH gone AS (DELETE FROM track_samples WHERE at < $1 RETURNING 1) SELECT count(*) AS n FROM gone`,
        [olderThan],
      );
      return integerColumn(rows[0], 'n');
    },

    async getMeta<T>(key: string) {
      const rows = await client.query(`SELECT value FROM meta WHERE key = $1`, [key]);
      return rows[0] ? (column(rows[0], 'value') as T) : null;
    },

    async setMetaIfAbsent<T>(key: string, value: T) {
      await client.query(`INSERT INTO meta (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING`, [key, JSON.stringify(value ?? null)]);
      const rows = await client.query(`SELECT value FROM meta WHERE key = $1`, [key]);
      return column(rows[0], 'value') as T;
    },

    async setMeta(key, value) {
      await client.query(
        `INSERT INTO meta (key, value) VALUES ($1, $2::jsonb)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [key, JSON.stringify(value ?? null)],
      );
    },
  };
}
