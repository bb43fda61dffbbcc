/**
 * Positions end to end (issue 14): a load generator in its own process posts binary batches to
 * POST /api/positions over loopback, the hub under test runs in another process, and 20 walls in
 * this one receive the frames. Each setting (patrols, fixes a second) runs against the real hub
 * and the two baselines of tests/bench/baselines/ — a naive Socket.IO hub (one JSON event per
 * position) and a raw `ws` hub (one binary frame per 250 ms tick) — in the same run. Printed per
 * run: ingest/s achieved, fixes the loader dropped, ingest → wall latency (p50/p99/max, from the
 * frames' millisecond fix times), hub CPU %, deliveries per CPU-second and the ratios to the
 * baselines, bytes per position, the hub's event-loop delay and RSS. Figures only; nothing asserted.
 *
 *   npm run bench -- positions            (about 3–4 minutes)
 *   BENCH_POS_SETTINGS=10000@50000,100000@110000,330000@110000 BENCH_POS_MEASURE_S=30 npm run bench -- positions
 *
 * Knobs: BENCH_POS_SETTINGS (patrols@fixes-per-second, comma-separated), BENCH_POS_WALLS (20),
 * BENCH_POS_WARMUP_S (4), BENCH_POS_MEASURE_S (12), BENCH_POS_TARGETS (naive,ws,hub,hub-root;
 * naive runs only in the first setting unless BENCH_POS_NAIVE_ALL=1), BENCH_TRACK_SAMPLE_MS
 * (the hub's track sampling, 30,000 as shipped), BENCH_POS_PROFILE=<dir> (a CPU profile of each hub).
 * `hub` puts each wall on its own region (10 districts, then a street of each); `hub-root` puts
 * every wall on the city, so that each receives every position as the baselines' walls do.
 * The hub samples tracks every 30 s as shipped: when a sample (every moved patrol written to
 * PGlite) falls in the measured stretch it shows in the hub's CPU — at 100,000 patrols, hub-root
 * measured 7 % with BENCH_TRACK_SAMPLE_MS=0 and 17 % with a sample in the window, on this machine.
 * One run (hub, walls, loader, what is measured) is support/positionsRun.ts, shared with scaling.bench.ts.
 */
import { pathToFileURL } from 'node:url';
import { writeBenchResult } from './support/benchResults';
import { runOnce, type RunFigures, type Target } from './support/positionsRun';

interface PositionsFigures extends RunFigures {
  /** deliveries per CPU-second, this hub's over the baseline's (higher is better) */
  ratioVsNaive?: number;
  ratioVsWs?: number;
  /** CPU per ingested fix, the baseline's over this hub's (higher is better): fair when walls see less than everything */
  cpuPerFixVsWs?: number;
}

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');

function printRow(f: PositionsFigures): void {
  const ratio = (r?: number) => (r === undefined ? '—' : `${fmt(r, 2)}×`);
  console.log(
    `  ${f.target.padEnd(8)} ingest ${fmt(f.ingestPerSec).padStart(8)}/s  dropped ${fmt(f.droppedByLoader).padStart(8)}  ` +
      `latency p50 ${fmt(f.latencyMs.p50).padStart(6)} p99 ${fmt(f.latencyMs.p99).padStart(6)} max ${fmt(f.latencyMs.max).padStart(6)} ms  ` +
      `CPU ${fmt(f.hubCpuPercent).padStart(4)} %  ${fmt(f.cpuUsPerIngested, 2).padStart(6)} µs/fix  delivered ${fmt(f.deliveredPerSec).padStart(9)}/s  ` +
      `${fmt(f.deliveredPerCpuSec).padStart(10)}/CPU-s (vs naive ${ratio(f.ratioVsNaive)}, vs ws ${ratio(f.ratioVsWs)}; CPU/fix vs ws ${ratio(f.cpuPerFixVsWs)})  ` +
      `${fmt(f.bytesPerPosition, 1)} B/pos  loop p99 ${fmt(f.hubLoopP99Ms)} max ${fmt(f.hubLoopMaxMs)} ms  RSS ${fmt(f.hubRssMB)} MB`,
  );
}

export default async function run(): Promise<void> {
  const settings = (process.env.BENCH_POS_SETTINGS ?? '10000@50000,100000@110000').split(',').map((s) => s.split('@').map(Number) as [number, number]);
  const walls = env('BENCH_POS_WALLS', 20);
  const targets = (process.env.BENCH_POS_TARGETS ?? 'naive,ws,hub,hub-root').split(',') as Target[];
  const warmupMs = env('BENCH_POS_WARMUP_S', 4) * 1000;
  const measureMs = env('BENCH_POS_MEASURE_S', 12) * 1000;
  console.log(`positions: ${walls} walls, loader and hub in processes of their own, node ${process.version}; settings ${settings.map(([p, r]) => `${p}@${r}/s`).join(', ')}`);
  const all: PositionsFigures[] = [];
  for (const [index, [patrols, rate]] of settings.entries()) {
    console.log(`\n${patrols.toLocaleString('en')} patrols at ${rate.toLocaleString('en')} fixes/s`);
    const rows: PositionsFigures[] = [];
    for (const target of targets) {
      if (target === 'naive' && index > 0 && process.env.BENCH_POS_NAIVE_ALL !== '1') continue;
      try {
        const { figures } = await runOnce({ target, patrols, rate, walls, warmupMs, measureMs });
        rows.push(figures);
      } catch (error) {
        console.log(`  ${target.padEnd(8)} failed: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const naive = rows.find((r) => r.target === 'naive');
      const ws = rows.find((r) => r.target === 'ws');
      const last = rows.at(-1)!;
      if (naive && last !== naive) last.ratioVsNaive = last.deliveredPerCpuSec / naive.deliveredPerCpuSec;
      if (ws && last !== ws) {
        last.ratioVsWs = last.deliveredPerCpuSec / ws.deliveredPerCpuSec;
        last.cpuPerFixVsWs = ws.cpuUsPerIngested / last.cpuUsPerIngested;
      }
      printRow(last);
    }
    all.push(...rows);
  }
  console.log(
    '\nratios: deliveries per hub CPU-second over the baseline\'s (higher is better); "hub" walls each see one region, so they receive fewer positions than the' +
      ' baselines\' walls, which see all: compare "hub-root" (every wall on the city) for deliveries, and CPU per fix for "hub".',
  );
  const path = writeBenchResult('positions', { walls, runs: all });
  console.log(`\nfigures written to ${path}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
