import type { BBox, LngLat } from '@shared/schemas/common';
import type { MultiPolygonCoords } from '@shared/schemas/region';
import type { Rng } from '../../lib/rng';
import { pointInMultiPolygon, pointInPolygon } from './pointInPolygon';

/**
 * Geometry helpers on longitude/latitude. Areas and centroids use a local equirectangular
 * projection (x scaled by cos(latitude)): at the size of a city its error is far below what a
 * wall display or a "nearest patrol" ranking could notice, and it is much cheaper than geodesics.
 */

export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

type Position = readonly [number, number] | LngLat;
type Ring = readonly Position[];
type Polygon = readonly Ring[];
type MultiPolygon = readonly Polygon[] | MultiPolygonCoords;

/** great-circle distance in metres */
export function haversineMeters(a: Position, b: Position): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLng = (b[0] - a[0]) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** metres per degree of longitude and of latitude around a latitude */
export function metersPerDegree(lat: number): { x: number; y: number } {
  const y = EARTH_RADIUS_M * RAD;
  return { x: y * Math.cos(lat * RAD), y };
}

// ── bounding boxes ────────────────────────────────────────────────────────────────────────────

export function emptyBBox(): BBox {
  return [Infinity, Infinity, -Infinity, -Infinity];
}

export function extendBBox(box: BBox, point: Position): BBox {
  if (point[0] < box[0]) box[0] = point[0];
  if (point[1] < box[1]) box[1] = point[1];
  if (point[0] > box[2]) box[2] = point[0];
  if (point[1] > box[3]) box[3] = point[1];
  return box;
}

export function bboxOfMultiPolygon(polygons: MultiPolygon): BBox {
  const box = emptyBBox();
  for (const polygon of polygons) for (const ring of polygon) for (const point of ring) extendBBox(box, point);
  return box;
}

export function unionBBox(boxes: readonly BBox[]): BBox {
  const box = emptyBBox();
  for (const b of boxes) {
    extendBBox(box, [b[0], b[1]]);
    extendBBox(box, [b[2], b[3]]);
  }
  return box;
}

export function bboxContains(box: BBox, lng: number, lat: number): boolean {
  return lng >= box[0] && lng <= box[2] && lat >= box[1] && lat <= box[3];
}

export function bboxesIntersect(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** the box grown by a distance in metres on every side */
export function bufferBBox(box: BBox, meters: number): BBox {
  const m = metersPerDegree((box[1] + box[3]) / 2);
  const dx = meters / m.x;
  const dy = meters / m.y;
  return [box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy];
}

// ── areas and centroids ───────────────────────────────────────────────────────────────────────

/** signed area of a ring in square metres (positive when counter-clockwise), and its centroid */
function ringMoments(ring: Ring, lat0: number): { area: number; cx: number; cy: number } {
  const m = metersPerDegree(lat0);
  let twiceArea = 0;
  let cx = 0;
  let cy = 0;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const a = ring[j] as Position;
    const b = ring[i] as Position;
    const cross = a[0] * b[1] - b[0] * a[1];
    twiceArea += cross;
    cx += (a[0] + b[0]) * cross;
    cy += (a[1] + b[1]) * cross;
  }
  if (twiceArea === 0) return { area: 0, cx: ring[0]?.[0] ?? 0, cy: ring[0]?.[1] ?? 0 };
  return { area: (twiceArea / 2) * m.x * m.y, cx: cx / (3 * twiceArea), cy: cy / (3 * twiceArea) };
}

export function ringAreaM2(ring: Ring): number {
  const lat0 = ring[0]?.[1] ?? 0;
  return ringMoments(ring, lat0).area;
}

/** area of a polygon (outer ring minus holes) in square metres, whatever the rings' orientation */
export function polygonAreaM2(polygon: Polygon): number {
  let area = 0;
  polygon.forEach((ring, i) => {
    const a = Math.abs(ringAreaM2(ring));
    area += i === 0 ? a : -a;
  });
  return Math.max(0, area);
}

export function multiPolygonAreaM2(polygons: MultiPolygon): number {
  let area = 0;
  for (const polygon of polygons) area += polygonAreaM2(polygon);
  return area;
}

