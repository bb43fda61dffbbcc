import { ringArea, type Ring, type XY } from './planar';

/**
 * Clipping by half-planes: the half-plane { p : nx·px + ny·py ≤ d } keeps what is on its side.
 *
 * A Voronoi cell is an intersection of half-planes, so cutting a district by a cell is a sequence
 * of half-plane cuts. Plain Sutherland–Hodgman would do for convex shapes, but a district is not
 * convex: when a cut separates a peninsula from the mainland, Sutherland–Hodgman returns one ring
 * joined by a zero-width bridge along the cut line, which a map draws as a stray line across the
 * sea. `clipRingByHalfPlane` instead pairs the crossings along the cut line and returns each piece
 * as its own ring.
 */

export interface HalfPlane {
  nx: number;
  ny: number;
  d: number;
}

/** rings smaller than this (km², i.e. 0.01 m²) are numerical dust and dropped */
const DUST_AREA = 1e-8;

function cleanRing(points: XY[]): Ring | null {
  const out: Ring = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1) {
    const first = out[0] as XY;
    const last = out[out.length - 1] as XY;
    if (first[0] === last[0] && first[1] === last[1]) out.pop();
    else break;
  }
  if (out.length < 3 || Math.abs(ringArea(out)) < DUST_AREA) return null;
  return out;
}

/** cuts a convex polygon (Sutherland–Hodgman; convex in, convex out) */
export function clipConvex(polygon: Ring, h: HalfPlane): Ring {
  const out: Ring = [];
  const n = polygon.length;
  for (let i = 0; i < n; i++) {
    const a = polygon[i] as XY;
    const b = polygon[(i + 1) % n] as XY;
    const fa = h.d - (h.nx * a[0] + h.ny * a[1]);
    const fb = h.d - (h.nx * b[0] + h.ny * b[1]);
    if (fa >= 0) out.push(a);
    if (fa >= 0 !== fb >= 0) {
      const s = fa / (fa - fb);
      out.push([a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s]);
    }
  }
  return out;
}

interface Crossing {
  /** position along the cut line, in the direction the kept side lies to the left of */
  t: number;
  node: number;
  exit: boolean;
}

/**
 * Cuts a simple counter-clockwise ring by a half-plane and returns the kept pieces, each a simple
 * counter-clockwise ring. Along the cut line, for a simple ring, the crossings sorted by position
 * alternate exit, enter, exit, enter…; each exit is joined to the enter right after it.
 */
export function clipRingByHalfPlane(ring: Ring, h: HalfPlane): Ring[] {
  const n = ring.length;
  const f = new Float64Array(n);
  let anyIn = false;
  let anyOut = false;
  for (let i = 0; i < n; i++) {
    const p = ring[i] as XY;
    const v = h.d - (h.nx * p[0] + h.ny * p[1]);
    f[i] = v;
    if (v >= 0) anyIn = true;
    else anyOut = true;
  }
  if (!anyOut) return [ring];
  if (!anyIn) return [];

  const nodes: XY[] = [];
  const nodeCrossing: number[] = [];
  const crossings: Crossing[] = [];
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const a = ring[i] as XY;
    const b = ring[j] as XY;
    const fa = f[i] as number;
    const fb = f[j] as number;
    if (fa >= 0) {
      nodes.push(a);
      nodeCrossing.push(-1);
    }
    if (fa >= 0 !== fb >= 0) {
      const s = fa / (fa - fb);
      const p: XY = [a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s];
      crossings.push({ t: -h.ny * p[0] + h.nx * p[1], node: nodes.length, exit: fa >= 0 });
      nodeCrossing.push(crossings.length - 1);
      nodes.push(p);
    }
  }

  const order = crossings.map((_, i) => i);
  // on a tie (the ring touches the line at a vertex) the exit comes first, closing a zero-length gap
  order.sort((p, q) => {
    const a = crossings[p] as Crossing;
    const b = crossings[q] as Crossing;
    return a.t - b.t || (a.exit === b.exit ? 0 : a.exit ? -1 : 1);
  });
  const partner = new Int32Array(crossings.length);
  for (let k = 0; k + 1 < order.length; k += 2) {
    const x = order[k] as number;
    const e = order[k + 1] as number;
    if (!(crossings[x] as Crossing).exit || (crossings[e] as Crossing).exit) {
      // not a simple ring (or numerical trouble): fall back to the single Sutherland–Hodgman ring
      const fallback = cleanRing(nodes);
      return fallback ? [fallback] : [];
    }
    partner[x] = e;
  }

  const visited = new Uint8Array(crossings.length);
  const pieces: Ring[] = [];
  const guard = nodes.length + crossings.length + 2;
  for (const start of order) {
    const startCrossing = crossings[start] as Crossing;
    if (startCrossing.exit || visited[start]) continue;
    const points: XY[] = [];
    let current = start;
    for (let steps = 0; steps < guard; steps++) {
      visited[current] = 1;
      let k = (crossings[current] as Crossing).node;
      points.push(nodes[k] as XY);
      k = (k + 1) % nodes.length;
      while (nodeCrossing[k] === -1) {
        points.push(nodes[k] as XY);
        k = (k + 1) % nodes.length;
      }
      const exitIndex = nodeCrossing[k] as number;
      visited[exitIndex] = 1;
      points.push(nodes[k] as XY);
      current = partner[exitIndex] as number;
      if (current === start) break;
    }
    const piece = cleanRing(points);
    if (piece) pieces.push(piece);
  }
  return pieces;
}

/** cuts every ring by every half-plane, in turn (the caller skips rings far from the cell) */
export function clipRingsByHalfPlanes(rings: readonly Ring[], halfPlanes: readonly HalfPlane[]): Ring[] {
  let current: Ring[] = rings.slice();
  for (const h of halfPlanes) {
    const next: Ring[] = [];
    for (const ring of current) for (const piece of clipRingByHalfPlane(ring, h)) next.push(piece);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}
