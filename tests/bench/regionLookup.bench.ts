/**
 * Point → grid lookup: the bucket index versus a naive linear scan (bounding-box check, then
 * point-in-polygon over every grid), on the generated city and, unless BENCH_PROVINCE=0, on the
 * province-scale load (~61,000 grids). Also reports generation and index build times and memory.
 *
 *   npx tsx tests/bench/regionLookup.bench.ts        (or import its default export and call it)
 *
 * Figures are printed, never asserted: wall-clock limits make flaky tests.
 */
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RegionWithGeometry } from '@shared/schemas/region';
import { GridIndex } from '../../server/domain/regions/gridIndex';
import { pointInMultiPolygon } from '../../server/domain/regions/pointInPolygon';
import { generateCity, type CityScale } from '../../server/geo/generateCity';
import { createRng } from '../../server/lib/rng';

export interface RegionLookupFigures {
  scale: CityScale;
  grids: number;
  generateMs: number;
  buildMs: number;
  indexBytes: number;
  heapDeltaBytes: number;
  meanCandidates: number;
  indexLookupsPerSecond: number;
  naiveLookupsPerSecond: number;
  speedup: number;
  hitRate: number;
  /** lookups where the index and the naive scan disagreed (should be 0) */
  disagreements: number;
}

/** random points over the city's bounding box, seeded, as one flat array */
function randomPoints(box: readonly number[], count: number, seed: string): Float64Array {
  const rng = createRng(seed);
  const points = new Float64Array(count * 2);
  for (let i = 0; i < count; i++) {
    points[2 * i] = rng.float(box[0] as number, box[2] as number);
    points[2 * i + 1] = rng.float(box[1] as number, box[3] as number);
  }
  return points;
}

/** a full collection before reading the heap, so that the index's own size shows (bench only) */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function naiveLocate(grids: readonly RegionWithGeometry[], lng: number, lat: number): string | null {
  for (const g of grids) {
    if (lng < g.bbox[0] || lng > g.bbox[2] || lat < g.bbox[1] || lat > g.bbox[3]) continue;
    if (pointInMultiPolygon(lng, lat, g.polygons)) return g.code;
  }
  return null;
}

export function measureScale(scale: CityScale, indexPoints: number, naivePoints: number): RegionLookupFigures {
  let t = performance.now();
  const regions = generateCity({ seed: 'bench', scale });
  const generateMs = performance.now() - t;
  const grids = regions.filter((r) => r.level === 'grid').sort((a, b) => (a.code < b.code ? -1 : 1));
  const box = regions.find((r) => r.level === 'city')?.bbox ?? [0, 0, 0, 0];

  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  t = performance.now();
  const index = new GridIndex(grids);
  const buildMs = performance.now() - t;
  collectGarbage();
  // typed-array contents live outside the JS heap; indexBytes counts them
  const heapDeltaBytes = process.memoryUsage().heapUsed - heapBefore;
  const stats = index.stats();

  const points = randomPoints(box, indexPoints, `bench-${scale}`);
  // warm up the JIT on a slice before timing
  for (let i = 0; i < Math.min(indexPoints, 20_000); i++) index.locate(points[2 * i] as number, points[2 * i + 1] as number);
  let hits = 0;
  t = performance.now();
  for (let i = 0; i < indexPoints; i++) if (index.locate(points[2 * i] as number, points[2 * i + 1] as number) !== null) hits++;
  const indexSeconds = (performance.now() - t) / 1000;

  let disagreements = 0;
  t = performance.now();
  for (let i = 0; i < naivePoints; i++) {
    const lng = points[2 * i] as number;
    const lat = points[2 * i + 1] as number;
    if (naiveLocate(grids, lng, lat) !== index.locate(lng, lat)) disagreements++;
  }
  const naiveSeconds = (performance.now() - t) / 1000;
  const indexLookupsPerSecond = indexPoints / indexSeconds;
  const naiveLookupsPerSecond = naivePoints / naiveSeconds; // includes one index lookup each: negligible

  return {
    scale,
    grids: grids.length,
    generateMs,
    buildMs,
    indexBytes: stats.typedArrayBytes,
    heapDeltaBytes,
    meanCandidates: stats.meanCandidates,
    indexLookupsPerSecond,
    naiveLookupsPerSecond,
    speedup: indexLookupsPerSecond / naiveLookupsPerSecond,
    hitRate: hits / indexPoints,
    disagreements,
  };
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;

export default function run(): RegionLookupFigures[] {
  const scales: [CityScale, number, number][] = [['city', 1_000_000, 20_000]];
  if (process.env.BENCH_PROVINCE !== '0') scales.push(['province', 1_000_000, 2_000]);
  const results = scales.map(([scale, n, naive]) => measureScale(scale, n, naive));
  console.log('\nregion lookup (point → grid), random points over the city bounding box');
  for (const r of results) {
    console.log(
      [
        `  ${r.scale.padEnd(8)} ${fmt(r.grids)} grids`,
        `generate ${fmt(r.generateMs)} ms, index build ${fmt(r.buildMs, 1)} ms`,
        `index ${mb(r.indexBytes)} in typed arrays + ${mb(r.heapDeltaBytes)} on the JS heap, ~${fmt(r.meanCandidates, 1)} candidates per bucket`,
        `index ${fmt(r.indexLookupsPerSecond)} lookups/s vs naive ${fmt(r.naiveLookupsPerSecond)} lookups/s → ×${fmt(r.speedup)}`,
        `${(r.hitRate * 100).toFixed(1)} % of points on land, ${r.disagreements} disagreements with the naive scan`,
      ].join('\n    '),
    );
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run();
