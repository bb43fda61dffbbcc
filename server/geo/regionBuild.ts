import type { BBox, LngLat } from '@shared/schemas/common';
import type { MultiPolygonCoords, RegionLevel, RegionWithGeometry } from '@shared/schemas/region';
import { bboxOfMultiPolygon, centroid, interiorPoint } from '../domain/regions/geo';
import { pointInMultiPolygon } from '../domain/regions/pointInPolygon';
import type { Projection, Ring } from './planar';

/**
 * Turns generated planar shapes back into the contract's RegionWithGeometry: longitude/latitude
 * rounded to 6 decimals (≈ 0.1 m — enough for any wall, and it keeps the JSON small), rings closed
 * and counter-clockwise as RFC 7946 asks.
 */

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

export function toLngLat6(projection: Projection, p: [number, number]): LngLat {
  const q = projection.toLngLat(p);
  return [round6(q[0]), round6(q[1])];
}

/** planar rings (open, CCW) → MultiPolygon coordinates; pieces that collapse when rounded are dropped */
export function ringsToCoords(rings: readonly Ring[], projection: Projection): MultiPolygonCoords {
  const polygons: MultiPolygonCoords = [];
  for (const ring of rings) {
    const out: LngLat[] = [];
    for (const p of ring) {
      const q = toLngLat6(projection, p);
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
    const first = out[0];
    const last = out[out.length - 1];
    if (first && last && out.length > 1 && first[0] === last[0] && first[1] === last[1]) out.pop();
    if (out.length < 3 || !first) continue;
    out.push([first[0], first[1]]);
    polygons.push([out]);
  }
  return polygons;
}

export interface RegionDraft {
  code: string;
  name: string;
  /** the geography's own English name, if it has one */
  nameEn?: string;
  level: RegionLevel;
  parentCode: string | null;
  generated: boolean;
  polygons: MultiPolygonCoords;
  /** a known inside point (a generated cell's site); computed when absent */
  center?: LngLat;
}

export function buildRegion(draft: RegionDraft): RegionWithGeometry {
  if (draft.polygons.length === 0) throw new Error(`region ${draft.code} (${draft.name}) has no polygon`);
  const bbox: BBox = bboxOfMultiPolygon(draft.polygons);
  return {
    code: draft.code,
    name: draft.name,
    ...(draft.nameEn ? { nameEn: draft.nameEn } : {}),
    level: draft.level,
    parentCode: draft.parentCode,
    center: draft.center ?? labelPoint(draft.polygons),
    bbox,
    generated: draft.generated,
    polygons: draft.polygons,
  };
}

/** the area-weighted centroid when it is inside the shape, else a point inside the largest part */
export function labelPoint(polygons: MultiPolygonCoords): LngLat {
  const c = centroid(polygons);
  if (pointInMultiPolygon(c[0], c[1], polygons)) return [round6(c[0]), round6(c[1])];
  const p = interiorPoint(polygons);
  return [round6(p[0]), round6(p[1])];
}
