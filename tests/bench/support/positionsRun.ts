/**
 * One measured run of positions end to end, shared by positions.bench.ts and scaling.bench.ts: a
 * hub in a process of its own (positionsTarget.ts), walls in this process (positionsWalls.ts) and
 * the loader in a third process (positionsLoader.ts) posting binary batches for a warm-up and a
 * measured stretch. The hub's CPU, memory and event-loop delay are read over IPC at the start and
 * the end of the measured stretch, so they are its own and the walls' work is not in them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import type { LoaderConfig, LoaderCounts, LoaderMessage } from './positionsLoader';
import type { TargetKind, TargetMessage, TargetStats, TrackSampleStats } from './positionsTarget';
import { connectWalls, type WallKind } from './positionsWalls';
import { rootRegion, wallRegions } from './positionsWorld';

/** `hub` puts each wall on a region of its own; `hub-root` puts every wall on the city, so each receives every position */
export type Target = 'naive' | 'ws' | 'hub' | 'hub-root';

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
}

export interface RunOptions {
  target: Target;
  patrols: number;
  /** fixes a second the loader offers */
  rate: number;
  walls: number;
  warmupMs: number;
  measureMs: number;
  /** the hub's track sampling in ms (0: none); unset, BENCH_TRACK_SAMPLE_MS or as shipped */
  trackSampleMs?: number;
  /** after the measured stretch, the real hub writes one track sample of every patrol that moved, timed */
  measureTrackSample?: boolean;
  /** each phase as it starts, for a progress line (setting up a large hub takes a while) */
  progress?: (phase: string) => void;
}

export interface RunResult {
  figures: RunFigures;
  /** from starting the hub's process to its `ready`, and the walls' subscriptions (each a snapshot of its region) */
  setupMs: { hub: number; walls: number };
  /** CPU of this process (the walls: decoding every frame) over the measured stretch; it shares the machine's cores with the hub */
  wallsCpuPercent: number;
  /** the machine's 1-minute load average as the stretch ended (other work on the machine skews every figure) */
  load: number;
  trackSample?: TrackSampleStats;
}

function spawnChild(file: string, args: string[], opts: { profile?: boolean; env?: Record<string, string> } = {}): ChildProcess {
  // BENCH_POS_PROFILE=<dir>: the hub under test writes a CPU profile there (open it in Chrome's DevTools)
  const prof = opts.profile && process.env.BENCH_POS_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_POS_PROFILE}`] : [];
  return fork(new URL(`./${file}`, import.meta.url).pathname, args, {
    execArgv: ['--import', 'tsx', ...prof],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...opts.env },
  });
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

async function trackSample(child: ChildProcess): Promise<TrackSampleStats> {
  // bounded: a sample of 330,000 patrols is 330 transactions on PGlite
  const reply = nextMessage<Extract<TargetMessage, { type: 'sampled' }>>(child, 'sampled', 300_000);
  child.send({ type: 'sample' });
  return reply;
}

async function stop(hub: ChildProcess): Promise<void> {
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

export async function runOnce(opts: RunOptions): Promise<RunResult> {
  const { target, patrols, rate, walls, warmupMs, measureMs } = opts;
  const progress = opts.progress ?? (() => {});
  const kind: TargetKind = target === 'hub-root' ? 'hub' : target;
  const env: Record<string, string> = opts.trackSampleMs === undefined ? {} : { BENCH_TRACK_SAMPLE_MS: String(opts.trackSampleMs) };
  progress('starting the hub');
  const h0 = performance.now();
  const hub = spawnChild('positionsTarget.ts', [kind, String(patrols)], { profile: true, env });
  try {
    const { port } = await nextMessage<Extract<TargetMessage, { type: 'ready' }>>(hub, 'ready', 180_000);
    const hubMs = performance.now() - h0;
    const url = `http://127.0.0.1:${port}`;
    const regions = target === 'hub' ? wallRegions(walls) : Array.from({ length: walls }, () => rootRegion());
    const wallKind: WallKind = kind;
    progress(`subscribing ${walls} wall${walls === 1 ? '' : 's'}`);
    const w0 = performance.now();
    const w = await connectWalls(wallKind, url, regions);
    const wallsMs = performance.now() - w0;
    const loader = spawnChild('positionsLoader.ts', []);
    const config: LoaderConfig = { url, patrols, ratePerSec: rate, warmupMs, measureMs, maxInFlight: 8, batchSize: 5_000 };
    const measuring = nextMessage<LoaderMessage>(loader, 'measuring', warmupMs + 60_000);
    const measured = nextMessage<LoaderMessage>(loader, 'measured', warmupMs + measureMs + 60_000);
    progress(`warming up ${Math.round(warmupMs / 1000)} s`);
    loader.send({ type: 'start', config });
    const before: LoaderCounts = (await measuring).counts;
    progress(`measuring ${Math.round(measureMs / 1000)} s`);
    w.stats.reset();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const s0 = await targetStats(hub, 'mark');
    const after: LoaderCounts = (await measured).counts;
    const s1 = await targetStats(hub, 'stats');
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    const load = loadavg()[0]!;
    const wall = { positions: w.stats.positions, bytes: w.stats.bytes, p50: w.stats.quantile(0.5), p99: w.stats.quantile(0.99), max: w.stats.quantile(1) };
    await nextMessage<LoaderMessage>(loader, 'done', 30_000).catch(() => undefined);
    w.close();
    let sample: TrackSampleStats | undefined;
    if (opts.measureTrackSample && kind === 'hub') {
      progress('writing one track sample');
      sample = await trackSample(hub);
    }
    const seconds = (t1 - t0) / 1000;
    const cpuSec = (s1.cpuUs - s0.cpuUs) / 1e6;
    const ingested = s1.accepted - s0.accepted;
    const figures: RunFigures = {
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
    const wallsCpuPercent = ((c1.user + c1.system) / 1e6 / seconds) * 100;
    return { figures, setupMs: { hub: hubMs, walls: wallsMs }, wallsCpuPercent, load, ...(sample ? { trackSample: sample } : {}) };
  } finally {
    await stop(hub);
  }
}
