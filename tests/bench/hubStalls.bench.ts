/**
 * The hub never blocks (issue 14): "no event-loop stall over 100 ms while any wall subscribes, any
 * history is written, any Open311 page or export is served". The real hub in a process of its own
 * (as `npm start` runs it) with the simulated province (61,000 grids, 243,722 patrols, 140,300
 * cameras) and a fresh data directory, measured phase by phase from its first start:
 *
 *   1. the first start writing a day of history (the hub answers health checks meanwhile);
 *   2. idle with the simulator running (the baseline);
 *   3. walls subscribing: the root, a district, a street, then 20 at once on the root;
 *   4. Open311 clients paging GET requests with the largest page (1,000), JSON and XML;
 *   5. the long lists: incidents, statistics windows (memory, and past it from the store), the
 *      audit log, the grids as regions and as GeoJSON (first build, then cached), the rosters;
 *   6. a root subscription while GPS fixes stream in at POST /api/positions.
 *
 * Per phase, from inside the hub: the max and p99 event-loop delay of monitorEventLoopDelay as
 * /metrics exposes it. prom-client's default metrics reset that histogram on every scrape
 * (node_modules/prom-client/lib/metrics/eventLoopLag.js), so a scrape at a phase's start and one at
 * its end give that phase's figures: read and checked, with one blind spot that the phases are
 * built around (tests/bench/support/hubProbes.ts). The first start is timed from the moment the
 * port accepts connections (the hub listens, even if its loop is blocked); its first scrape, at
 * the first /healthz answer, also holds what came before listening and is counted in the phase only
 * when that answer came over 100 ms late (support/stallPhases.ts). From outside: the longest gap
 * between answers of /healthz polled every 20 ms (in the first start, from the listen moment). The machine's load average is shown beside them: the hub
 * shares 2 cores with the benchmark and whatever else runs.
 *
 * HUB_STALLS_PROFILE=DIR also runs the hub under `--cpu-prof` with a preload that logs every gap
 * over 100 ms of a 5 ms interval (support/stallLog.mjs), and prints what ran inside the longest
 * stalls of each phase (support/stallProfile.ts). The profiler costs the hub some CPU: compare
 * figures of runs with it only with each other.
 *
 *   npx tsx tests/bench/hubStalls.bench.ts                      # province scale, about 10 minutes
 *   HUB_STALLS_SCALE=city npx tsx tests/bench/hubStalls.bench.ts # a quick run
 *   HUB_STALLS_PROFILE=/tmp/stalls npm run bench -- hubStalls
 *   HUB_STALLS_IDLE_S=15 (the idle phase), HUB_STALLS_SCRAPE_MS=0 (scrapes inside a phase; each a blind spot)
 *
 * Prints figures and writes bench-results/hubStalls.json; asserts nothing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Patrol } from '@shared/schemas/patrol';
import { createHubProcess } from '../e2e/support/hubProcess';
import { writeBenchResult } from './support/benchResults';
import { regionsOf, subscribeOnce } from './support/hubClients';
import type { PhaseFigures } from './support/hubProbes';
import { auditPages, get, getMany, mb, open311Pages, secs, signIn, streamFixes } from './support/hubStallWork';
import { measureFirstStart, measurePhase, type PhaseContext } from './support/stallPhases';
import { reportStalls } from './support/stallReport';
import { BENCH_INGEST_ENV, BENCH_SOCKET_ENV } from './support/benchKey';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN_PASSWORD = 'hub-stalls-bench-admin';
const DAY = 86_400_000;

const cell = (v: number | null) => (v === null ? '—' : String(Math.round(v)));

function printRow(r: PhaseFigures): void {
  console.log(
    `  ${r.phase.padEnd(44)} ${cell(r.loopMaxMs).padStart(7)} ${cell(r.loopP99Ms).padStart(6)} ${cell(r.healthzGapMs).padStart(7)} ${(r.durationMs / 1000).toFixed(1).padStart(7)} ${r.load1.toFixed(1).padStart(5)}  ${r.did}`,
  );
}

const HEADER = `  ${'phase'.padEnd(44)} ${'max ms'.padStart(7)} ${'p99 ms'.padStart(6)} ${'healthz'.padStart(7)} ${'dur s'.padStart(7)} ${'load'.padStart(5)}  what was done`;

export default async function run(): Promise<void> {
  const scale = process.env.HUB_STALLS_SCALE ?? 'province';
  const idleMs = Number(process.env.HUB_STALLS_IDLE_S ?? 15) * 1000;
  const profileDir = process.env.HUB_STALLS_PROFILE;
  const stallLog = profileDir ? join(profileDir, 'stalls.jsonl') : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', pathToFileURL(join(repo, 'tests/bench/support/stallLog.mjs')).href] : [];
  const hub = await createHubProcess(
    { ...BENCH_INGEST_ENV, ...BENCH_SOCKET_ENV, SIM_SCALE: scale, SIM_HISTORY_DAYS: '1', LOG_LEVEL: 'warn', ADMIN_PASSWORD, ...(stallLog ? { HUB_STALL_LOG: stallLog } : {}) },
    { healthyWithinMs: 900_000, nodeArgs, stopGraceMs: 120_000 },
  );
  const phases: PhaseFigures[] = [];
  const ctx: PhaseContext = {
    url: hub.url,
    headers: {},
    scrapeEveryMs: Number(process.env.HUB_STALLS_SCRAPE_MS ?? 0),
    report: (row) => {
      phases.push(row);
      printRow(row);
    },
  };
  const figures: Record<string, unknown> = { scale, historyDays: 1, profiled: !!profileDir, phases };
  try {
    console.log(`hub stalls bench: ${scale} scale, a day of history written at the first start${profileDir ? `, under --cpu-prof (${profileDir})` : ''}`);
    console.log('  inside the hub: max and p99 event-loop delay over each phase (/metrics, monitorEventLoopDelay at 10 ms resolution, scraped at its start and end); outside: longest gap between /healthz answers (polled every 20 ms); load: 1-minute load average, 2 cores');
    console.log(HEADER);
    const first = await measureFirstStart(ctx, hub);
    figures.firstStart = {
      beforeListeningMs: first.beforeListeningMs,
      firstAnswerAfterMs: first.firstAnswerAfterMs,
      firstScrape: first.firstScrape,
      firstScrapeCounted: first.firstScrapeCounted,
      backfillFromS: first.backfillFromS,
      backfillToS: first.backfillToS,
      incidentsInMemory: first.incidentsInMemory,
    };
    const firstRead = `max ${cell(first.firstScrape?.maxMs ?? null)} ms, p99 ${cell(first.firstScrape?.p99Ms ?? null)} ms`;
    console.log(
      `  (before the port listened, ${secs(first.beforeListeningMs)} after spawn — geography, store, the hub's state, the admin — nothing could be probed. The first scrape, at the first /healthz answer, read ${firstRead} since the metrics were made: ${first.firstScrapeCounted ? 'counted in phase 1, since the hub was blocked after listening' : 'kept apart, as before listening'})`,
    );
    ctx.headers = await signIn(hub.url, ADMIN_PASSWORD);

    await measurePhase(ctx, '2 idle, simulator running', async () => {
      await new Promise((r) => setTimeout(r, idleMs)); // the baseline's length, not a wait for anything
      return `nothing asked of the hub for ${secs(idleMs)}`;
    });

    const { root, district, street } = await regionsOf(hub.url);
    for (const [label, region] of [['root', root], ['district', district], ['street', street]] as const) {
      await measurePhase(ctx, `3 a wall subscribes: ${label}`, async () => {
        const s = await subscribeOnce(hub.url, region.code);
        return `${region.name} ${region.code}: snapshot in ${Math.round(s.ms)} ms, ${mb(s.bytes)}, ${s.detail}`;
      });
    }
    await measurePhase(ctx, '3 20 walls subscribe to the root at once', async () => {
      const t0 = performance.now();
      const each = await Promise.all(Array.from({ length: 20 }, () => subscribeOnce(hub.url, root.code)));
      return `all answered in ${secs(performance.now() - t0)}, slowest ${Math.round(Math.max(...each.map((e) => e.ms)))} ms`;
    });

    await measurePhase(ctx, '4 Open311 pages, JSON', () => open311Pages(hub.url, 'json', 3, 4));
    await measurePhase(ctx, '4 Open311 pages, XML', () => open311Pages(hub.url, 'xml', 3, 4));

    const now = Date.now();
    const exports: [string, () => Promise<string>][] = [
      ['5 GET /api/incidents?limit=1000 ×3', () => getMany(hub.url, `/api/incidents?region=${root.code}&limit=1000`, 3)],
      ['5 GET /api/stats, 7 days (memory)', () => getMany(hub.url, `/api/stats?region=${root.code}&from=${now - 7 * DAY}&to=${now}`, 1)],
      ['5 GET /api/stats, 40 days (store)', () => getMany(hub.url, `/api/stats?region=${root.code}&from=${now - 40 * DAY}&to=${now}`, 1)],
      ['5 GET /api/audit, pages of 1,000', () => auditPages(hub.url, ctx.headers, 3)],
      ['5 GET /api/regions?level=grid', () => getMany(hub.url, '/api/regions?level=grid', 1)],
      ['5 GET /api/regions.geojson?level=grid, first', () => getMany(hub.url, '/api/regions.geojson?level=grid', 1)],
      ['5 the same GeoJSON, cached, ×3', () => getMany(hub.url, '/api/regions.geojson?level=grid', 3)],
      ['5 GET /api/patrols (the whole roster)', () => getMany(hub.url, '/api/patrols', 1)],
      ['5 GET /api/cameras (every camera)', () => getMany(hub.url, '/api/cameras', 1)],
    ];
    for (const [phase, work] of exports) await measurePhase(ctx, phase, work);

    const patrols = (JSON.parse((await get(hub.url, '/api/patrols?limit=20000')).body) as { patrols: Patrol[] }).patrols;
    await measurePhase(ctx, '6 root subscription while fixes stream in', async () => {
      const stream = streamFixes(hub.url, patrols, 10_000);
      const subscribed = stream.flowing.then(() => subscribeOnce(hub.url, root.code));
      await subscribed.catch(() => undefined); // the stream stops whether the subscription was answered or not
      const fixes = await stream.stop();
      const s = await subscribed;
      return `snapshot in ${Math.round(s.ms)} ms while POST /api/positions took ${fixes}`;
    });

    await hub.stop();
    if (profileDir) {
      const report = reportStalls(profileDir, phases);
      for (const line of report.lines) console.log(line);
      figures.stalls = report.figures;
    }
    console.log(`figures in ${writeBenchResult('hubStalls', figures)}`);
  } finally {
    await hub.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
