/**
 * PGlite on the hub's thread against PGlite in a worker thread (server/store/workerStore.ts), in
 * the same run, on disk with fsync as the hub runs it, two writes the hub makes:
 *   tracks — a province's track sample: 330,000 patrols' latest fixes, saved 1,000 rows a call with
 *            a turn of the event loop between calls (server/hub/maintenance.ts, sampleTracks);
 *   appends — 5,000 reports in group commits of 64 (the hub's most on PGlite): each its event,
 *            its case's row, its idempotency key and its audit row, one append a group, one at a
 *            time with a turn of the event loop between (as server/hub/groupCommit.ts gathers them).
 * For each: the longest event-loop stall of this (the main) thread (perf_hooks
 * monitorEventLoopDelay), how busy the thread was (event-loop utilisation: in-thread that is
 * PGlite itself; with the worker, what is left — structured clone of arguments and results, and
 * the answers' bookkeeping) and the throughput. Printed, never asserted.
 *
 *   npx tsx tests/bench/storeWorker.bench.ts   (npm run bench -- storeWorker; BENCH_SAMPLES=330000,
 *                                               BENCH_EVENTS=5000, BENCH_GROUP=64)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { NewAuditRecord, NewEvent, Store, TrackSample } from '../../server/store/types';
import { createPgliteStore } from '../../server/store/pgliteStore';
import { createWorkerStore } from '../../server/store/workerStore';
import { makeIncident, operator, T0 } from '../integration/storeFixtures';
import { writeBenchResult } from './support/benchResults';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 330_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000);
const GROUP = Number(process.env.BENCH_GROUP ?? 64);
const PER_WRITE = 1_000;

export interface StoreWorkerFigures {
  store: 'in-thread' | 'worker';
  phase: 'tracks' | 'appends';
  rows: number;
  calls: number;
  seconds: number;
  rowsPerSecond: number;
  /** longest event-loop stall of the main thread during the phase */
  longestStallMs: number;
  p99StallMs: number;
  /** share of the phase the main thread was busy, and that time in ms */
  mainThreadBusy: number;
  mainThreadBusyMs: number;
  /** the longest garbage collection of the main thread during the phase (one cause of a stall that is not the store's) */
  longestGcMs: number;
  /** the machine's 1-minute load average as the phase ended */
  load: number;
}

const samplesAt = (at: number): TrackSample[] =>
  Array.from({ length: SAMPLES }, (_, i) => ({ patrolId: `p-${String(i).padStart(6, '0')}`, lng: 118 + (i % 1000) / 200, lat: 27 + Math.floor(i / 1000) / 100, at }));

function reportGroup(from: number, count: number, label: string): { events: NewEvent[]; incidents: ReturnType<typeof makeIncident>[]; keys: { key: string; incidentId: string; requestHash: string }[]; audit: NewAuditRecord[] } {
  const ids = Array.from({ length: count }, (_, k) => `${label}-${String(from + k).padStart(6, '0')}`);
  const incidents = ids.map((id, k) => makeIncident({ id, reportedAt: T0 + from + k, updatedAt: T0 + from + k }));
  return {
    incidents,
    events: incidents.map((incident) => ({ kind: 'incident', aggregateId: incident.id, type: 'reported', at: incident.reportedAt, actor: operator, payload: { type: 'reported', at: incident.reportedAt, note: null, data: { title: incident.title } } })),
    keys: ids.map((id) => ({ key: `key-${id}`, incidentId: id, requestHash: 'a'.repeat(64) })),
    audit: incidents.map((incident, k) => ({
      at: incident.reportedAt,
      actor: 'op-1',
      role: 'operator',
      client: { channel: 'http', address: '10.0.0.7', userAgent: 'bench' },
      action: 'report',
      outcome: 'ok',
      error: null,
      message: null,
      incidentId: incident.id,
      subject: null,
      stageBefore: null,
      stageAfter: 'reported',
      reason: null,
      stepMs: null,
      regionPath: incident.regionPath,
      eventIndex: k,
    })),
  };
}

