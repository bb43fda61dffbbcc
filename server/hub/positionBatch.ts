/**
 * The fast ingest formats of POST /api/positions, read into columns without a schema call per fix:
 * a columnar JSON body `{patrolIds, lng, lat, at}` and the binary batch of
 * shared/binary/positionsBatch.ts. Each is checked in one pass over plain arrays; the first problem
 * refuses the whole batch with a stable code (nothing is taken). What every format must satisfy
 * (known patrol, inside the served area, not at (0, 0), not stamped in the future) is
 * `checkFixes`, shared with the per-position JSON batch.
 */
import { BatchFormatError, MAX_BINARY_FIXES, readPositionsBatch, type FixColumns } from '@shared/binary/positionsBatch';
import { HubError } from '@shared/errors';
import type { BBox } from '@shared/schemas/common';
import type { FieldProblem } from '@shared/validate';
import { FUTURE_TOLERANCE_MS } from '../domain/lifecycle';

/** how far beyond the geography's bounding box a fix may lie (degrees, about 20 km) */
export const AREA_MARGIN_DEG = 0.2;
const MAX_EPOCH_MS = 8_640_000_000_000;

export interface FixArea {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

export function areaOf(bbox: BBox, margin = AREA_MARGIN_DEG): FixArea {
  return { minLng: bbox[0] - margin, minLat: bbox[1] - margin, maxLng: bbox[2] + margin, maxLat: bbox[3] + margin };
}

export function fixesFromBinary(body: ArrayBufferView): FixColumns {
  try {
    return readPositionsBatch(body);
  } catch (error) {
    if (error instanceof BatchFormatError) throw new HubError('VALIDATION_FAILED', `${error.message} Nothing in this batch was taken.`, [{ path: '(body)', message: error.message }]);
    throw error;
  }
}

function refuse(problems: FieldProblem[]): never {
  const first = problems[0]!;
  throw new HubError('VALIDATION_FAILED', `The columnar position batch is not valid (${first.path}: ${first.message}); nothing in it was taken.`, problems);
}

/** `{patrolIds: string[], lng: number[], lat: number[], at: number[]}`, equal lengths, 1 … MAX_BINARY_FIXES */
export function fixesFromColumnarJson(body: unknown, idxOf: (id: string) => number | undefined): FixColumns {
  if (typeof body !== 'object' || body === null) refuse([{ path: '(root)', message: 'expected an object {patrolIds, lng, lat, at}' }]);
  const b = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const key of ['patrolIds', 'lng', 'lat', 'at']) if (!Array.isArray(b[key])) problems.push({ path: key, message: 'expected an array' });
  if (problems.length) refuse(problems);
  const ids = b.patrolIds as unknown[];
  const lngIn = b.lng as unknown[];
  const latIn = b.lat as unknown[];
  const atIn = b.at as unknown[];
  const n = ids.length;
  if (n < 1 || n > MAX_BINARY_FIXES) refuse([{ path: 'patrolIds', message: `expected 1 to ${MAX_BINARY_FIXES} fixes, got ${n}` }]);
  for (const [key, column] of [['lng', lngIn], ['lat', latIn], ['at', atIn]] as const) {
    if (column.length !== n) problems.push({ path: key, message: `expected ${n} values (one per patrolId), got ${column.length}` });
  }
  if (problems.length) refuse(problems);

  const idx = new Uint32Array(n);
  const lng = new Float64Array(n);
  const lat = new Float64Array(n);
  const at = new Float64Array(n);
  let unknown: string | undefined;
  for (let i = 0; i < n && problems.length < 20; i++) {
    const id = ids[i];
    const x = lngIn[i];
    const y = latIn[i];
    const t = atIn[i];
    if (typeof id !== 'string') problems.push({ path: `patrolIds.${i}`, message: 'expected a string' });
    else {
      const k = idxOf(id);
      if (k === undefined) unknown ??= id;
      else idx[i] = k;
    }
    if (typeof x !== 'number' || !(x >= -180 && x <= 180)) problems.push({ path: `lng.${i}`, message: 'expected a number from -180 to 180' });
    else lng[i] = x;
    if (typeof y !== 'number' || !(y >= -90 && y <= 90)) problems.push({ path: `lat.${i}`, message: 'expected a number from -90 to 90' });
    else lat[i] = y;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > MAX_EPOCH_MS) problems.push({ path: `at.${i}`, message: 'expected whole epoch milliseconds' });
    else at[i] = t;
  }
  if (problems.length) refuse(problems);
  if (unknown !== undefined) throw new HubError('UNKNOWN_PATROL', `No patrol has the id ${unknown}; no position in this batch was taken.`);
  return { count: n, idx, lng, lat, at };
}

/**
 * A fix older than this is refused: a live position of yesterday would put a patrol where it was
 * hours ago (a terminal that uploads what it buffered offline feeds tracks, not the wall).
 */
export const FIX_MAX_AGE_MS = 24 * 3_600_000;

export interface FixContext {
  area: FixArea;
  /** the margin around the geography's bounding box, degrees (said in the refusal) */
  marginDeg?: number;
  now: number;
  /** whether a patrol has this idx */
  known(idx: number): boolean;
}

/** Refuses the whole batch at its first fix that no format may carry. */
export function checkFixes(cols: FixColumns, ctx: FixContext): void {
  const { area } = ctx;
  const latest = ctx.now + FUTURE_TOLERANCE_MS;
  const oldest = ctx.now - FIX_MAX_AGE_MS;
  for (let i = 0; i < cols.count; i++) {
    const x = cols.lng[i]!;
    const y = cols.lat[i]!;
    const k = cols.idx[i]!;
    if (!ctx.known(k)) throw new HubError('UNKNOWN_PATROL', `No patrol has the idx ${k} (fix ${i}); no position in this batch was taken. Read the idx from GET /api/patrols.`, { index: i, idx: k });
    if (x === 0 && y === 0) {
      throw new HubError('VALIDATION_FAILED', `Fix ${i} is at (0, 0): a receiver without a fix. Nothing in this batch was taken.`, [{ path: `${i}`, message: 'a fix at (0, 0)' }]);
    }
    if (!(x >= area.minLng && x <= area.maxLng && y >= area.minLat && y <= area.maxLat)) {
      throw new HubError(
        'OUT_OF_AREA',
        `Fix ${i} (${x}, ${y}) lies outside the area this hub serves (its geography's bounding box and ${ctx.marginDeg ?? AREA_MARGIN_DEG}° around it); nothing in this batch was taken. Check the datum and the order (longitude first).`,
        { index: i, lng: x, lat: y, area: [area.minLng, area.minLat, area.maxLng, area.maxLat] },
      );
    }
    if (cols.at[i]! > latest) {
      throw new HubError(
        'VALIDATION_FAILED',
        `A position is stamped ${new Date(cols.at[i]!).toISOString()}, more than ${FUTURE_TOLERANCE_MS / 60_000} minutes ahead of the hub's clock; nothing in this batch was taken. Check the sender's clock.`,
        [{ path: `at.${i}`, message: 'ahead of the hub clock' }],
      );
    }
    if (cols.at[i]! < oldest) {
      throw new HubError(
        'VALIDATION_FAILED',
        `A position is stamped ${new Date(cols.at[i]!).toISOString()}, more than ${FIX_MAX_AGE_MS / 3_600_000} hours before the hub's clock; nothing in this batch was taken. A live position is of now (check the sender's clock).`,
        [{ path: `at.${i}`, message: 'more than 24 hours old' }],
      );
    }
  }
}
