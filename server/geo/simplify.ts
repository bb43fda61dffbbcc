/**
 * Topology-preserving Douglas–Peucker simplification for a set of polygons that share borders
 * (the districts of a city).
 *
 * Simplifying each ring on its own would move a shared border differently in the two districts on
 * either side of it, leaving slivers of no-man's-land and overlaps (a point there would fall in no
 * district, or in two). So, as TopoJSON does, the rings are first cut into arcs at junctions — the
 * points where the set of rings running along a border changes — and each arc is simplified once;
 * both neighbours then get the very same simplified border.
 */

export type Position = [number, number];
export type PolygonRings = Position[][];

const key = (p: Position): string => `${p[0]},${p[1]}`;

/** perpendicular distance of p from the line a–b, with x scaled so distances are isotropic */
function offset(p: Position, a: Position, b: Position, xScale: number): number {
  const ax = a[0] * xScale;
  const bx = b[0] * xScale;
  const px = p[0] * xScale;
  const dx = bx - ax;
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return Math.hypot(px - ax, p[1] - a[1]);
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), p[1] - (a[1] + t * dy));
}

/** Douglas–Peucker on an open polyline; the end points are always kept */
export function douglasPeucker(line: Position[], tolerance: number, xScale = 1): Position[] {
  if (line.length <= 2) return line.slice();
  const keep = new Uint8Array(line.length);
  keep[0] = 1;
  keep[line.length - 1] = 1;
  const stack: [number, number][] = [[0, line.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop() as [number, number];
    let worst = -1;
    let worstIndex = -1;
    for (let i = first + 1; i < last; i++) {
      const d = offset(line[i] as Position, line[first] as Position, line[last] as Position, xScale);
      if (d > worst) {
        worst = d;
        worstIndex = i;
      }
    }
    if (worst > tolerance && worstIndex > 0) {
      keep[worstIndex] = 1;
      stack.push([first, worstIndex], [worstIndex, last]);
    }
  }
  return line.filter((_, i) => keep[i] === 1);
}

/** drops the closing point and consecutive duplicates */
function openRing(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push([p[0], p[1]]);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) out.pop();
  return out;
}

/**
 * Points where borders meet: a point is a junction when the rings passing through it do not all
 * have the same two neighbours there (TopoJSON's rule).
 */
function findJunctions(rings: Position[][]): Set<string> {
  const neighbours = new Map<string, string>();
  const junctions = new Set<string>();
  for (const ring of rings) {
    const n = ring.length;
    ring.forEach((p, i) => {
      const k = key(p);
      const a = key(ring[(i + n - 1) % n] as Position);
      const b = key(ring[(i + 1) % n] as Position);
      const pair = a < b ? `${a}|${b}` : `${b}|${a}`;
      const seen = neighbours.get(k);
      if (seen === undefined) neighbours.set(k, pair);
      else if (seen !== pair) junctions.add(k);
    });
  }
  return junctions;
}

export interface SimplifyOptions {
  /** tolerance in degrees of latitude (≈ 111 km per degree) */
  tolerance: number;
  /** polygons smaller than this (in square degrees of latitude) are dropped, e.g. specks of islands */
  minArea: number;
}

function ringArea(ring: Position[], xScale: number): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j] as Position)[0] * xScale * (ring[i] as Position)[1] - (ring[i] as Position)[0] * xScale * (ring[j] as Position)[1];
  }
  return a / 2;
}

/**
 * Simplifies every feature's polygons together. Input and output are MultiPolygon coordinates
 * (closed rings). Output rings are counter-clockwise outside and clockwise for holes (RFC 7946).
 */
export function simplifySharedPolygons(features: PolygonRings[][], options: SimplifyOptions): PolygonRings[][] {
  const allRings = features.flatMap((polygons) => polygons.flatMap((rings) => rings.map(openRing)));
  const meanLat = allRings.reduce((s, r) => s + (r[0]?.[1] ?? 0), 0) / Math.max(1, allRings.length);
  const xScale = Math.cos((meanLat * Math.PI) / 180);
  const junctions = findJunctions(allRings.filter((r) => r.length >= 3));
  const arcCache = new Map<string, Position[]>();

  const simplifyArc = (arc: Position[]): Position[] => {
    // the same border is met once in each direction: cache it under a direction-free key
    const forward = arc.map(key).join(';');
    const backward = arc.slice().reverse().map(key).join(';');
    const cacheKey = forward < backward ? forward : backward;
    const cached = arcCache.get(cacheKey);
    if (cached) return forward === cacheKey ? cached : cached.slice().reverse();
    const canonical = forward === cacheKey ? arc : arc.slice().reverse();
    const simplified = douglasPeucker(canonical, options.tolerance, xScale);
    arcCache.set(cacheKey, simplified);
    return forward === cacheKey ? simplified : simplified.slice().reverse();
  };

  const simplifyRing = (closedRing: Position[]): Position[] | null => {
    const ring = openRing(closedRing);
    if (ring.length < 3) return null;
    const n = ring.length;
    let cuts = ring.map((p, i) => (junctions.has(key(p)) ? i : -1)).filter((i) => i >= 0);
    if (cuts.length === 0) {
      // a ring of its own (an island, or the coast all round): cut it at its first point and at
      // the point farthest from it so that Douglas–Peucker has two fixed ends to work from
      let far = 0;
      let farDist = -1;
      ring.forEach((p, i) => {
        const d = Math.hypot((p[0] - (ring[0] as Position)[0]) * xScale, p[1] - (ring[0] as Position)[1]);
        if (d > farDist) {
          farDist = d;
          far = i;
        }
      });
      cuts = [0, far];
    }
    const out: Position[] = [];
    for (let c = 0; c < cuts.length; c++) {
      const start = cuts[c] as number;
      const end = cuts[(c + 1) % cuts.length] as number;
      const arc: Position[] = [];
      for (let i = start; ; i = (i + 1) % n) {
        arc.push(ring[i] as Position);
        if (arc.length > 1 && i === end) break;
        if (arc.length > n + 1) break;
      }
      const simplified = simplifyArc(arc);
      out.push(...simplified.slice(0, -1)); // the arc's last point starts the next arc
    }
    if (out.length < 3) return null;
    out.push([(out[0] as Position)[0], (out[0] as Position)[1]]);
    return out;
  };

  return features.map((polygons) => {
    const result: PolygonRings[] = [];
    for (const rings of polygons) {
      const outer = rings[0] ? simplifyRing(rings[0]) : null;
      if (!outer || Math.abs(ringArea(outer, xScale)) < options.minArea) continue;
      if (ringArea(outer, xScale) < 0) outer.reverse();
      const polygon: PolygonRings = [outer];
      for (const hole of rings.slice(1)) {
        const h = simplifyRing(hole);
        if (!h || Math.abs(ringArea(h, xScale)) < options.minArea) continue;
        if (ringArea(h, xScale) > 0) h.reverse();
        polygon.push(h);
      }
      result.push(polygon);
    }
    return result;
  });
}
