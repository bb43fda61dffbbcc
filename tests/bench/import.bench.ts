/**
 * History import on the embedded store (PGlite on disk, as `npm start` runs it): a CSV of
 * BENCH_CASES cases (default 50,000; one row per case, ~6 steps each) read, checked and written
 * through the hub's trusted path in chunked batches, against a naive baseline in the same run —
 * one transaction per case — on a sample. Prints cases a minute, each phase, and the longest the
 * event loop was held (every wall and console waits that long). Reported, never asserted.
 *
 *   npx tsx tests/bench/import.bench.ts      (npm run bench -- import; BENCH_CASES=…)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { knownCategories } from '../../server/domain/catalog';
import { CASES_PER_BATCH } from '../../server/import/history/apply';
import { importHistory } from '../../server/import/history/importHistory';
import { makeCaseRows, toCsv } from '../support/importHistory';
import { openBenchHub } from './support/benchHub';

async function once(label: string, cases: number, casesPerBatch: number, system: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'import-bench-'));
  const hub = await openBenchHub(dir);
  try {
    const points = hub.geo.regions.filter((r) => r.level === 'grid').map((g) => g.center);
    const csv = Buffer.from(toCsv(makeCaseRows(cases, points, Date.now(), { days: 30, prefix: system })));
    const phases = new Map<string, number>();
    let phase = '';
    let phaseStart = performance.now();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const phaseLoop = monitorEventLoopDelay({ resolution: 10 });
    phaseLoop.enable();
    const held = new Map<string, number>();
    const started = performance.now();
    // the file arrives in 64 KB pieces, as from a socket or a file stream
    const pieces = (async function* () {
      for (let i = 0; i < csv.length; i += 65_536) yield csv.subarray(i, i + 65_536);
    })();
    const result = await importHistory(hub, pieces, {
      format: 'csv',
      system,
      crs: 'wgs84',
      utcOffsetMinutes: 480,
      knownCategories: knownCategories(),
      casesPerBatch,
      onProgress: (p) => {
        if (p.phase === phase) return;
        if (phase) {
          phases.set(phase, performance.now() - phaseStart);
          held.set(phase, phaseLoop.max);
        }
        phaseLoop.reset();
        phase = p.phase;
        phaseStart = performance.now();
      },
    });
    phases.set(phase, performance.now() - phaseStart);
    held.set(phase, phaseLoop.max);
    phaseLoop.disable();
    const ms = performance.now() - started;
    loop.disable();
    const perMinute = Math.round((result.changed / ms) * 60_000);
    const shown = [...phases].map(([p, t]) => `${p} ${(t / 1000).toFixed(1)} s, held ≤ ${Math.round((held.get(p) ?? 0) / 1e6)} ms`).join('; ');
    console.log(
      `${label.padEnd(34)} ${result.changed.toLocaleString('en').padStart(7)} cases ${String(result.details?.steps).padStart(7)} entries  ` +
        `${(ms / 1000).toFixed(1).padStart(6)} s  ${perMinute.toLocaleString('en').padStart(8)} cases/min  event loop held ≤ ${Math.round(loop.max / 1e6)} ms (p99 ${Math.round(loop.percentile(99) / 1e6)} ms)  [${shown}]`,
    );
    const again = performance.now();
    const second = await importHistory(hub, [csv], { format: 'csv', system, crs: 'wgs84', utcOffsetMinutes: 480, knownCategories: knownCategories(), casesPerBatch });
    console.log(`${'  … the same file again'.padEnd(34)} ${second.changed} written, ${second.unchanged.toLocaleString('en')} already there, ${((performance.now() - again) / 1000).toFixed(1)} s`);
  } finally {
    await hub.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<void> {
  const cases = Number(process.env.BENCH_CASES ?? 50_000);
  console.log(`history import, PGlite on disk, node ${process.version}`);
  const perBatch = Number(process.env.BENCH_BATCH ?? CASES_PER_BATCH);
  await once(`chunked: ${perBatch} cases per batch`, cases, perBatch, 'chunked');
  await once('naive: one batch per case (sample)', Math.min(cases, 3_000), 1, 'naive');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
