import type { LngLat } from '@shared/schemas/common';

/**
 * Point-in-polygon by even-odd ray casting, with a half-open rule so that a partition of the plane
 * stays a partition on its boundaries.
 *
 * Boundary rule (what "inside" means on an edge): a polygon owns its lower and left boundary and
 * not its upper and right one. A point exactly on an edge shared by two polygons therefore belongs
 * to exactly one of them — the one lying to its right (for a vertical edge) or above it (for a
 * horizontal edge) — and a vertex shared by several polygons belongs to exactly one too, provided
 * the polygons carry the same coordinates for the shared edge. To make that hold bit for bit, each
 * edge is evaluated with its lower endpoint first, so A→B and B→A give the same intersection.
 *
 * Holes: every ring of one polygon takes part in the same even-odd count, so a point in a hole is
 * outside. A MultiPolygon contains a point when any of its polygons does.
 */

type Ring = readonly (readonly [number, number] | LngLat)[];

/** does the ray from (x, y) towards +x cross the edge (ax, ay)–(bx, by)? The one rule every test here uses. */
export function crosses(x: number, y: number, ax: number, ay: number, bx: number, by: number): boolean {
  if (ay > by) {
    // evaluate every edge from its lower end so that shared edges give identical arithmetic
    const tx = ax;
    const ty = ay;
    ax = bx;
    ay = by;
    bx = tx;
    by = ty;
  }
  // half-open in y: the edge covers ay <= y < by (horizontal edges never count)
  if (!(ay <= y && y < by)) return false;
  const xAtY = ax + ((bx - ax) * (y - ay)) / (by - ay);
  return x < xAtY;
}

/** even-odd test against a single ring (closed or not: the closing edge is always included) */
export function pointInRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  const n = ring.length;
  if (n < 3) return false;
  let prev = ring[n - 1] as readonly [number, number];
  for (let i = 0; i < n; i++) {
    const cur = ring[i] as readonly [number, number];
    if (crosses(x, y, prev[0], prev[1], cur[0], cur[1])) inside = !inside;
    prev = cur;
  }
  return inside;
}

/** a polygon is an outer ring followed by its holes (GeoJSON order) */
export function pointInPolygon(x: number, y: number, polygon: readonly Ring[]): boolean {
  let inside = false;
  for (const ring of polygon) if (pointInRing(x, y, ring)) inside = !inside;
  return inside;
}

export function pointInMultiPolygon(x: number, y: number, polygons: readonly (readonly Ring[])[]): boolean {
  for (const polygon of polygons) if (pointInPolygon(x, y, polygon)) return true;
  return false;
}
