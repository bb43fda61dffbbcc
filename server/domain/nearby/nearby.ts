/**
 * The queries themselves, over a GeoPointIndex and callbacks that say what a point is now.
 *
 * Patrols move while their index stands still (it is rebuilt every few seconds, not per fix), so
 * the index is asked with a slack (how far a patrol can have gone since the build) and its answers
 * are ranked again by where the patrols are now. The ranking is exact whenever the k-th patrol
 * found is nearer than any patrol the index did not return can now be; otherwise it asks again
 * for every patrol within the radius and the slack. A patrol whose first fix came after the build
 * is missing until the next one (a few seconds).
 */
import { GeoPointIndex, type IndexHit } from './pointIndex';
import { haversineM } from './geodesy';
import { hasOptics, sightOf, type CameraOptics } from './visibility';
import type { Steps } from '../../lib/slices';

export interface Located {
  lng: number;
  lat: number;
}

/**
 * The k candidates nearest to (lng, lat) within radiusM, nearest first, by their current place.
 * `current(id)` answers where a candidate is now, or null when it is no candidate (off duty, out of
 * the reader's region). `slackM`: how far any candidate may have moved since the index was built.
 */
export function nearestMoving<T extends Located>(index: GeoPointIndex, lng: number, lat: number, k: number, radiusM: number, slackM: number, current: (id: number) => T | null): { item: T; distanceM: number }[] {
  if (k <= 0) return [];
  const keep = (id: number) => current(id) !== null;
  const rank = (hits: readonly IndexHit[]) => {
    const out: { item: T; distanceM: number }[] = [];
    for (const hit of hits) {
      const item = current(hit.id);
      if (!item) continue;
      const distanceM = slackM > 0 ? haversineM(lng, lat, item.lng, item.lat) : hit.distanceM;
      if (distanceM <= radiusM) out.push({ item, distanceM });
    }
    return out.sort((a, b) => a.distanceM - b.distanceM);
  };
  const asked = slackM > 0 ? 2 * k + 8 : k;
  const hits = index.nearest(lng, lat, asked, radiusM + slackM, keep);
  let ranked = rank(hits);
  if (slackM > 0 && hits.length === asked) {
    // a candidate the index did not return was at least this far at the build, so is at least this far now
    const unseenFrom = hits[hits.length - 1]!.distanceM - slackM;
    const kth = ranked[k - 1];
    if (!kth || kth.distanceM > unseenFrom) ranked = rank(index.nearest(lng, lat, Infinity, radiusM + slackM, keep));
  }
  return ranked.slice(0, k);
}

export interface SightedCamera<C> {
  camera: C;
  distanceM: number;
  bearingDeg: number;
  /** true: its heading, field of view and range say it sees the point; null: direction unknown */
  sees: true | null;
}

/** where cameras are indexed: all of them, and apart those that reach beyond LONG_RANGE_FROM_M */
export interface CameraIndexes {
  all: GeoPointIndex;
  /** cameras (ids of `all`) whose range is longer than LONG_RANGE_FROM_M: high-point cameras, few */
  longRange: GeoPointIndex;
  /** the longest range among them */
  longestRangeM: number;
}

/** a street camera sees 50–300 m; past this a camera is a high-point one, searched in an index of its own */
export const LONG_RANGE_FROM_M = 500;

/**
 * The cameras that see (lng, lat) — those whose heading, field of view and range say so, at most
 * `limit`, nearest first — then the nearest cameras whose direction is unknown within `radiusM`,
 * at most `limit`. Cameras that know their direction and look elsewhere are left out. Cameras
 * reaching further than LONG_RANGE_FROM_M are found through their own small index: searching the
 * whole camera index out to a high-point camera's 3 km would visit thousands of street cameras.
 */
export function camerasSeeing<C extends CameraOptics>(
  indexes: CameraIndexes,
  lng: number,
  lat: number,
  opts: { radiusM: number; limit: number },
  current: (id: number) => C | null,
): SightedCamera<C>[] {
  const seeing: SightedCamera<C>[] = [];
  const unknown: SightedCamera<C>[] = [];
  const seen = new Set<number>();
  const judge = (hits: readonly IndexHit[]) => {
    for (const hit of hits) {
      if (seen.has(hit.id)) continue;
      seen.add(hit.id);
      const camera = current(hit.id);
      if (!camera) continue;
      const sight = sightOf(camera, lng, lat);
      if (sight.sees === true) seeing.push({ camera, distanceM: sight.distanceM, bearingDeg: sight.bearingDeg, sees: true });
      else if (sight.sees === null && sight.distanceM <= opts.radiusM) unknown.push({ camera, distanceM: sight.distanceM, bearingDeg: sight.bearingDeg, sees: null });
    }
  };
  judge(indexes.all.nearest(lng, lat, Infinity, Math.max(opts.radiusM, LONG_RANGE_FROM_M)));
  if (indexes.longestRangeM > LONG_RANGE_FROM_M) judge(indexes.longRange.nearest(lng, lat, Infinity, indexes.longestRangeM));
  const byDistance = (a: SightedCamera<C>, b: SightedCamera<C>) => a.distanceM - b.distanceM;
  return [...seeing.sort(byDistance).slice(0, opts.limit), ...unknown.sort(byDistance).slice(0, opts.limit)];
}

/** builds both camera indexes from a list, one shard per step */
export function* buildCameraIndexes(cameras: readonly CameraOptics[]): Steps<CameraIndexes> {
  const n = cameras.length;
  const ids = new Uint32Array(n);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const longIds: number[] = [];
  let longestRangeM = 0;
  for (let i = 0; i < n; i++) {
    const c = cameras[i]!;
    ids[i] = i;
    xs[i] = c.lng;
    ys[i] = c.lat;
    if (hasOptics(c) && c.rangeM! > LONG_RANGE_FROM_M) {
      longIds.push(i);
      longestRangeM = Math.max(longestRangeM, c.rangeM!);
    }
    if (i % 65_536 === 65_535) yield;
  }
  const all = yield* GeoPointIndex.build(ids, xs, ys);
  const longRange = yield* GeoPointIndex.build(
    longIds,
    longIds.map((i) => xs[i]!),
    longIds.map((i) => ys[i]!),
  );
  return { all, longRange, longestRangeM };
}