async function measured(store: StoreWorkerFigures['store'], phase: StoreWorkerFigures['phase'], rows: number, work: () => Promise<number>): Promise<StoreWorkerFigures> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  let longestGc = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGc = Math.max(longestGc, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const elu = performance.eventLoopUtilization();
  loop.enable();
  const started = performance.now();
  const calls = await work();
  const seconds = (performance.now() - started) / 1000;
  // the monitor samples on a timer: a stall still running as the work ends is recorded only once
  // timers run again
  await new Promise((resolve) => setTimeout(resolve, 5));
  loop.disable();
  gc.disconnect();
  const busy = performance.eventLoopUtilization(elu);
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    store,
    phase,
    rows,
    calls,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round(rows / seconds),
    longestStallMs: ms(loop.max),
    p99StallMs: ms(loop.percentile(99)),
    mainThreadBusy: Math.round(busy.utilization * 1000) / 1000,
    mainThreadBusyMs: Math.round(busy.active),
    longestGcMs: Math.round(longestGc * 10) / 10,
    load: Math.round(loadavg()[0]! * 10) / 10,
  };
}

async function benchStore(name: StoreWorkerFigures['store'], open: (dataDir: string) => Promise<Store>): Promise<StoreWorkerFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), `bench-store-${name}-`));
  const store = await open(dir);
  try {
    await store.migrate();
    await store.saveTrackSamples(samplesAt(T0 - 60_000).slice(0, PER_WRITE)); // first pages, plan cache
    const samples = samplesAt(T0);
    const tracks = await measured(name, 'tracks', samples.length, async () => {
      let calls = 0;
      for (let i = 0; i < samples.length; i += PER_WRITE) {
        if (i > 0) await yieldToLoop();
        await store.saveTrackSamples(samples.slice(i, i + PER_WRITE));
        calls++;
      }
      return calls;
    });
    const appends = await measured(name, 'appends', EVENTS, async () => {
      let calls = 0;
      for (let from = 0; from < EVENTS; from += GROUP) {
        if (from > 0) await yieldToLoop(); // the hub gathers the next group after a turn of the loop
        const group = reportGroup(from, Math.min(GROUP, EVENTS - from), name);
        await store.append(group.events, { incidents: group.incidents }, group.keys, group.audit);
        calls++;
      }
      return calls;
    });
    return [tracks, appends];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(figures: readonly StoreWorkerFigures[]): void {
  console.log(`PGlite on disk (fsync on): ${SAMPLES.toLocaleString('en-US')} track samples in calls of ${PER_WRITE}; ${EVENTS.toLocaleString('en-US')} reports in group commits of ${GROUP}`);
  console.log(`${'store'.padEnd(10)} ${'phase'.padEnd(8)} ${'rows/s'.padStart(8)} ${'seconds'.padStart(8)} ${'longest stall'.padStart(14)} ${'p99 stall'.padStart(10)} ${'main thread busy'.padStart(20)} ${'longest GC'.padStart(11)} ${'load'.padStart(5)}`);
  for (const f of figures) {
    console.log(
      `${f.store.padEnd(10)} ${f.phase.padEnd(8)} ${f.rowsPerSecond.toLocaleString('en-US').padStart(8)} ${f.seconds.toFixed(2).padStart(8)} ${`${f.longestStallMs} ms`.padStart(14)} ${`${f.p99StallMs} ms`.padStart(10)} ${`${(f.mainThreadBusy * 100).toFixed(1)} % (${f.mainThreadBusyMs.toLocaleString('en-US')} ms)`.padStart(20)} ${`${f.longestGcMs} ms`.padStart(11)} ${String(f.load).padStart(5)}`,
    );
  }
}

/** what the boundary costs one call of 1,000 samples: structured clone (serialise on the sending thread, deserialise on the other), median of 200 after 50 to warm up */
function cloneMs(): number {
  const chunk = samplesAt(T0).slice(0, PER_WRITE);
  for (let i = 0; i < 50; i++) structuredClone(chunk);
  const times = Array.from({ length: 200 }, () => {
    const started = performance.now();
    structuredClone(chunk);
    return performance.now() - started;
  }).sort((a, b) => a - b);
  return Math.round(times[100]! * 1000) / 1000;
}

export default async function run(): Promise<{ runs: StoreWorkerFigures[]; cloneOf1000SamplesMs: number }> {
  const cloneOf1000SamplesMs = cloneMs();
  const figures = [
    ...(await benchStore('in-thread', (dataDir) => createPgliteStore({ dataDir }))),
    ...(await benchStore('worker', (dataDir) => createWorkerStore({ dataDir }))),
  ];
  print(figures);
  console.log(`structured clone of one call of ${PER_WRITE} samples (both sides, median of 200): ${cloneOf1000SamplesMs} ms`);
  const result = { runs: figures, cloneOf1000SamplesMs };
  console.log(`figures: ${writeBenchResult('storeWorker', result)}`);
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
