/**
 * Statistics of a window, from memory and from the store (PGlite on disk), for BENCH_CASES
 * imported cases (default 20,000 over 30 days; ~6 entries each). Prints how long each takes and
 * the longest the event loop was held, against a naive baseline in the same run: the past window
 * read from the store in one query and computed in one go (no pages, no turns for the loop).
 * Reported, never asserted.
 *
 *   npx tsx tests/bench/statistics.bench.ts      (npm run bench -- statistics; BENCH_CASES=…)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { defaultCatalog, knownCategories } from '../../server/domain/catalog';
import type { EntryDraft } from '../../server/domain/lifecycle';
import { computeWindow } from '../../server/domain/stats';
import { ReadModel } from '../../server/hub/readModel';
import { importHistory } from '../../server/import/history/importHistory';
import { makeCaseRows, toCsv } from '../support/importHistory';
import { openBenchHub } from './support/benchHub';

const DAY = 86_400_000;

async function timed<T>(label: string, work: () => Promise<T> | T): Promise<T> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  // a probe the loop must serve while the work runs: what a wall or console would feel
  let worst = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  clearInterval(probe);
  worst = Math.max(worst, performance.now() - last);
  loop.disable();
  console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms   event loop held ≤ ${Math.max(worst, loop.max / 1e6).toFixed(0)} ms`);
  return result;
}

export default async function run(): Promise<void> {
  const cases = Number(process.env.BENCH_CASES ?? 20_000);
  const dir = mkdtempSync(join(tmpdir(), 'stats-bench-'));
  const hub = await openBenchHub(dir);
  const { store, policy } = hub.opts;
  const views = new ReadModel(hub, defaultCatalog(), 480, policy);
  try {
    const now = Date.now();
    const points = hub.geo.regions.filter((r) => r.level === 'grid').map((g) => g.center);
    const csv = toCsv(makeCaseRows(cases, points, now, { days: 30, prefix: 'SB' }));
    const imported = await importHistory(hub, [Buffer.from(csv)], { format: 'csv', system: 'bench', crs: 'wgs84', utcOffsetMinutes: 480, knownCategories: knownCategories() });
    const root = hub.geo.rootCode;
    console.log(`statistics, PGlite on disk, node ${process.version}: ${imported.changed.toLocaleString('en')} cases over 30 days in ${root}`);

    const week = { from: now - 7 * DAY, to: now + 1 };
    const month = { from: now - 30 * DAY, to: now + 1 };
    // computed twice (the first run warms the JIT up): what the hub pays when a case has changed
    for (const run of ['first', 'again']) {
      await timed(`today from memory, computed (${run})`, () => views.figures.statistics(root, { from: now - ((now + 8 * 3_600_000) % DAY), to: now + 1 }, now));
      await timed(`week from memory, computed (${run})`, () => views.figures.statistics(root, week, now));
    }
    views.figures.todayStatistics(root, now);
    views.figures.weekStatistics(root, now);
    views.figures.risk(root, now);
    // what the stats loop pays every 2 s when only patrols and cameras moved: the figures of the log
    // are reused, the on-duty and online figures recounted (the naive loop recomputed all of it)
    await timed('stats tick, no case changed (today + week + risk)', () => {
      views.figures.todayStatistics(root, now + 1_000);
      views.figures.weekStatistics(root, now + 1_000);
      views.figures.risk(root, now + 1_000);
    });
    await timed('30 days from memory, in one go', () => views.figures.statistics(root, month, now));
    await timed('30 days from memory, chunked (GET /api/stats)', () => views.figures.windowStatistics(root, month, now));
    await timed('30 days from the store, paged (past MEMORY_DAYS)', () => views.figures.statisticsFromStore(root, month, now));
    await timed('naive: 30 days from the store, one query, one go', async () => {
      const incidents = await store.incidentsForWindow({ regionCode: root, from: month.from, asOf: now + 1, afterId: null, limit: 10_000_000 });
      const entries = new Map<string, EntryDraft[]>(incidents.map((i) => [i.id, []]));
      for (const e of await store.readEvents({ kind: 'incident', aggregateIds: incidents.map((i) => i.id), to: now + 1 })) entries.get(e.aggregateId)?.push(e.payload as EntryDraft);
      return computeWindow({
        regionCode: root, window: month, asOf: now + 1, calendar: policy.calendar,
        incidents: incidents.map((incident) => ({ incident, entries: entries.get(incident.id)! })),
        patrols: [], cameras: [], children: [], childOf: () => undefined,
      });
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
