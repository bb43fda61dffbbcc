/**
 * Nearest units at province scale (issue 16): 330,000 patrols and 400,000 cameras spread like
 * Zhejiang's (lng 118–123, lat 27–31.2: most of them around eleven city centres, the rest over the
 * countryside). Per query: the 10 on-duty patrols nearest within 3 km, and the cameras within
 * 500 m that see the point (plus high-point cameras whose range reaches it) — through the point
 * index (kdbush + geokdbush in shards, server/domain/nearby) and through a naive scan of every
 * unit, in the same run, on the same query points. Both must give the same answer; the figures
 * are printed, never asserted. Also: how long the index takes to build and the longest step of
 * a build (one turn of the hub's event loop), beside one unsharded kdbush.
 *
 *   npx tsx tests/bench/nearby.bench.ts      (npm run bench -- nearby)
 */
import { pathToFileURL } from 'node:url';
import KDBush from 'kdbush';
import { buildCameraIndexes, camerasSeeing, GeoPointIndex, haversineM, nearestMoving, sightOf, type CameraOptics } from '../../server/domain/nearby';
import { createRng, type Rng } from '../../server/lib/rng';
import type { Steps } from '../../server/lib/slices';
import { writeBenchResult } from './support/benchResults';

const PATROLS = 330_000;
const CAMERAS = 400_000;
const BOX = [118.0, 27.0, 123.0, 31.2] as const;
// the eleven prefecture-level cities, roughly (GCJ-02 is a few hundred metres off WGS-84; no matter here)
const CITIES: readonly [number, number, number][] = [
  [120.16, 30.27, 3], // 杭州
  [121.55, 29.87, 2], // 宁波
  [120.7, 28.0, 2], // 温州
  [120.58, 30.0, 1], // 绍兴
  [120.08, 29.3, 1], // 金华 / 义乌
  [121.42, 28.66, 1], // 台州
  [120.75, 30.75, 1], // 嘉兴
  [120.09, 30.89, 1], // 湖州
  [118.87, 28.94, 0.6], // 衢州
  [119.92, 28.45, 0.6], // 丽水
  [122.2, 30.0, 0.5], // 舟山
];
const K = 10;
const PATROL_RADIUS_M = 3_000;
const CAMERA_RADIUS_M = 500;
const QUERIES = 2_000;
const NAIVE_QUERIES = 60;
/** what the hub's slack is when its patrol index is 5 s old (5 s × 120 km/h) */
const STALE_SLACK_M = (5 * 120) / 3.6;

interface Columns {
  lng: Float64Array;
  lat: Float64Array;
}

/** 80 % around the cities (normal, ~12 km), 20 % anywhere in the box */
function spread(rng: Rng, n: number): Columns {
  const weights = CITIES.map((c) => c[2]);
  const lng = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.8)) {
      const [x, y] = rng.weighted(CITIES, weights);
      lng[i] = Math.min(BOX[2], Math.max(BOX[0], rng.normal(x, 0.12)));
      lat[i] = Math.min(BOX[3], Math.max(BOX[1], rng.normal(y, 0.1)));
    } else {
      lng[i] = rng.float(BOX[0], BOX[2]);
      lat[i] = rng.float(BOX[1], BOX[3]);
    }
  }
  return { lng, lat };
}

/** runs a build to the end, timing every step (each step is one turn of the event loop in the hub) */
function timedBuild<T>(steps: Steps<T>): { value: T; totalMs: number; longestStepMs: number; steps: number } {
  const t0 = performance.now();
  let longest = 0;
  let count = 0;
  for (;;) {
    const s = performance.now();
    const next = steps.next();
    longest = Math.max(longest, performance.now() - s);
    count++;
    if (next.done) return { value: next.value, totalMs: performance.now() - t0, longestStepMs: longest, steps: count };
  }
}

function naivePatrols(p: Columns, onDuty: Uint8Array, lng: number, lat: number): number[] {
  const best: { id: number; d: number }[] = [];
  for (let i = 0; i < p.lng.length; i++) {
    if (!onDuty[i]) continue;
    const d = haversineM(lng, lat, p.lng[i]!, p.lat[i]!);
    if (d > PATROL_RADIUS_M || (best.length === K && d >= best[K - 1]!.d)) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.d > d) at--;
    best.splice(at, 0, { id: i, d });
    if (best.length > K) best.pop();
  }
  return best.map((b) => b.id);
}