/** area-weighted centroid; it may fall outside a concave shape (see interiorPoint) */
export function centroid(polygons: MultiPolygon): LngLat {
  const lat0 = polygons[0]?.[0]?.[0]?.[1] ?? 0;
  let area = 0;
  let sx = 0;
  let sy = 0;
  for (const polygon of polygons) {
    polygon.forEach((ring, i) => {
      const mo = ringMoments(ring, lat0);
      const a = (i === 0 ? 1 : -1) * Math.abs(mo.area);
      area += a;
      sx += mo.cx * a;
      sy += mo.cy * a;
    });
  }
  if (area === 0) {
    const first = polygons[0]?.[0]?.[0];
    return first ? [first[0], first[1]] : [0, 0];
  }
  return [sx / area, sy / area];
}

/**
 * A point guaranteed to lie inside the shape, for labels and for "the region's centre": the
 * centroid of the largest polygon when it is inside, else the best of a coarse search for the
 * inside point farthest from the bounding box's edges of that polygon.
 */
export function interiorPoint(polygons: MultiPolygon): LngLat {
  let largest: Polygon | undefined;
  let largestArea = -1;
  for (const polygon of polygons) {
    const a = polygonAreaM2(polygon);
    if (a > largestArea) {
      largestArea = a;
      largest = polygon;
    }
  }
  if (!largest) throw new RangeError('interiorPoint of an empty MultiPolygon');
  const c = centroid([largest]);
  if (pointInPolygon(c[0], c[1], largest)) return c;
  // Scan horizontal lines through the polygon and take the midpoint of the widest inside span:
  // cheap, always inside, and visually central enough for a label.
  const box = bboxOfMultiPolygon([largest]);
  let best: LngLat | null = null;
  let bestWidth = -1;
  const lines = 24;
  for (let k = 1; k < lines; k++) {
    const y = box[1] + ((box[3] - box[1]) * k) / lines;
    const xs: number[] = [];
    for (const ring of largest) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const a = ring[j] as Position;
        const b = ring[i] as Position;
        if (a[1] <= y !== b[1] <= y) xs.push(a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]));
      }
    }
    xs.sort((p, q) => p - q);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const width = (xs[i + 1] as number) - (xs[i] as number);
      const mid = ((xs[i] as number) + (xs[i + 1] as number)) / 2;
      if (width > bestWidth && pointInPolygon(mid, y, largest)) {
        bestWidth = width;
        best = [mid, y];
      }
    }
  }
  return best ?? [largest[0]?.[0]?.[0] ?? c[0], largest[0]?.[0]?.[1] ?? c[1]];
}

// ── random points ─────────────────────────────────────────────────────────────────────────────

/**
 * A uniformly random point inside the shape (rejection sampling within its bounding box).
 * The simulator places cameras, patrols and incidents with it. Throws after maxTries misses, which
 * only happens for shapes that fill a vanishing share of their bounding box.
 */
export function randomPointInPolygon(polygons: MultiPolygon, rng: Rng, maxTries = 10_000, box?: BBox): LngLat {
  const b = box ?? bboxOfMultiPolygon(polygons);
  for (let i = 0; i < maxTries; i++) {
    const lng = rng.float(b[0], b[2]);
    const lat = rng.float(b[1], b[3]);
    if (pointInMultiPolygon(lng, lat, polygons)) return [lng, lat];
  }
  throw new RangeError(`no random point found inside the polygon after ${maxTries} tries`);
}

/** distance in metres from a point to the segment a–b, on the local equirectangular plane */
export function pointToSegmentMeters(p: Position, a: Position, b: Position): number {
  const m = metersPerDegree(p[1]);
  const ax = (a[0] - p[0]) * m.x;
  const ay = (a[1] - p[1]) * m.y;
  const bx = (b[0] - p[0]) * m.x;
  const by = (b[1] - p[1]) * m.y;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

/** distance in metres from a point to the nearest edge of the shape (0 when inside) */
export function distanceToMultiPolygonMeters(p: Position, polygons: MultiPolygon): number {
  if (pointInMultiPolygon(p[0], p[1], polygons)) return 0;
  let best = Infinity;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const d = pointToSegmentMeters(p, ring[j] as Position, ring[i] as Position);
        if (d < best) best = d;
      }
    }
  }
  return best;
}
