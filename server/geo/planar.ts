import type { LngLat } from '@shared/schemas/common';

/**
 * The generator works on a flat plane in kilometres (a local equirectangular projection around the
 * city) so that Voronoi cells are not stretched east–west and distances and areas mean something.
 * Rings here are open (no repeated closing point) and counter-clockwise; a shape is a list of
 * disjoint rings without holes (the shipped districts have none, and clipping keeps it that way).
 */

export type XY = [number, number];
export type Ring = XY[];
/** [minX, minY, maxX, maxY] */
export type Box = [number, number, number, number];

const KM_PER_DEG_LAT = 6_371.0088 * (Math.PI / 180);

export interface Projection {
  toXY(p: readonly [number, number]): XY;
  toLngLat(p: XY): LngLat;
}

export function createProjection(lng0: number, lat0: number): Projection {
  const kx = KM_PER_DEG_LAT * Math.cos((lat0 * Math.PI) / 180);
  const ky = KM_PER_DEG_LAT;
  return {
    toXY: (p) => [(p[0] - lng0) * kx, (p[1] - lat0) * ky],
    toLngLat: (p) => [lng0 + p[0] / kx, lat0 + p[1] / ky],
  };
}

/** signed area (positive when counter-clockwise) */
export function ringArea(ring: Ring): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[j] as XY;
    const q = ring[i] as XY;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}

export function ringsArea(rings: readonly Ring[]): number {
  let a = 0;
  for (const r of rings) a += Math.abs(ringArea(r));
  return a;
}

/** area-weighted centroid of several rings */
export function ringsCentroid(rings: readonly Ring[]): XY {
  let area = 0;
  let sx = 0;
  let sy = 0;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const p = ring[j] as XY;
      const q = ring[i] as XY;
      const cross = p[0] * q[1] - q[0] * p[1];
      area += cross;
      sx += (p[0] + q[0]) * cross;
      sy += (p[1] + q[1]) * cross;
    }
  }
  if (area === 0) return ring0(rings);
  return [sx / (3 * area), sy / (3 * area)];
}

function ring0(rings: readonly Ring[]): XY {
  const p = rings[0]?.[0];
  return p ? [p[0], p[1]] : [0, 0];
}

export function ringsBox(rings: readonly Ring[]): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings) {
    for (const p of ring) {
      if (p[0] < box[0]) box[0] = p[0];
      if (p[1] < box[1]) box[1] = p[1];
      if (p[0] > box[2]) box[2] = p[0];
      if (p[1] > box[3]) box[3] = p[1];
    }
  }
  return box;
}

/** inside any of the rings (even-odd per ring; rings are disjoint) */
export function pointInRings(x: number, y: number, rings: readonly Ring[]): boolean {
  for (const ring of rings) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const p = ring[j] as XY;
      const q = ring[i] as XY;
      if (p[1] > y !== q[1] > y && x < p[0] + ((q[0] - p[0]) * (y - p[1])) / (q[1] - p[1])) inside = !inside;
    }
    if (inside) return true;
  }
  return false;
}

/** squared distance from a point to the nearest edge of the rings */
export function distanceToRingsSquared(x: number, y: number, rings: readonly Ring[]): number {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[j] as XY;
      const b = ring[i] as XY;
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len2));
      const ex = a[0] + t * dx - x;
      const ey = a[1] + t * dy - y;
      const d = ex * ex + ey * ey;
      if (d < best) best = d;
    }
  }
  return best;
}

/** open ring from GeoJSON coordinates: drops the closing point and repeated points, makes it CCW */
export function ringFromCoords(coords: readonly (readonly [number, number])[], projection: Projection): Ring {
  const ring: Ring = [];
  for (const c of coords) {
    const p = projection.toXY(c);
    const last = ring[ring.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) ring.push(p);
  }
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (ring.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) ring.pop();
  if (ringArea(ring) < 0) ring.reverse();
  return ring;
}
