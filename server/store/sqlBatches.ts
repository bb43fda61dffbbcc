/**
 * Batched writes: each call sends the whole batch as ONE jsonb parameter and expands it in SQL
 * (`jsonb_to_recordset` / `jsonb_array_elements`), so a batch is one statement per table instead
 * of one per row (DESIGN.md: ~30x faster in PGlite), and there is no 65,535-parameter ceiling.
 * Batches above MAX_ROWS_PER_STATEMENT are split only to bound the size of a single message.
 */
import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import type { SqlQueryable } from './sqlClient';
import { chunks, integerColumn, lastById } from './sqlValues';
import type { NewEvent, StoredEvent, TrackSample } from './types';

export const MAX_ROWS_PER_STATEMENT = 5_000;

// Column names are the camelCase keys of NewEvent, so the caller's objects are serialised as they are.
const INSERT_EVENTS = `
  INSERT INTO events (kind, aggregate_id, type, at, actor, payload, quiet)
  SELECT r.kind, r."aggregateId", r.type, r.at, r.actor, coalesce(r.payload, 'null'::jsonb), coalesce(r.quiet, false)
  FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
         AS ("kind" text, "aggregateId" text, "type" text, "at" bigint, "actor" jsonb, "payload" jsonb, "quiet" boolean))
       WITH ORDINALITY AS r(kind, "aggregateId", type, at, actor, payload, quiet, ord)
  ORDER BY r.ord
  RETURNING seq, recorded_at`;

/**
 * Inserts events in input order. Identity values are drawn as the sorted rows are inserted, so
 * sorting the returned seqs restores input order without relying on RETURNING's row order.
 */
export async function insertEvents(tx: SqlQueryable, events: readonly NewEvent[]): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (const batch of chunks(events, MAX_ROWS_PER_STATEMENT)) {
    const rows = await tx.query(INSERT_EVENTS, [JSON.stringify(batch)]);
    if (rows.length !== batch.length) throw new Error(`inserted ${rows.length} of ${batch.length} events`);
    const written = rows
      .map((row) => ({ seq: integerColumn(row, 'seq'), recordedAt: integerColumn(row, 'recorded_at') }))
      .sort((a, b) => a.seq - b.seq);
    batch.forEach((event, i) => {
      const w = written[i]!; // same length, checked above
      stored.push({
        kind: event.kind,
        aggregateId: event.aggregateId,
        type: event.type,
        at: event.at,
        actor: event.actor,
        payload: event.payload === undefined ? null : event.payload,
        seq: w.seq,
        recordedAt: w.recordedAt,
        ...(event.quiet ? { quiet: true } : {}),
      });
    });
  }
  return stored;
}

// Current-state rows: the searchable columns are derived from the document in SQL, so the
// document is sent once and the columns cannot disagree with it.
const UPSERT_INCIDENTS = `
  INSERT INTO incidents (id, stage, grid_code, region_path, reported_at, updated_at, doc)
  SELECT d.doc->>'id', d.doc->>'stage', d.doc->>'gridCode',
         ARRAY(SELECT jsonb_array_elements_text(d.doc->'regionPath')),
         (d.doc->>'reportedAt')::bigint, (d.doc->>'updatedAt')::bigint, d.doc
  FROM jsonb_array_elements($1::jsonb) AS d(doc)
  ON CONFLICT (id) DO UPDATE SET
    stage = EXCLUDED.stage, grid_code = EXCLUDED.grid_code, region_path = EXCLUDED.region_path,
    reported_at = EXCLUDED.reported_at, updated_at = EXCLUDED.updated_at, doc = EXCLUDED.doc`;

const UPSERT_CAMERAS = `
  INSERT INTO cameras (id, grid_code, status, doc)
  SELECT d.doc->>'id', d.doc->>'gridCode', d.doc->>'status', d.doc
  FROM jsonb_array_elements($1::jsonb) AS d(doc)
  ON CONFLICT (id) DO UPDATE SET grid_code = EXCLUDED.grid_code, status = EXCLUDED.status, doc = EXCLUDED.doc`;

const UPSERT_PATROLS = `
  INSERT INTO patrols (id, idx, grid_code, status, doc)
  SELECT d.doc->>'id', (d.doc->>'idx')::bigint, d.doc->>'gridCode', d.doc->>'status', d.doc
  FROM jsonb_array_elements($1::jsonb) AS d(doc)
  ON CONFLICT (id) DO UPDATE SET
    idx = EXCLUDED.idx, grid_code = EXCLUDED.grid_code, status = EXCLUDED.status, doc = EXCLUDED.doc`;

const UPSERT_VIDEO_ALARMS = `
  INSERT INTO video_alarms (id, status, camera_id, at, external_ref, doc)
  SELECT d.doc->>'id', d.doc->>'status', d.doc->>'cameraId', (d.doc->>'at')::bigint, d.doc->>'externalRef', d.doc
  FROM jsonb_array_elements($1::jsonb) AS d(doc)
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, doc = EXCLUDED.doc`;

async function upsertDocs(tx: SqlQueryable, sql: string, docs: readonly { id: string }[]): Promise<void> {
  for (const batch of chunks(lastById(docs), MAX_ROWS_PER_STATEMENT)) {
    await tx.query(sql, [JSON.stringify(batch)]);
  }
}

export const upsertIncidentRows = (tx: SqlQueryable, incidents: readonly Incident[]) =>
  upsertDocs(tx, UPSERT_INCIDENTS, incidents);
export const upsertVideoAlarmRows = (tx: SqlQueryable, alarms: readonly VideoAlarm[]) => upsertDocs(tx, UPSERT_VIDEO_ALARMS, alarms);
export const upsertCameraRows = (tx: SqlQueryable, cameras: readonly Camera[]) => upsertDocs(tx, UPSERT_CAMERAS, cameras);
export const upsertPatrolRows = (tx: SqlQueryable, patrols: readonly Patrol[]) => upsertDocs(tx, UPSERT_PATROLS, patrols);

const INSERT_TRACK_SAMPLES = `
  INSERT INTO track_samples (patrol_id, at, lng, lat)
  SELECT r."patrolId", r.at, r.lng, r.lat
  FROM jsonb_to_recordset($1::jsonb) AS r("patrolId" text, "at" bigint, "lng" double precision, "lat" double precision)
  ON CONFLICT (patrol_id, at) DO NOTHING`;

export async function insertTrackSampleRows(tx: SqlQueryable, samples: readonly TrackSample[]): Promise<void> {
  for (const batch of chunks(samples, MAX_ROWS_PER_STATEMENT)) {
    await tx.query(INSERT_TRACK_SAMPLES, [JSON.stringify(batch)]);
  }
}
