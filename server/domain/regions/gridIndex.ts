import type { BBox } from '@shared/schemas/common';
import type { MultiPolygonCoords } from '@shared/schemas/region';
import { metersPerDegree } from './geo';
import { PackedShapes } from './packedShapes';

/**
 * Point → grid lookup for every GPS fix, report and camera: a uniform bucket grid over the area
 * (each bucket lists the grids whose bounding box overlaps it), then an exact point-in-polygon
 * test on those few candidates.
 *
 * Why buckets rather than an R-tree: grids tile the city with similar sizes, so a uniform grid
 * sized to ~2 buckets per grid puts a handful of candidates in each bucket, costs one division to
 * find, and is a few flat typed arrays in memory (no object per grid to chase on a lookup).
 *
 * Edge behaviour, the contract callers rely on:
 * - a point exactly on an edge or vertex shared by grids belongs to exactly one of them: the grid
 *   lying to its right, or above it for a horizontal edge (see pointInPolygon.ts); it never
 *   belongs to two;
 * - should rounding ever let two grids claim a point, the one with the lower code wins, so the
 *   answer is still deterministic;
 * - a point outside every grid gives null (use nearestGrid for GPS fixes just off the coast).
 */

export interface IndexedGrid {
  code: string;
  bbox: BBox;
  polygons: MultiPolygonCoords;
}

export interface NearestGrid {
  code: string;
  /** 0 when the point is inside the grid */
  meters: number;
}

const byCode = (a: IndexedGrid, b: IndexedGrid): number => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

export class GridIndex {
  private readonly codes: string[];
  private readonly boxes: Float64Array;
  private readonly shapes: PackedShapes;
  private readonly extent: BBox;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cellW: number;
  private readonly cellH: number;
  /** bucket b lists grids items[starts[b]] … items[starts[b+1]-1], in code order */
  private readonly starts: Uint32Array;
  private readonly items: Uint32Array;

  /** @param bucketsPerGrid how many buckets to make per grid; ~2 balances memory and candidates */
  constructor(grids: readonly IndexedGrid[], bucketsPerGrid = 2) {
    const sorted = grids.slice().sort(byCode);
    this.codes = sorted.map((g) => g.code);
    this.shapes = new PackedShapes(sorted.map((g) => g.polygons));
    this.boxes = new Float64Array(sorted.length * 4);
    const extent: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    sorted.forEach((g, i) => {
      this.boxes.set(g.bbox, i * 4);
      extent[0] = Math.min(extent[0], g.bbox[0]);
      extent[1] = Math.min(extent[1], g.bbox[1]);
      extent[2] = Math.max(extent[2], g.bbox[2]);
      extent[3] = Math.max(extent[3], g.bbox[3]);
    });
    if (sorted.length === 0) extent.splice(0, 4, 0, 0, 0, 0);
    this.extent = extent;

    // square buckets on the ground: cells as wide in metres as they are tall
    const m = metersPerDegree((extent[1] + extent[3]) / 2);
    const widthM = Math.max((extent[2] - extent[0]) * m.x, 1);
    const heightM = Math.max((extent[3] - extent[1]) * m.y, 1);
    const cellM = Math.sqrt((widthM * heightM) / Math.max(1, sorted.length * bucketsPerGrid));
    this.cols = Math.max(1, Math.ceil(widthM / cellM));
    this.rows = Math.max(1, Math.ceil(heightM / cellM));
    this.cellW = (extent[2] - extent[0]) / this.cols || 1;
    this.cellH = (extent[3] - extent[1]) / this.rows || 1;

    // two passes (count, then fill) into compressed rows, so the index is two typed arrays
    const starts = new Uint32Array(this.cols * this.rows + 1);
    const forEachBucket = (i: number, visit: (bucket: number) => void): void => {
      const c0 = this.col(this.boxes[i * 4] as number);
      const r0 = this.row(this.boxes[i * 4 + 1] as number);
      const c1 = this.col(this.boxes[i * 4 + 2] as number);
      const r1 = this.row(this.boxes[i * 4 + 3] as number);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(r * this.cols + c);
    };
    for (let i = 0; i < sorted.length; i++) forEachBucket(i, (b) => (starts[b + 1] = (starts[b + 1] as number) + 1));
    for (let b = 1; b < starts.length; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number);
    this.starts = starts;
    this.items = new Uint32Array(starts[starts.length - 1] as number);
    const fill = starts.slice(0, -1);
    // grids are visited in code order, so each bucket's list comes out sorted by code
    for (let i = 0; i < sorted.length; i++) {
      forEachBucket(i, (b) => {
        const at = fill[b] as number;
        this.items[at] = i;
        fill[b] = at + 1;
      });
    }
  }

