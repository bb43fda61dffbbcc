/**
 * A deployment's own region and grid polygons (GeoJSON, WGS-84 or GCJ-02), checked into the region
 * tree the hub runs on and written, normalised, to `$DATA_DIR/geography.geojson`, which the next
 * start loads instead of the generated demo city (server/geography.ts). A GCJ-02 file is converted
 * to WGS-84 once, here; the file kept is always WGS-84.
 *
 * Grid codes are what every case is filed under, so a geography is only taken while the store holds
 * no cases or AI alarms written for the current one (GEOGRAPHY_IN_USE otherwise): import the
 * geography first, restart, then import history. Until the restart this hub refuses other imports.
 *
 * `format=json` is one FeatureCollection (parsed at once: bounded to 64 MB); `format=ndjson` is one
 * Feature per line (GeoJSON text sequences, streamed, each problem named by its line).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from '@shared/errors';
import { loadRegionsFromGeoJSON, toFeatureCollection } from '../../geo';
import type { FieldProblem } from '@shared/validate';
import type { Store } from '../../store/types';
import { toWgs84, type CoordinateSystem } from '../coords';
import { fileRefusal, RowProblems } from '../problems';
import { bounded, readRows, type FileInput } from '../rows';
import type { ImportResult } from '../types';
import { yieldNow } from '../yieldNow';

export const IMPORTED_GEOGRAPHY_FILE = 'geography.geojson';
const WHAT = 'region GeoJSON';

/** the stamp a store keeps for a geography file: its content, so another file is another geography */
export function importedGeographyStamp(bytes: Buffer): { source: string } {
  return { source: `imported:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}` };
}

export interface GeographyImportDeps {
  store: Store;
  dataDir?: string;
  geoFile?: string;
  /** codes of the users' regions, to say whose region the new tree lacks */
  userRegions: () => Promise<{ username: string; regionCode: string }[]>;
}

export async function importGeography(deps: GeographyImportDeps, input: FileInput, format: 'json' | 'ndjson', crs: CoordinateSystem): Promise<ImportResult> {
  const started = performance.now();
  if (deps.geoFile) throw new HubError('VALIDATION_FAILED', `This hub reads its geography from GEO_FILE (${deps.geoFile}); replace that file, or unset GEO_FILE to import one.`);
  if (!deps.dataDir) throw new HubError('VALIDATION_FAILED', 'This hub has no data directory (DATA_DIR) to keep an imported geography in.');
  const { features, lines } = format === 'ndjson' ? await featuresFromLines(input) : await featuresFromCollection(input);
  const convert = toWgs84(crs);
  const pos = (p: unknown) => {
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') return p;
    const [x, y] = convert(p[0], p[1]);
    return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
  };
  const converted = crs === 'wgs84' ? features : features.map((f) => convertFeature(f, pos));
  await yieldNow();
  let regions;
  try {
    regions = loadRegionsFromGeoJSON({ type: 'FeatureCollection', features: converted });
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    const problems = new RowProblems();
    const listed = Array.isArray(error.details) ? (error.details as FieldProblem[]) : [];
    for (const p of listed) {
      const index = /^features\.(\d+)/.exec(p.path)?.[1];
      problems.add(index !== undefined ? (lines[Number(index)] ?? 1) : 1, p.path, p.message);
    }
    if (problems.empty) problems.add(1, undefined, error.message);
    throw problems.refusal(WHAT);
  }
  const bytes = Buffer.from(JSON.stringify(toFeatureCollection(regions)));
  const stamp = importedGeographyStamp(bytes);
  const file = join(deps.dataDir, IMPORTED_GEOGRAPHY_FILE);
  const grids = regions.filter((r) => r.level === 'grid').length;
  const ms = () => Math.round(performance.now() - started);
  if (existsSync(file) && importedGeographyStamp(readFileSync(file)).source === stamp.source) {
    return { kind: 'geography', rows: features.length, changed: 0, unchanged: regions.length, ms: ms(), appliesFrom: 'next start', message: `This geography (${regions.length} regions, ${grids} grids) was imported before; nothing changed.` };
  }
  const [cases, alarms] = await Promise.all([deps.store.readEvents({ kind: 'incident', limit: 1 }), deps.store.readEvents({ kind: 'video_alarm', limit: 1 })]);
  if (cases.length > 0 || alarms.length > 0) {
    throw new HubError(
      'GEOGRAPHY_IN_USE',
      'The store already holds cases written for the current geography; their grid codes would not match the new one. Import a geography into a fresh store (another DATA_DIR or DATABASE_URL, with SIM=0) before any cases, restart, then import the history.',
    );
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file); // a restart never reads half a file
  await deps.store.setMeta('geography', stamp);
  const roots = regions.filter((r) => r.parentCode === null).map((r) => r.code);
  const codes = new Set(regions.map((r) => r.code));
  const stranded = (await deps.userRegions()).filter((u) => !codes.has(u.regionCode)).map((u) => u.username);
  return {
    kind: 'geography',
    rows: features.length,
    changed: regions.length,
    unchanged: 0,
    ms: ms(),
    appliesFrom: 'next start',
    message:
      `Stored ${regions.length} regions (${grids} grids${crs === 'gcj02' ? ', converted from GCJ-02 to WGS-84' : ''}); restart the hub to use them.` +
      (stranded.length ? ` These users' regions are not in it; give them one of the new codes (root ${roots[0]}): ${stranded.join(', ')}.` : ''),
    details: { regions: regions.length, grids, root: roots[0] ?? null, file, stamp: stamp.source, strandedUsers: stranded },
  };
}

function convertFeature(feature: unknown, pos: (p: unknown) => unknown): unknown {
  const f = feature as { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> } | null;
  if (!f || typeof f !== 'object') return feature;
  const deep = (v: unknown, depth: number): unknown => (depth === 0 ? pos(v) : Array.isArray(v) ? v.map((x) => deep(x, depth - 1)) : v);
  const depth = f.geometry?.type === 'Polygon' ? 2 : f.geometry?.type === 'MultiPolygon' ? 3 : -1;
  const geometry = depth < 0 || !f.geometry ? f.geometry : { ...f.geometry, coordinates: deep(f.geometry.coordinates, depth) };
  const center = f.properties?.center;
  return { ...f, geometry, ...(f.properties ? { properties: { ...f.properties, ...(center !== undefined ? { center: pos(center) } : {}) } } : {}) };
}

async function featuresFromCollection(input: FileInput): Promise<{ features: unknown[]; lines: number[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of bounded(input, { maxBytes: 64 * 1_048_576, maxRows: 0, what: WHAT })) chunks.push(chunk);
  let fc: { type?: unknown; features?: unknown };
  try {
    fc = JSON.parse(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '')) as typeof fc;
  } catch (error) {
    throw fileRefusal(WHAT, 1, `the file is not valid JSON (${(error as Error).message})`);
  }
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw fileRefusal(WHAT, 1, 'the file is not a GeoJSON FeatureCollection (for one Feature per line, use format=ndjson)');
  return { features: fc.features, lines: [] };
}

async function featuresFromLines(input: FileInput): Promise<{ features: unknown[]; lines: number[] }> {
  const features: unknown[] = [];
  const lines: number[] = [];
  // readRows flattens objects into columns; a Feature is kept whole, so the raw line is parsed here
  for await (const row of readRows(input, 'ndjson', { maxBytes: 512 * 1_048_576, maxRows: 600_000, what: WHAT }, undefined, { flatten: false })) {
    features.push(row.fields);
    lines.push(row.line);
  }
  return { features, lines };
}
