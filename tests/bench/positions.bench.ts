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
 */
import { fork, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { writeBenchResult } from './support/benchResults';
import type { LoaderConfig, LoaderCounts, LoaderMessage } from './support/positionsLoader';
import type { TargetKind, TargetMessage, TargetStats } from './support/positionsTarget';
import { connectWalls, type WallKind } from './support/positionsWalls';
import { rootRegion, wallRegions } from './support/positionsWorld';

type Target = 'naive' | 'ws' | 'hub' | 'hub-root';

export interface RunFigures {
  setting: string;
  target: Target;
  patrols: number;
  targetRate: number;
  seconds: number;
  ingestPerSec: number;
  droppedByLoader: number;
  refusedOrFailed: number;
  latencyMs: { p50: number; p99: number; max: number };
  hubCpuPercent: number;
  cpuUsPerIngested: number;
  deliveredPerSec: number;
  deliveredPerCpuSec: number;
  bytesPerPosition: number;
  hubLoopP99Ms: number;
  hubLoopMaxMs: number;
  hubRssMB: number;
  /** deliveries per CPU-second, this hub's over the baseline's (higher is better) */
  ratioVsNaive?: number;
  ratioVsWs?: number;
  /** CPU per ingested fix, the baseline's over this hub's (higher is better): fair when walls see less than everything */
  cpuPerFixVsWs?: number;
}

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

function spawnChild(file: string, args: string[], profile = false): ChildProcess {
  // BENCH_POS_PROFILE=<dir>: the hub under test writes a CPU profile there (open it in Chrome's DevTools)
  const prof = profile && process.env.BENCH_POS_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_POS_PROFILE}`] : [];
  return fork(new URL(`./support/${file}`, import.meta.url).pathname, args, { execArgv: ['--import', 'tsx', ...prof], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`no ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m: T) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ${type}`)));
  });
}

async function targetStats(child: ChildProcess, request: 'mark' | 'stats'): Promise<TargetStats> {
  const reply = nextMessage<Extract<TargetMessage, { type: 'stats' }>>(child, 'stats', 30_000);
  child.send({ type: request });
  return reply;
}

async function runOnce(target: Target, patrols: number, rate: number, walls: number): Promise<RunFigures> {
  const kind: TargetKind = target === 'hub-root' ? 'hub' : target;
  const hub = spawnChild('positionsTarget.ts', [kind, String(patrols)], true);
  try {
    const { port } = await nextMessage<Extract<TargetMessage, { type: 'ready' }>>(hub, 'ready', 180_000);
    const url = `http://127.0.0.1:${port}`;
    const regions = target === 'hub' ? wallRegions(walls) : Array.from({ length: walls }, () => rootRegion());
    const wallKind: WallKind = kind;
    const w = await connectWalls(wallKind, url, regions);
    const warmupMs = env('BENCH_POS_WARMUP_S', 4) * 1000;
    const measureMs = env('BENCH_POS_MEASURE_S', 12) * 1000;
    const loader = spawnChild('positionsLoader.ts', []);
    const config: LoaderConfig = { url, patrols, ratePerSec: rate, warmupMs, measureMs, maxInFlight: 8, batchSize: 5_000 };
    const measuring = nextMessage<LoaderMessage>(loader, 'measuring', warmupMs + 60_000);
    const measured = nextMessage<LoaderMessage>(loader, 'measured', warmupMs + measureMs + 60_000);
    loader.send({ type: 'start', config });
    const before: LoaderCounts = (await measuring).counts;
    w.stats.reset();
    const t0 = performance.now();
    const s0 = await targetStats(hub, 'mark');
    const after: LoaderCounts = (await measured).counts;
    const s1 = await targetStats(hub, 'stats');
    const t1 = performance.now();
    const wall = { positions: w.stats.positions, bytes: w.stats.bytes, p50: w.stats.quantile(0.5), p99: w.stats.quantile(0.99), max: w.stats.quantile(1) };
    await nextMessage<LoaderMessage>(loader, 'done', 30_000).catch(() => undefined);
    w.close();
    const seconds = (t1 - t0) / 1000;
    const cpuSec = (s1.cpuUs - s0.cpuUs) / 1e6;
    const ingested = s1.accepted - s0.accepted;
    return {
      setting: `${patrols.toLocaleString('en')} patrols, ${rate.toLocaleString('en')}/s`,
      target,
      patrols,
      targetRate: rate,
      seconds,
      ingestPerSec: ingested / seconds,
      droppedByLoader: after.dropped - before.dropped,
      refusedOrFailed: after.refused - before.refused + after.errors - before.errors,
      latencyMs: { p50: wall.p50, p99: wall.p99, max: wall.max },
      hubCpuPercent: (cpuSec / seconds) * 100,
      cpuUsPerIngested: ingested ? (cpuSec * 1e6) / ingested : NaN,
      deliveredPerSec: wall.positions / seconds,
      deliveredPerCpuSec: cpuSec ? wall.positions / cpuSec : NaN,
      bytesPerPosition: wall.positions ? wall.bytes / wall.positions : NaN,
      hubLoopP99Ms: s1.loopP99Ms,
      hubLoopMaxMs: s1.loopMaxMs,
      hubRssMB: s1.rssBytes / 2 ** 20,
    };
  } finally {
    hub.send({ type: 'stop' });
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        hub.kill('SIGKILL');
        resolve(undefined);
      }, 10_000);
      hub.once('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');

function printRow(f: RunFigures): void {
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
  console.log(`positions: ${walls} walls, loader and hub in processes of their own, node ${process.version}; settings ${settings.map(([p, r]) => `${p}@${r}/s`).join(', ')}`);
  const all: RunFigures[] = [];
  for (const [index, [patrols, rate]] of settings.entries()) {
    console.log(`\n${patrols.toLocaleString('en')} patrols at ${rate.toLocaleString('en')} fixes/s`);
    const rows: RunFigures[] = [];
    for (const target of targets) {
      if (target === 'naive' && index > 0 && process.env.BENCH_POS_NAIVE_ALL !== '1') continue;
      try {
        const f = await runOnce(target, patrols, rate, walls);
        rows.push(f);
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