  get size(): number {
    return this.codes.length;
  }

  /** figures for logs and the benchmark */
  stats(): { grids: number; buckets: number; entries: number; meanCandidates: number; typedArrayBytes: number } {
    let usedBuckets = 0;
    for (let b = 0; b + 1 < this.starts.length; b++) if (this.starts[b + 1] !== this.starts[b]) usedBuckets++;
    return {
      grids: this.codes.length,
      buckets: this.cols * this.rows,
      entries: this.items.length,
      // candidates a lookup meets on average, over the buckets that hold any
      meanCandidates: this.items.length / Math.max(1, usedBuckets),
      typedArrayBytes: this.boxes.byteLength + this.starts.byteLength + this.items.byteLength + this.shapes.byteLength,
    };
  }

  private col(lng: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((lng - this.extent[0]) / this.cellW)));
  }

  private row(lat: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((lat - this.extent[1]) / this.cellH)));
  }

  /** the grid containing the point, or null when the point is outside every grid */
  locate(lng: number, lat: number): string | null {
    const i = this.locateIndex(lng, lat);
    return i < 0 ? null : (this.codes[i] as string);
  }

  /**
   * The grid containing the point and how far the point lies from the grid's edges, in metres
   * (local planar approximation): a point nearer than that to this one lies in the same grid, so
   * a caller following a GPS fix skips lookups while it stays near (hub/patrolPlaces.ts). Null
   * outside every grid. (Grids that overlap — a broken geography — void the promise.)
   */
  locateWithMargin(lng: number, lat: number): { code: string; marginM: number } | null {
    const i = this.locateIndex(lng, lat);
    if (i < 0) return null;
    const m = metersPerDegree(lat);
    return { code: this.codes[i] as string, marginM: this.shapes.edgeDistanceMeters(i, lng, lat, m.x, m.y) };
  }

  private locateIndex(lng: number, lat: number): number {
    const e = this.extent;
    if (!(lng >= e[0] && lng <= e[2] && lat >= e[1] && lat <= e[3])) return -1; // also rejects NaN
    const bucket = this.row(lat) * this.cols + this.col(lng);
    const end = this.starts[bucket + 1] as number;
    const boxes = this.boxes;
    for (let k = this.starts[bucket] as number; k < end; k++) {
      const i = this.items[k] as number;
      const o = i * 4;
      if (lng < (boxes[o] as number) || lng > (boxes[o + 2] as number) || lat < (boxes[o + 1] as number) || lat > (boxes[o + 3] as number)) {
        continue;
      }
      if (this.shapes.contains(i, lng, lat)) return i;
    }
    return -1;
  }

  /**
   * The grid containing the point, else the grid with the nearest edge within maxMeters (ties go
   * to the lower code), else null. For GPS fixes that land a few metres into the sea.
   */
  nearestGrid(lng: number, lat: number, maxMeters: number): NearestGrid | null {
    const inside = this.locate(lng, lat);
    if (inside !== null) return { code: inside, meters: 0 };
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || !(maxMeters > 0)) return null;
    const m = metersPerDegree(lat);
    const dLng = maxMeters / m.x;
    const dLat = maxMeters / m.y;
    const e = this.extent;
    if (lng + dLng < e[0] || lng - dLng > e[2] || lat + dLat < e[1] || lat - dLat > e[3]) return null;
    let best: NearestGrid | null = null;
    const seen = new Set<number>();
    for (let r = this.row(lat - dLat); r <= this.row(lat + dLat); r++) {
      for (let c = this.col(lng - dLng); c <= this.col(lng + dLng); c++) {
        const b = r * this.cols + c;
        for (let k = this.starts[b] as number; k < (this.starts[b + 1] as number); k++) {
          const i = this.items[k] as number;
          if (seen.has(i)) continue;
          seen.add(i);
          const o = i * 4;
          // the distance to the bounding box is a lower bound of the distance to the shape
          const bx = Math.max((this.boxes[o] as number) - lng, 0, lng - (this.boxes[o + 2] as number)) * m.x;
          const by = Math.max((this.boxes[o + 1] as number) - lat, 0, lat - (this.boxes[o + 3] as number)) * m.y;
          const bound = Math.hypot(bx, by);
          if (bound > maxMeters || (best && bound > best.meters)) continue;
          const d = this.shapes.edgeDistanceMeters(i, lng, lat, m.x, m.y);
          const code = this.codes[i] as string;
          if (d <= maxMeters && (!best || d < best.meters || (d === best.meters && code < best.code))) best = { code, meters: d };
        }
      }
    }
    return best;
  }
}