function naiveCameras(cams: readonly CameraOptics[], lng: number, lat: number): string {
  const seeing: { id: number; d: number }[] = [];
  const unknown: { id: number; d: number }[] = [];
  for (let i = 0; i < cams.length; i++) {
    // a fair scan: the distance first, the bearing only for cameras that could reach the point
    const c = cams[i]!;
    const d = haversineM(lng, lat, c.lng, c.lat);
    if (d > Math.max(CAMERA_RADIUS_M, c.rangeM ?? 0)) continue;
    const sight = sightOf(c, lng, lat, d);
    if (sight.sees === true) seeing.push({ id: i, d: sight.distanceM });
    else if (sight.sees === null && sight.distanceM <= CAMERA_RADIUS_M) unknown.push({ id: i, d: sight.distanceM });
  }
  const by = (a: { d: number }, b: { d: number }) => a.d - b.d;
  return [...seeing.sort(by).slice(0, K), ...unknown.sort(by).slice(0, K)].map((c) => c.id).join(',');
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default function run(): void {
  const rng = createRng('nearby-bench');
  const patrols = spread(rng, PATROLS);
  // on duty or responding: about two thirds (the rest off duty or offline)
  const onDuty = new Uint8Array(PATROLS).map(() => (rng.chance(0.67) ? 1 : 0));
  const camPoints = spread(rng, CAMERAS);
  const cams: CameraOptics[] = [];
  for (let i = 0; i < CAMERAS; i++) {
    const base = { lng: camPoints.lng[i]!, lat: camPoints.lat[i]! };
    if (!rng.chance(0.6)) cams.push(base);
    else if (rng.chance(0.03)) cams.push({ ...base, heading: rng.int(0, 359), fovDeg: 60, rangeM: rng.int(10, 30) * 100 });
    else cams.push({ ...base, heading: rng.int(0, 359), fovDeg: rng.pick([40, 60, 90, 360]), rangeM: rng.int(6, 20) * 10 });
  }

  // ── builds ──
  const ids = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);
  // the first build runs kdbush's sort cold (not yet optimised by the JIT); the hub rebuilds every few seconds, warm
  const coldBuild = timedBuild(GeoPointIndex.build(ids(PATROLS), patrols.lng, patrols.lat));
  const cameraBuild = timedBuild(buildCameraIndexes(cams));
  const patrolBuild = timedBuild(GeoPointIndex.build(ids(PATROLS), patrols.lng, patrols.lat));
  const t0 = performance.now();
  const single = new KDBush(PATROLS);
  for (let i = 0; i < PATROLS; i++) single.add(patrols.lng[i]!, patrols.lat[i]!);
  const singleAddMs = performance.now() - t0;
  single.finish();
  const singleFinishMs = performance.now() - t0 - singleAddMs;
  const patrolIndex = patrolBuild.value;
  const cameraIndexes = cameraBuild.value;
  const longestRangeM = cameraIndexes.longestRangeM;

  // query points: where units are (a case is reported where people are) and a few anywhere
  const queries = Array.from({ length: QUERIES }, () => {
    if (rng.chance(0.1)) return { lng: rng.float(BOX[0], BOX[2]), lat: rng.float(BOX[1], BOX[3]) };
    const i = rng.int(0, PATROLS - 1);
    return { lng: patrols.lng[i]! + rng.normal(0, 0.003), lat: patrols.lat[i]! + rng.normal(0, 0.003) };
  });

  const current = (i: number) => (onDuty[i] ? { lng: patrols.lng[i]!, lat: patrols.lat[i]! } : null);
  const indexCameras = (q: { lng: number; lat: number }) =>
    camerasSeeing(cameraIndexes, q.lng, q.lat, { radiusM: CAMERA_RADIUS_M, limit: K }, (i) => cams[i]!);

  // warm the JIT on both paths
  for (const q of queries.slice(0, 200)) {
    nearestMoving(patrolIndex, q.lng, q.lat, K, PATROL_RADIUS_M, 0, current);
    indexCameras(q);
  }

  let t = performance.now();
  let patrolsFound = 0;
  for (const q of queries) patrolsFound += nearestMoving(patrolIndex, q.lng, q.lat, K, PATROL_RADIUS_M, 0, current).length;
  const indexPatrolUs = ((performance.now() - t) * 1000) / QUERIES;
  t = performance.now();
  for (const q of queries) nearestMoving(patrolIndex, q.lng, q.lat, K, PATROL_RADIUS_M, STALE_SLACK_M, current);
  const stalePatrolUs = ((performance.now() - t) * 1000) / QUERIES;
  t = performance.now();
  let camerasFound = 0;
  let seeingFound = 0;
  for (const q of queries) {
    const list = indexCameras(q);
    camerasFound += list.length;
    seeingFound += list.filter((c) => c.sees).length;
  }
  const indexCameraUs = ((performance.now() - t) * 1000) / QUERIES;

  // the naive scans, on the first queries; every answer compared with the index's
  const naiveSet = queries.slice(0, NAIVE_QUERIES);
  let disagreements = 0;
  t = performance.now();
  const naiveP = naiveSet.map((q) => naivePatrols(patrols, onDuty, q.lng, q.lat));
  const naivePatrolUs = ((performance.now() - t) * 1000) / NAIVE_QUERIES;
  t = performance.now();
  const naiveC = naiveSet.map((q) => naiveCameras(cams, q.lng, q.lat));
  const naiveCameraUs = ((performance.now() - t) * 1000) / NAIVE_QUERIES;
  naiveSet.forEach((q, n) => {
    const dist = (ids: readonly number[]) => ids.map((i) => haversineM(q.lng, q.lat, patrols.lng[i]!, patrols.lat[i]!).toFixed(3)).join(',');
    const fresh = nearestMoving(patrolIndex, q.lng, q.lat, K, PATROL_RADIUS_M, 0, current).map((h) => h.distanceM.toFixed(3)).join(',');
    const stale = nearestMoving(patrolIndex, q.lng, q.lat, K, PATROL_RADIUS_M, STALE_SLACK_M, current).map((h) => h.distanceM.toFixed(3)).join(',');
    if (fresh !== dist(naiveP[n]!) || stale !== fresh) disagreements++;
    const camIds = indexCameras(q).map((c) => cams.indexOf(c.camera)).join(',');
    if (camIds !== naiveC[n]) disagreements++;
  });

  const figures = {
    patrols: PATROLS,
    cameras: CAMERAS,
    camerasWithOptics: cams.filter((c) => c.rangeM !== undefined).length,
    build: {
      patrolsColdMs: coldBuild.totalMs,
      patrolsColdLongestStepMs: coldBuild.longestStepMs,
      patrolsMs: patrolBuild.totalMs,
      patrolsLongestStepMs: patrolBuild.longestStepMs,
      patrolShards: patrolIndex.shardCount,
      camerasMs: cameraBuild.totalMs,
      camerasLongestStepMs: cameraBuild.longestStepMs,
      cameraShards: cameraIndexes.all.shardCount + cameraIndexes.longRange.shardCount,
      highPointCameras: cameraIndexes.longRange.size,
      singleKdbushAddMs: singleAddMs,
      singleKdbushFinishMs: singleFinishMs,
    },
    perQueryUs: {
      patrolsIndex: indexPatrolUs,
      patrolsIndexStale5s: stalePatrolUs,
      patrolsNaive: naivePatrolUs,
      camerasIndex: indexCameraUs,
      camerasNaive: naiveCameraUs,
    },
    speedup: { patrols: naivePatrolUs / indexPatrolUs, cameras: naiveCameraUs / indexCameraUs, both: (naivePatrolUs + naiveCameraUs) / (indexPatrolUs + indexCameraUs) },
    meanPatrolsFound: patrolsFound / QUERIES,
    meanCamerasListed: camerasFound / QUERIES,
    meanCamerasSeeing: seeingFound / QUERIES,
    queries: QUERIES,
    naiveQueries: NAIVE_QUERIES,
    disagreements,
  };

  console.log(`\nnearest units at province scale: ${fmt(PATROLS)} patrols (~67 % on duty), ${fmt(CAMERAS)} cameras (${fmt(figures.camerasWithOptics)} with heading, FOV and range)`);
  console.log(
    [
      `  index build: patrols ${fmt(patrolBuild.totalMs, 1)} ms in ${patrolIndex.shardCount} shards (longest step ${fmt(patrolBuild.longestStepMs, 1)} ms; the first, cold build ${fmt(coldBuild.totalMs, 1)} ms, longest step ${fmt(coldBuild.longestStepMs, 1)} ms), cameras ${fmt(cameraBuild.totalMs, 1)} ms in ${figures.build.cameraShards} shards, ${fmt(cameraIndexes.longRange.size)} high-point apart (longest step ${fmt(cameraBuild.longestStepMs, 1)} ms)`,
      `one unsharded kdbush of the patrols for comparison: add ${fmt(singleAddMs, 1)} ms + finish ${fmt(singleFinishMs, 1)} ms in one call`,
      `patrols, k = ${K} within ${fmt(PATROL_RADIUS_M)} m: index ${fmt(indexPatrolUs, 1)} µs/query (index 5 s old, slack ${fmt(STALE_SLACK_M)} m: ${fmt(stalePatrolUs, 1)} µs) vs naive scan ${fmt(naivePatrolUs, 0)} µs/query → ×${fmt(figures.speedup.patrols, 0)}`,
      `cameras seeing the point (within ${CAMERA_RADIUS_M} m, high-point ones up to ${fmt(longestRangeM)} m) + unknown direction within ${CAMERA_RADIUS_M} m: index ${fmt(indexCameraUs, 1)} µs/query vs naive scan ${fmt(naiveCameraUs, 0)} µs/query → ×${fmt(figures.speedup.cameras, 0)}`,
      `both: ${fmt(indexPatrolUs + indexCameraUs, 1)} µs vs ${fmt(naivePatrolUs + naiveCameraUs, 0)} µs → ×${fmt(figures.speedup.both, 0)}; per query ${fmt(figures.meanPatrolsFound, 1)} patrols found, ${fmt(figures.meanCamerasListed, 1)} cameras listed (${fmt(figures.meanCamerasSeeing, 1)} seeing)`,
      `${QUERIES} index queries, ${NAIVE_QUERIES} naive; ${disagreements} disagreements between index and naive scan`,
    ].join('\n    '),
  );
  console.log(`  figures in ${writeBenchResult('nearby', figures)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run();
