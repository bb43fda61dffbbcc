import { clipConvex, clipRingsByHalfPlanes, type HalfPlane } from './clip';
import { ringsBox, type Box, type Ring, type XY } from './planar';

/**
 * Voronoi cells by half-plane intersection, neighbour-limited.
 *
 * A site's cell starts as the bounding box and is cut by the bisector with each other site, nearest
 * first. A site farther than twice the cell's current radius (the distance from the site to its
 * farthest vertex) cannot cut the cell any more, so the search stops there: with sites bucketed in
 * a uniform grid this makes the whole diagram about O(n) instead of O(n²), which is what lets the
 * province-scale city (tens of thousands of grids) be generated in seconds.
 */

export interface VoronoiCell {
  /** the convex cell, clipped to the bounds, counter-clockwise */
  polygon: Ring;
  /** the bisectors that bound the cell (the bounds themselves are not included) */
  halfPlanes: HalfPlane[];
}

/** the half-plane of points at least as close to `a` as to `b`; (a,b) and (b,a) negate exactly */
function bisector(sites: readonly XY[], i: number, j: number): HalfPlane {
  const lo = sites[Math.min(i, j)] as XY;
  const hi = sites[Math.max(i, j)] as XY;
  const nx = hi[0] - lo[0];
  const ny = hi[1] - lo[1];
  const d = (hi[0] * hi[0] + hi[1] * hi[1] - (lo[0] * lo[0] + lo[1] * lo[1])) / 2;
  return i < j ? { nx, ny, d } : { nx: -nx, ny: -ny, d: -d };
}

class SiteBuckets {
  readonly size: number;
  readonly cols: number;
  readonly rows: number;
  private readonly cells: number[][];

  constructor(
    private readonly sites: readonly XY[],
    private readonly bounds: Box,
  ) {
    const w = Math.max(bounds[2] - bounds[0], 1e-9);
    const h = Math.max(bounds[3] - bounds[1], 1e-9);
    this.size = Math.sqrt((w * h) / Math.max(1, sites.length)) * 1.5;
    this.cols = Math.max(1, Math.ceil(w / this.size));
    this.rows = Math.max(1, Math.ceil(h / this.size));
    this.cells = Array.from({ length: this.cols * this.rows }, () => []);
    sites.forEach((s, i) => this.cells[this.indexOf(s)]?.push(i));
  }

  col(x: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.bounds[0]) / this.size)));
  }

  row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.bounds[1]) / this.size)));
  }

  private indexOf(p: XY): number {
    return this.row(p[1]) * this.cols + this.col(p[0]);
  }

  /** the sites in the buckets at Chebyshev distance exactly `ring` from (col, row) */
  ringSites(col: number, row: number, ring: number, visit: (site: number) => void): boolean {
    let any = false;
    for (let r = row - ring; r <= row + ring; r++) {
      if (r < 0 || r >= this.rows) continue;
      const edgeRow = r === row - ring || r === row + ring;
      for (let c = col - ring; c <= col + ring; c += edgeRow ? 1 : 2 * ring || 1) {
        if (c < 0 || c >= this.cols) continue;
        any = true;
        for (const s of this.cells[r * this.cols + c] ?? []) visit(s);
      }
    }
    return any;
  }
}

export function voronoiCells(sites: readonly XY[], bounds: Box): VoronoiCell[] {
  const buckets = new SiteBuckets(sites, bounds);
  const rect: Ring = [
    [bounds[0], bounds[1]],
    [bounds[2], bounds[1]],
    [bounds[2], bounds[3]],
    [bounds[0], bounds[3]],
  ];
  return sites.map((site, i) => {
    let polygon = rect;
    const used: HalfPlane[] = [];
    const col = buckets.col(site[0]);
    const row = buckets.row(site[1]);
    for (let ring = 0; ; ring++) {
      const reachable = buckets.ringSites(col, row, ring, (j) => {
        if (j === i) return;
        const other = sites[j] as XY;
        if (other[0] === site[0] && other[1] === site[1]) return; // duplicate site: no bisector
        const h = bisector(sites, i, j);
        const clipped = clipConvex(polygon, h);
        if (clipped.length !== polygon.length || clipped.some((p, k) => p !== polygon[k])) {
          polygon = clipped;
          used.push(h);
        }
      });
      if (!reachable) break;
      // every site in bucket ring+1 or beyond is at least ring·size away from this site
      let radius = 0;
      for (const p of polygon) radius = Math.max(radius, Math.hypot(p[0] - site[0], p[1] - site[1]));
      if (ring * buckets.size >= 2 * radius) break;
    }
    // keep only the bisectors that still carry an edge of the final cell
    const scale = Math.max(1e-12, Math.abs(bounds[2] - bounds[0]) + Math.abs(bounds[3] - bounds[1]));
    const halfPlanes = used.filter((h) => {
      const norm = Math.hypot(h.nx, h.ny);
      let onIt = 0;
      for (const p of polygon) if (Math.abs(h.d - h.nx * p[0] - h.ny * p[1]) / norm < scale * 1e-9) onIt++;
      return onIt >= 2;
    });
    return { polygon, halfPlanes };
  });
}

/**
 * Splits a shape (disjoint counter-clockwise rings) among sites lying inside it: each site gets
 * the part of the shape closer to it than to any other site — possibly several pieces, e.g. an
 * island that is nearest to a coastal site.
 */
export function partitionShape(shape: readonly Ring[], sites: readonly XY[]): Ring[][] {
  if (sites.length === 1) return [shape.slice()];
  const box = ringsBox(shape);
  const margin = Math.max(box[2] - box[0], box[3] - box[1]) * 0.01 + 1e-6;
  const bounds: Box = [box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin];
  const ringBoxes = shape.map((r) => ringsBox([r]));
  return voronoiCells(sites, bounds).map((cell) => {
    const cellBox = ringsBox([cell.polygon]);
    const candidates = shape.filter((_, k) => {
      const rb = ringBoxes[k] as Box;
      return rb[0] <= cellBox[2] && cellBox[0] <= rb[2] && rb[1] <= cellBox[3] && cellBox[1] <= rb[3];
    });
    return clipRingsByHalfPlanes(candidates, cell.halfPlanes);
  });
}
