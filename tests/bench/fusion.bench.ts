/**
 * Duplicate fusion: finding the open case a new report joins, with the hub's spatial hash
 * (FusionIndex) versus a naive scan of every open case, at city scale (2,000 open cases) and at
 * province scale (55,000 open cases, what SIM_SCALE=province holds open). Both must pick the same
 * case for every report; the figures are printed, never asserted.
 *
 *   npx tsx tests/bench/fusion.bench.ts      (npm run bench -- fusion)
 */
import { pathToFileURL } from 'node:url';
import { NewIncident, type Incident } from '@shared/schemas/incident';
import { createFusionPolicy, findFusionMatch } from '../../server/domain/fusion';
import { defaultSlaPolicy, reportIncident } from '../../server/domain/lifecycle';
import { FusionIndex } from '../../server/hub/fusionIndex';
import { createRng } from '../../server/lib/rng';

const CATEGORIES = ['sanitation', 'traffic', 'public_order', 'municipal_facility', 'safety_hazard', 'fire_safety', 'dispute', 'livelihood', 'rental_population'];
const SOURCES = ['patrol', 'hotline', 'open311', 'sensor', 'department'] as const;
// Zhejiang's extent, roughly: where the province-scale city spreads its grids
const BOX = [118.0, 27.0, 122.9, 31.2] as const;
const NOW = Date.UTC(2026, 10, 24, 2, 0);

function reportAt(rng: ReturnType<typeof createRng>, lng: number, lat: number, at: number) {
  return NewIncident.parse({
    source: rng.pick(SOURCES),
    category: rng.pick(CATEGORIES),
    severity: 1,
    title: '测试',
    location: { lng, lat, address: `测试路${rng.int(1, 400)}号` },
    reporter: { kind: 'patrol', id: `p-${rng.int(1, 5000)}` },
    reportedAt: at,
  });
}

export default function run(): void {
  const policy = defaultSlaPolicy();
  const fusion = createFusionPolicy();
  for (const openCases of [2_000, 55_000]) {
    const rng = createRng(`fusion-bench/${openCases}`);
    // a city's open cases cluster: scatter them around 400 centres ~5 km wide
    const centres = Array.from({ length: 400 }, () => [rng.float(BOX[0], BOX[2]), rng.float(BOX[1], BOX[3])] as const);
    const open: Incident[] = [];
    const index = new FusionIndex(fusion.maxRadiusM);
    for (let i = 0; i < openCases; i++) {
      const [cx, cy] = rng.pick(centres);
      const r = reportAt(rng, cx + rng.float(-0.03, 0.03), cy + rng.float(-0.03, 0.03), NOW - rng.int(0, 20 * 3_600_000));
      const { incident } = reportIncident(r, { id: `E-${i}`, gridCode: 'G', regionPath: ['R', 'G'], now: NOW, policy });
      open.push(incident);
      index.update(incident);
    }
    const byId = new Map(open.map((i) => [i.id, i]));
    const queries = Array.from({ length: 20_000 }, () => {
      const near = rng.pick(open);
      return reportAt(rng, near.location.lng + rng.float(-0.002, 0.002), near.location.lat + rng.float(-0.002, 0.002), NOW);
    });

    let t0 = performance.now();
    const viaIndex = queries.map((q) => findFusionMatch(q, NOW, [...index.candidates(q)].map((id) => byId.get(id)!), fusion)?.incident.id ?? null);
    const indexMs = performance.now() - t0;
    const naiveQueries = queries.slice(0, openCases > 10_000 ? 2_000 : 20_000);
    t0 = performance.now();
    const viaScan = naiveQueries.map((q) => findFusionMatch(q, NOW, open, fusion)?.incident.id ?? null);
    const naiveMs = performance.now() - t0;
    const disagreements = viaScan.filter((id, k) => id !== viaIndex[k]).length;
    const joined = viaIndex.filter((id) => id !== null).length;
    const perIndex = (indexMs * 1000) / queries.length;
    const perNaive = (naiveMs * 1000) / naiveQueries.length;
    console.log(
      `${openCases.toLocaleString('en')} open cases: index ${perIndex.toFixed(1)} µs/report, naive scan ${perNaive.toFixed(1)} µs/report ` +
        `(${(perNaive / perIndex).toFixed(0)}× faster); ${joined.toLocaleString('en')} of ${queries.length.toLocaleString('en')} reports joined; ` +
        `disagreements with the scan: ${disagreements} of ${naiveQueries.length.toLocaleString('en')}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) run();
