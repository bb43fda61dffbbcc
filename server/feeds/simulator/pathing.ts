/**
 * Paths inside a grid. A patrol walks straight lines between waypoints; a waypoint is accepted
 * only when the whole segment from the current position stays inside the grid polygon (no edge
 * of any ring is crossed), so tracks never leave the grid even where a generated grid is concave.
 */
import type { BBox } from '@shared/schemas/common';
import type { MultiPolygonCoords } from '@shared/schemas/region';
import { metersPerDegree, randomPointInPolygon } from '../../domain/regions/geo';
import { pointInMultiPolygon } from '../../domain/regions/pointInPolygon';
import type { Rng } from '../../lib/rng';

export type Point = readonly [number, number];

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** do segments p1–p2 and q1–q2 intersect (touching counts)? */
function segmentsIntersect(p1x: number, p1y: number, p2x: number, p2y: number, q1x: number, q1y: number, q2x: number, q2y: number): boolean {
  const d1 = orient(q1x, q1y, q2x, q2y, p1x, p1y);
  const d2 = orient(q1x, q1y, q2x, q2y, p2x, p2y);
  const d3 = orient(p1x, p1y, p2x, p2y, q1x, q1y);
  const d4 = orient(p1x, p1y, p2x, p2y, q2x, q2y);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  // collinear or touching: treat as crossing, a patrol should not walk along the boundary
  return (d1 === 0 && onSegment(q1x, q1y, q2x, q2y, p1x, p1y)) ||
    (d2 === 0 && onSegment(q1x, q1y, q2x, q2y, p2x, p2y)) ||
    (d3 === 0 && onSegment(p1x, p1y, p2x, p2y, q1x, q1y)) ||
    (d4 === 0 && onSegment(p1x, p1y, p2x, p2y, q2x, q2y));
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** true when the segment a–b lies inside the shape: both ends inside and no ring edge crossed */
export function segmentInside(a: Point, b: Point, polygons: MultiPolygonCoords): boolean {
  if (!pointInMultiPolygon(a[0], a[1], polygons) || !pointInMultiPolygon(b[0], b[1], polygons)) return false;
  const minX = Math.min(a[0], b[0]);
  const maxX = Math.max(a[0], b[0]);
  const minY = Math.min(a[1], b[1]);
  const maxY = Math.max(a[1], b[1]);
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const p = ring[j]!;
        const q = ring[i]!;
        if (Math.max(p[0], q[0]) < minX || Math.min(p[0], q[0]) > maxX || Math.max(p[1], q[1]) < minY || Math.min(p[1], q[1]) > maxY) continue;
        if (segmentsIntersect(a[0], a[1], b[0], b[1], p[0], p[1], q[0], q[1])) return false;
      }
    }
  }
  return true;
}

/**
 * The next waypoint from `from`: a random point of the grid reachable in a straight line, else a
 * short hop (≤ 40 m) that is, else `from` itself (stand still and try again later).
 */
export function nextWaypoint(from: Point, polygons: MultiPolygonCoords, bbox: BBox, rng: Rng): Point {
  for (let i = 0; i < 12; i++) {
    let p: Point;
    try {
      p = randomPointInPolygon(polygons, rng, 200, bbox);
    } catch {
      break;
    }
    if (segmentInside(from, p, polygons)) return p;
  }
  const m = metersPerDegree(from[1]);
  for (let i = 0; i < 12; i++) {
    const d = rng.float(5, 40);
    const angle = rng.float(0, 2 * Math.PI);
    const p: Point = [from[0] + (d * Math.cos(angle)) / m.x, from[1] + (d * Math.sin(angle)) / m.y];
    if (segmentInside(from, p, polygons)) return p;
  }
  return from;
}

/** a starting point for a patrol: a random point of the grid */
export function startPoint(polygons: MultiPolygonCoords, bbox: BBox, rng: Rng): Point {
  return randomPointInPolygon(polygons, rng, 10_000, bbox);
}
