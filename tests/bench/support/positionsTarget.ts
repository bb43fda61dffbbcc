/**
 * One hub of the positions benchmark in a process of its own, so that its CPU time is its own:
 *
 *   node --import tsx tests/bench/support/positionsTarget.ts <hub|naive|ws> <patrols>
 *
 * `hub` is the real hub (createApp, in-memory PGlite in its worker thread, the bench city and roster, no simulator),
 * `naive` and `ws` the baselines of tests/bench/baselines/. Over IPC it says `ready` with its port,
 * answers `stats` with what it took in, its CPU time, memory and event-loop delay since the
 * last `mark`, and (the real hub) `sample` with one track sample written and timed.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../../../server/app';
import { sampleTracks } from '../../../server/hub/maintenance';
import { defaultCatalog } from '../../../server/domain/catalog';
import { defaultSlaPolicy } from '../../../server/domain/lifecycle';
import { createGeoContext } from '../../../server/hub/createGeoContext';
import { silentLogger } from '../../../server/lib/log';
import { createWorkerStore } from '../../../server/store/workerStore';
import { startNaiveSocketHub } from '../baselines/naiveSocketHub';
import { startWsHub, type BaselineHub } from '../baselines/wsHub';
import { benchCity, benchRoster } from './positionsWorld';
import { BENCH_INGEST_KEY, BENCH_INGEST_RATES, BENCH_SOCKET_CONNECTIONS } from './benchKey';

export type TargetKind = 'hub' | 'naive' | 'ws';

export interface TargetStats {
  accepted: number;
  cpuUs: number;
  rssBytes: number;
  /** event-loop delay since the last mark, ms */
  loopP99Ms: number;
  loopMaxMs: number;
}

/** one track sample (every patrol that moved since the last, written to the store): what the hub's 30 s sampling costs each time */
export interface TrackSampleStats {
  samples: number;
  cpuUs: number;
  ms: number;
  /** the longest the event loop was held while it was written */
  loopMaxMs: number;
}

export type TargetMessage = { type: 'ready'; port: number } | ({ type: 'stats' } & TargetStats) | ({ type: 'sampled' } & TrackSampleStats);

interface Target extends BaselineHub {
  /** the real hub only */
  sampleTracks?: () => Promise<number>;
}

async function startRealHub(patrols: number): Promise<Target> {
  const store = await createWorkerStore({}); // in its worker thread, as createStore gives the hub
  await store.migrate();
  const app = await createApp({
    store,
    geo: createGeoContext(benchCity()),
    policy: defaultSlaPolicy(),
    catalog: defaultCatalog(),
    log: silentLogger,
    nodeId: 'bench-hub',
    // every wall takes its region's patrols item by item (beyond the budget a region's patrols are
    // summarised per area and no positions are sent: a province's root watches counts, not dots)
    snapshotBudget: { items: patrols + 1 },
    bootstrapIngestKey: BENCH_INGEST_KEY,
    ingestRates: BENCH_INGEST_RATES,
    socketConnections: BENCH_SOCKET_CONNECTIONS,
    ...(process.env.BENCH_TRACK_SAMPLE_MS ? { trackSampleMs: Number(process.env.BENCH_TRACK_SAMPLE_MS) } : {}),
  });
  await app.hub.loadRoster([], benchRoster(patrols, Date.now()));
  const port = await app.listen(0, '127.0.0.1');
  return {
    port,
    accepted: () => app.hub.positionIntake.totals.accepted + app.hub.positionIntake.totals.ignored,
    close: () => app.close(),
    sampleTracks: () => sampleTracks(app.hub),
  };
}

async function sample(target: Target, send: (m: TargetMessage) => void): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const samples = (await target.sampleTracks?.()) ?? 0;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  loop.disable();
  // no delay recorded (a sample shorter than the monitor's resolution): unknown, not 0
  send({ type: 'sampled', samples, cpuUs: cpu.user + cpu.system, ms, loopMaxMs: loop.count ? loop.max / 1e6 : NaN });
}

async function main(): Promise<void> {
  const kind = process.argv[2] as TargetKind;
  const patrols = Number(process.argv[3]);
  const target: Target = kind === 'hub' ? await startRealHub(patrols) : kind === 'naive' ? await startNaiveSocketHub(patrols) : await startWsHub(patrols);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const send = (m: TargetMessage) => process.send?.(m);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'mark') loop.reset();
    if (m.type === 'stats' || m.type === 'mark') {
      const cpu = process.cpuUsage();
      send({ type: 'stats', accepted: target.accepted(), cpuUs: cpu.user + cpu.system, rssBytes: process.memoryUsage().rss, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 });
    }
    if (m.type === 'sample') void sample(target, send);
    if (m.type === 'stop') void target.close().finally(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: target.port });
}

await main();
