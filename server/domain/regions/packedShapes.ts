import type { MultiPolygonCoords } from '@shared/schemas/region';
import { crosses } from './pointInPolygon';

/**
 * Many MultiPolygons packed into a handful of typed arrays, for the grid index: tens of thousands
 * of grids become one coordinate buffer instead of millions of small arrays, which is quicker to
 * build, lighter on the garbage collector and friendlier to the CPU cache on every lookup.
 *
 * Layout (each *Off array has one more entry than items, item k spans [off[k], off[k+1])):
 *   coords    x0,y0,x1,y1,… of every ring, back to back
 *   ringOff   ring k's range in coords
 *   polyOff   polygon p's range of rings (outer ring first, then holes)
 *   shapeOff  shape s's range of polygons
 */
export class PackedShapes {
  private readonly coords: Float64Array;
  private readonly ringOff: Uint32Array;
  private readonly polyOff: Uint32Array;
  private readonly shapeOff: Uint32Array;

  constructor(shapes: readonly MultiPolygonCoords[]) {
    let values = 0;
    let rings = 0;
    let polygons = 0;
    for (const shape of shapes) {
      polygons += shape.length;
      for (const polygon of shape) {
        rings += polygon.length;
        for (const ring of polygon) values += ring.length * 2;
      }
    }
    this.coords = new Float64Array(values);
    this.ringOff = new Uint32Array(rings + 1);
    this.polyOff = new Uint32Array(polygons + 1);
    this.shapeOff = new Uint32Array(shapes.length + 1);
    let v = 0;
    let r = 0;
    let p = 0;
    shapes.forEach((shape, s) => {
      for (const polygon of shape) {
        for (const ring of polygon) {
          for (const point of ring) {
            this.coords[v++] = point[0];
            this.coords[v++] = point[1];
          }
          this.ringOff[++r] = v;
        }
        this.polyOff[++p] = r;
      }
      this.shapeOff[s + 1] = p;
    });
  }

  get byteLength(): number {
    return this.coords.byteLength + this.ringOff.byteLength + this.polyOff.byteLength + this.shapeOff.byteLength;
  }

  /** even-odd test per polygon (holes count), any polygon of the shape; same rule as pointInPolygon */
  contains(shape: number, x: number, y: number): boolean {
    const { coords, ringOff, polyOff } = this;
    const lastPolygon = this.shapeOff[shape + 1] as number;
    for (let p = this.shapeOff[shape] as number; p < lastPolygon; p++) {
      let inside = false;
      const lastRing = polyOff[p + 1] as number;
      for (let k = polyOff[p] as number; k < lastRing; k++) {
        const start = ringOff[k] as number;
        const end = ringOff[k + 1] as number;
        if (end - start < 6) continue;
        let px = coords[end - 2] as number;
        let py = coords[end - 1] as number;
        for (let i = start; i < end; i += 2) {
          const cx = coords[i] as number;
          const cy = coords[i + 1] as number;
          if (crosses(x, y, px, py, cx, cy)) inside = !inside;
          px = cx;
          py = cy;
        }
      }
      if (inside) return true;
    }
    return false;
  }

  /** distance in metres from a point to the nearest edge of the shape, on the local plane */
  edgeDistanceMeters(shape: number, lng: number, lat: number, mx: number, my: number): number {
    const { coords, ringOff, polyOff } = this;
    const firstRing = polyOff[this.shapeOff[shape] as number] as number;
    const lastRing = polyOff[this.shapeOff[shape + 1] as number] as number;
    let best = Infinity;
    for (let k = firstRing; k < lastRing; k++) {
      const start = ringOff[k] as number;
      const end = ringOff[k + 1] as number;
      if (end === start) continue;
      let ax = ((coords[end - 2] as number) - lng) * mx;
      let ay = ((coords[end - 1] as number) - lat) * my;
      for (let i = start; i < end; i += 2) {
        const bx = ((coords[i] as number) - lng) * mx;
        const by = ((coords[i + 1] as number) - lat) * my;
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
        const d = Math.hypot(ax + t * dx, ay + t * dy);
        if (d < best) best = d;
        ax = bx;
        ay = by;
      }
    }
    return best;
  }
}
