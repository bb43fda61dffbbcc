/**
 * The city's geography from the hub (GET /api/regions.geojson, ETag-cached by the browser), and the
 * label points drawn from it. Same-origin, relative URLs only: nothing leaves the hub.
 */
import { englishWithoutKind } from '../placeNames';
import type { RegionLevel } from '@shared/schemas/region';
import { isUsablePosition, point, pointCollection, type PointCollection, type PointFeature } from './mapTypes';

export interface RegionProps {
  code: string;
  name: string;
  nameEn?: string;
  level: RegionLevel;
  parentCode: string | null;
  generated: boolean;
  center: [number, number];
}

export interface RegionFeature {
  type: 'Feature';
  id?: string | number;
  properties: RegionProps;
  geometry: { type: 'MultiPolygon' | 'Polygon'; coordinates: unknown };
}

export interface RegionCollection {
  type: 'FeatureCollection';
  features: RegionFeature[];
}

export const BASEMAP_LEVELS = ['city', 'district', 'street', 'grid'] as const;
export type BasemapLevel = (typeof BASEMAP_LEVELS)[number];

export function regionsUrl(level: RegionLevel, within?: string): string {
  const q = new URLSearchParams({ level });
  if (within) q.set('within', within);
  return `/api/regions.geojson?${q.toString()}`;
}

function isRegionCollection(v: unknown): v is RegionCollection {
  return !!v && typeof v === 'object' && (v as { type?: unknown }).type === 'FeatureCollection' && Array.isArray((v as { features?: unknown }).features);
}

/**
 * Strips what the map does not draw (the hub sends `id` as the code string: MapLibre wants numeric
 * ids, and `promoteId: 'code'` keys the features instead).
 */
export function normaliseRegions(data: unknown): RegionCollection {
  if (!isRegionCollection(data)) return { type: 'FeatureCollection', features: [] };
  const features: RegionFeature[] = [];
  for (const f of data.features) {
    const p = f?.properties;
    if (!p || typeof p.code !== 'string' || !f.geometry) continue;
    features.push({ type: 'Feature', properties: p, geometry: f.geometry });
  }
  return { type: 'FeatureCollection', features };
}

export async function fetchRegions(level: RegionLevel, signal?: AbortSignal, within?: string): Promise<RegionCollection> {
  const res = await fetch(regionsUrl(level, within), { signal, headers: { Accept: 'application/geo+json' } });
  if (!res.ok) throw new Error(`regions ${level}: HTTP ${res.status}`);
  return normaliseRegions(await res.json());
}

export interface LabelProps {
  code: string;
  name: string;
  /** the English name (the Chinese one where the hub gave none): the label layers pick by the map's `lang` */
  nameEn: string;
  level: RegionLevel;
  parentCode: string;
  /** placement priority: bigger regions first */
  rank: number;
}

/** Rough area of a feature's outer rings in square degrees, to place big regions' labels first. */
function roughArea(geometry: RegionFeature['geometry']): number {
  const polys = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as number[][][][];
  let area = 0;
  for (const poly of polys ?? []) {
    const ring = poly?.[0];
    if (!ring) continue;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i]!;
      const b = ring[j]!;
      area += ((b[0] ?? 0) - (a[0] ?? 0)) * ((b[1] ?? 0) + (a[1] ?? 0));
    }
  }
  return Math.abs(area / 2);
}

/** One label point per region at its centre (not per polygon tile, which repeats names). */
export function labelFeatures(collections: readonly RegionCollection[]): PointCollection<LabelProps> {
  const out: PointFeature<LabelProps>[] = [];
  for (const fc of collections) {
    const sized = fc.features.map((f) => ({ f, area: roughArea(f.geometry) })).sort((a, b) => b.area - a.area);
    sized.forEach(({ f }, i) => {
      const p = f.properties;
      const [lng, lat] = p.center ?? [NaN, NaN];
      if (!isUsablePosition(lng, lat) || !p.name) return;
      out.push(point<LabelProps>(lng, lat, { code: p.code, name: p.name, nameEn: englishWithoutKind(p.nameEn ?? p.name), level: p.level, parentCode: p.parentCode ?? '', rank: i }));
    });
  }
  return pointCollection(out);
}

/** Every character the labels use, so the web font's CJK subsets can be loaded before drawing. */
export function labelText(collections: readonly RegionCollection[]): string {
  const chars = new Set<string>();
  for (const fc of collections) for (const f of fc.features) for (const ch of `${f.properties.name ?? ''}${f.properties.nameEn ?? ''}`) chars.add(ch);
  return [...chars].join('');
}
