/**
 * A static index of points for "nearest to here" queries: kdbush (a packed k-d tree) with
 * geokdbush's great-circle k-nearest search over it. Both are maintained by the author of
 * Leaflet/MapLibre's spatial code; geokdbush ships ESM with types, so it fits as it is.
 *
 * Why shards: kdbush's finish() sorts every point in one call. Measured here on 330,000 points it
 * took 110–280 ms, one turn of the event loop that the hub may not spend (DESIGN.md: never hold it
 * ~100 ms). The points are cut into shards of SHARD_SIZE, each its own kdbush finished in a step
 * of its own (a generator: runInSlices gives the loop a turn between shards), and a query asks
 * the shards whose extent comes within the radius, and merges. The points are put in Z order
 * first (spatialOrder), so that a shard is an area of its own and most shards are skipped by their
 * extent. The price: at province scale a query costs several times one unsharded kdbush (measured
 * here ~240 µs against ~35 µs for k = 10 within 3 km, 80 % of 330,000 points around one city);
 * both are far below a scan of every point (~9 ms). A single kdbush built in a worker thread and
 * handed over as its ArrayBuffer (KDBush.from) would give both; not done yet.
 */
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import type { Steps } from '../../lib/slices';
import { haversineM } from './geodesy';

/** points per kdbush: finish() of 32,768 points takes ~10 ms here */
export const SHARD_SIZE = 32_768;

export interface IndexHit {
  /** the caller's id of the point (a patrol's idx, a camera's place in a list) */
  id: number;
  /** great-circle distance from the query point to the point as indexed */
  distanceM: number;
}

interface Shard {
  kd: KDBush;
  /** the shard's extent [minLng, minLat, maxLng, maxLat]: a shard beyond the radius is not asked */
  box: [number, number, number, number];
  ids: Uint32Array;
  lng: Float64Array;
  lat: Float64Array;
}

export class GeoPointIndex {
  private constructor(
    private readonly shards: readonly Shard[],
    readonly size: number,
  ) {}

  static empty(): GeoPointIndex {
    return new GeoPointIndex([], 0);
  }

  /**
   * Builds the index from columns (ids[i] at lng[i], lat[i]), one shard per step. Run it with
   * runToEnd (tests, small inputs) or runInSlices (the hub).
   */
  static *build(ids: ArrayLike<number>, lng: ArrayLike<number>, lat: ArrayLike<number>, shardSize = SHARD_SIZE): Steps<GeoPointIndex> {
    const n = ids.length;
    if (lng.length !== n || lat.length !== n) throw new RangeError('ids, lng and lat must be of the same length');
    const order = yield* spatialOrder(lng, lat);
    const shards: Shard[] = [];
    for (let start = 0; start < n; start += shardSize) {
      const count = Math.min(n, start + shardSize) - start;
      const shard: Shard = { kd: new KDBush(count), box: [Infinity, Infinity, -Infinity, -Infinity], ids: new Uint32Array(count), lng: new Float64Array(count), lat: new Float64Array(count) };
      for (let i = 0; i < count; i++) {
        const from = order[start + i]!;
        const x = lng[from]!;
        const y = lat[from]!;
        shard.ids[i] = ids[from]!;
        shard.lng[i] = x;
        shard.lat[i] = y;
        shard.kd.add(x, y);
        if (x < shard.box[0]) shard.box[0] = x;
        if (y < shard.box[1]) shard.box[1] = y;
        if (x > shard.box[2]) shard.box[2] = x;
        if (y > shard.box[3]) shard.box[3] = y;
      }
      shard.kd.finish();
      shards.push(shard);
      yield;
    }
    return new GeoPointIndex(shards, n);
  }

  get shardCount(): number {
    return this.shards.length;
  }

  /**
   * The k points nearest to (lng, lat) within maxM metres that `keep` accepts (by the caller's
   * id), nearest first. k = Infinity answers every point within maxM.
   */
  nearest(lng: number, lat: number, k: number, maxM: number, keep?: (id: number) => boolean): IndexHit[] {
    if (k <= 0 || this.size === 0) return [];
    const hits: IndexHit[] = [];
    const maxKm = maxM / 1000;
    // the radius in degrees, generously: latitude degrees are ≥ 110.5 km, longitude degrees shrink with cos(lat)
    const dLat = maxM / 110_500;
    const cosLat = Math.cos((Math.min(89, Math.abs(lat) + dLat) * Math.PI) / 180);
    const dLng = Math.min(360, dLat / Math.max(cosLat, 1e-6));
    for (const shard of this.shards) {
      const [x0, y0, x1, y1] = shard.box;
      // geokdbush walks a far shard down to its nearest point before it gives up: skip it here
      if (lat < y0 - dLat || lat > y1 + dLat || lng < x0 - dLng || lng > x1 + dLng) continue;
      const predicate = keep ? (i: number) => keep(shard.ids[i]!) : undefined;
      for (const i of around(shard.kd, lng, lat, k, maxKm, predicate)) {
        hits.push({ id: shard.ids[i]!, distanceM: haversineM(lng, lat, shard.lng[i]!, shard.lat[i]!) });
      }
    }
    hits.sort((a, b) => a.distanceM - b.distanceM || a.id - b.id);
    // geokdbush's cut-off and haversineM use the same radius; a hair's rounding either way is dropped here
    let end = Math.min(hits.length, k);
    while (end > 0 && hits[end - 1]!.distanceM > maxM) end--;
    return hits.length > end ? hits.slice(0, end) : hits;
  }
}

const CELLS_PER_SIDE = 256;
const STEP_POINTS = 65_536;

/**
 * The points' places in Z order of a 256 × 256 grid over their extent (a counting sort: linear, no
 * comparisons), so that consecutive shards cover areas of their own whatever order the points came
 * in. A query then finds most shards' nearest boxes beyond its radius and leaves them at once:
 * with points in random order every shard spans the province and each answers k points.
 */
function* spatialOrder(lng: ArrayLike<number>, lat: ArrayLike<number>): Steps<Uint32Array> {
  const n = lng.length;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = lng[i]!;
    const y = lat[i]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    if (i % STEP_POINTS === STEP_POINTS - 1) yield;
  }
  const sx = (CELLS_PER_SIDE - 1) / Math.max(maxX - minX, 1e-9);
  const sy = (CELLS_PER_SIDE - 1) / Math.max(maxY - minY, 1e-9);
  const keys = new Uint16Array(n);
  const counts = new Uint32Array(CELLS_PER_SIDE * CELLS_PER_SIDE + 1);
  for (let i = 0; i < n; i++) {
    const key = morton(Math.floor((lng[i]! - minX) * sx), Math.floor((lat[i]! - minY) * sy));
    keys[i] = key;
    counts[key + 1]!++;
    if (i % STEP_POINTS === STEP_POINTS - 1) yield;
  }
  for (let k = 1; k < counts.length; k++) counts[k]! += counts[k - 1]!;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    order[counts[keys[i]!]!++] = i;
    if (i % STEP_POINTS === STEP_POINTS - 1) yield;
  }
  return order;
}

/** interleaves the bits of two 8-bit cell numbers */
function morton(x: number, y: number): number {
  let key = 0;
  for (let bit = 0; bit < 8; bit++) key |= (((x >> bit) & 1) << (2 * bit)) | (((y >> bit) & 1) << (2 * bit + 1));
  return key;
}
