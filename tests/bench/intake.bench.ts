/**
 * Durable incident intake (issue 14): reports a second and acknowledgement latency on PGlite on
 * disk (fsync on, a temp dir, in its worker thread as the hub runs it) and PostgreSQL (skipped
 * loudly if unreachable), two ways:
 *   hub    — hub.reportAs in this process, as the HTTP route and the socket handler call it:
 *            parse, authorise, decide, one audit row and an idempotency key each, the store's
 *            COMMIT, memory, the delta. Group commit beside the naive baseline, one transaction
 *            per report (maxGroupSteps 1), in the same run.
 *   socket — the whole hub (createApp) on loopback, fed by signed-in Socket.IO clients in another
 *            process (support/intakeLoader.ts), acknowledgement as the client sees it.
 * Three phases each:
 *   full   — closed loop, BENCH_INFLIGHT reports always waiting: the most it acknowledges (over
 *            the socket bounded by the round trips of the in-flight reports as much as by the hub);
 *   target — open loop at the target (1,000/s PGlite, 5,000/s PostgreSQL): sustained if it
 *            acknowledges as many as offered without a growing backlog;
 *   half   — open loop at half the target, the rate the p99 target is set at.
 * In open loop, latency is counted from when each report was due, so a stalled hub cannot hide
 * its backlog.
 * Prints fsyncs per report for PGlite, the longest event-loop stall and the machine's load;
 * writes bench-results/intake.json. Reported, never asserted.
 *
 *   npx tsx tests/bench/intake.bench.ts   (npm run bench -- intake; BENCH_SECONDS=3, BENCH_INFLIGHT=256,
 *                                          BENCH_STORE=pglite|postgres, BENCH_PATH=hub|socket,
 *                                          BENCH_PGLITE=thread for PGlite on the hub's own thread)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPostgresStore, whyPostgresUnreachable } from '../../server/store/postgresStore';
import { createPgliteStore } from '../../server/store/pgliteStore';
import type { Store } from '../../server/store/types';
import { createWorkerStore } from '../../server/store/workerStore';
import { writeBenchResult } from './support/benchResults';
import { hubDriver, socketDriver, type Pace } from './support/intakeDrivers';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const IN_FLIGHT = Number(process.env.BENCH_INFLIGHT ?? 256);
const TARGET = { pglite: 1_000, postgres: 5_000 } as const;
const PACE: Pace = { seconds: SECONDS, inFlight: IN_FLIGHT };

export interface IntakeFigures {
  /** the machine's 1-minute load average as the phase ended (other work on it skews every figure) */
  load: number;
  database: 'PGlite (disk)' | 'PostgreSQL';
  path: 'hub' | 'socket';
  method: 'group commit' | 'naive: 1 transaction per report';
  phase: 'full' | 'target' | 'half';
  /** reports a second offered (open-loop phases) */
  offered: number | null;
  acknowledged: number;
  refused: number;
  /** refusals by error code */
  refusedBy: Record<string, number>;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  transactions: number;
  reportsPerTransaction: number;
  /** PGlite: fsyncs PostgreSQL made during the phase (WAL segments, and any checkpoint) */
  fsyncs: number | null;
  walFsyncs: number | null;
  /** the longest store append (one group's transaction, COMMIT included) in the phase */
  appendMaxMs: number;
  /** PGlite: the longest single fsync in the phase (the event loop waits it out) */
  maxFsyncMs: number | null;
  loopMaxMs: number;
  /** the longest garbage-collection pause of this process during the phase, and their sum */
  gcMaxMs: number;
  gcTotalMs: number;
  /** CPU this process (the hub; with path hub also the generator) spent per acknowledged report: what the rate costs whatever else the machine runs */
  cpuUsPerReport: number;
  /** path socket: CPU the load generator's process spent per acknowledged report (it shares the machine's cores) */
  loaderCpuUsPerReport: number | null;
}

const LOAD_NOTE = 'figures move with the load other work puts on the machine (column load)';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Counters {
  fsyncs: number;
  walFsyncs: number;
  /** the longest fsync since the phase began */
  maxFsyncMs: number;
}

async function measure(
  database: IntakeFigures['database'],
  target: number,
  open: () => Promise<{ store: Store; counters: Counters | null; done: () => Promise<void> }>,
): Promise<IntakeFigures[]> {
  const out: IntakeFigures[] = [];
  const paths = (process.env.BENCH_PATH ?? 'hub,socket').split(',');
  const runs = [
    ...(paths.includes('hub') ? [{ path: 'hub' as const, naive: false }, { path: 'hub' as const, naive: true }] : []),
    ...(paths.includes('socket') ? [{ path: 'socket' as const, naive: false }] : []),
  ];
  for (const { path, naive } of runs) {
    const opened = await open();
    const { counters, done } = opened;
    // every group's transaction timed: a tail of acknowledgements shows up here if the store made it
    const appends = { maxMs: 0 };
    const store: Store = new Proxy(opened.store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'append' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const started = performance.now();
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            appends.maxMs = Math.max(appends.maxMs, performance.now() - started);
          }
        };
      },
    });
    try {
      const driver = path === 'hub' ? await hubDriver(store, naive, PACE) : await socketDriver(store, PACE);
      const hub = driver.hub;
      try {
        for (const phase of ['full', 'target', 'half'] as const) {
          const before = { ...hub.groupCommits, fsyncs: counters?.fsyncs ?? 0, wal: counters?.walFsyncs ?? 0 };
          if (counters) counters.maxFsyncMs = 0;
          appends.maxMs = 0;
          const loop = monitorEventLoopDelay({ resolution: 5 });
          loop.enable();
          const cpuBefore = process.cpuUsage();
          const gc = { max: 0, total: 0 };
          const gcWatch = new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) {
              gc.max = Math.max(gc.max, entry.duration);
              gc.total += entry.duration;
            }
          });
          gcWatch.observe({ entryTypes: ['gc'] });
          const offered = phase === 'half' ? target / 2 : phase === 'target' ? target : null;
          process.stdout.write(`  ${database}, ${path}, ${naive ? 'naive' : 'group commit'}, ${phase} rate${offered ? ` (${offered}/s offered)` : ''}… `);
          const run = offered ? await driver.fixed(offered) : await driver.full();
          loop.disable();
          gcWatch.disconnect();
          const cpu = process.cpuUsage(cpuBefore);
          const sorted = run.latencies.sort((a, b) => a - b);
          const transactions = hub.groupCommits.groups - before.groups;
          const figures: IntakeFigures = {
            load: Math.round(loadavg()[0]! * 100) / 100,
            database,
            path,
            method: naive ? 'naive: 1 transaction per report' : 'group commit',
            phase,
            offered,
            acknowledged: sorted.length,
            refused: Object.values(run.refused).reduce((a, b) => a + b, 0),
            refusedBy: run.refused,
            perSecond: Math.round((sorted.length / run.ms) * 1000),
            p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
            p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
            maxMs: Math.round((sorted[sorted.length - 1] ?? 0) * 10) / 10,
            transactions,
            reportsPerTransaction: transactions > 0 ? Math.round(((hub.groupCommits.changes - before.changes) / transactions) * 10) / 10 : 0,
            fsyncs: counters ? counters.fsyncs - before.fsyncs : null,
            walFsyncs: counters ? counters.walFsyncs - before.wal : null,
            appendMaxMs: Math.round(appends.maxMs * 10) / 10,
            maxFsyncMs: counters ? Math.round(counters.maxFsyncMs * 10) / 10 : null,
            loopMaxMs: Math.round(loop.max / 1e5) / 10,
            gcMaxMs: Math.round(gc.max * 10) / 10,
            gcTotalMs: Math.round(gc.total),
            cpuUsPerReport: sorted.length > 0 ? Math.round((cpu.user + cpu.system) / sorted.length) : 0,
            loaderCpuUsPerReport: run.cpuUs !== undefined && sorted.length > 0 ? Math.round(run.cpuUs / sorted.length) : null,
          };
          const why = Object.entries(run.refused).map(([code, n]) => `${n} ${code}`);
          console.log(`${figures.perSecond}/s, p99 ${figures.p99Ms} ms${why.length ? ` (refused: ${why.join(', ')})` : ''}`);
          out.push(figures);
        }
      } finally {
        await driver.close();
      }
    } finally {
      await done();
    }
  }
  return out;
}

function print(results: readonly IntakeFigures[]): void {
  console.log(
    `\n${'database'.padEnd(14)} ${'path'.padEnd(6)} ${'method'.padEnd(33)} ${'phase'.padEnd(12)} ${'reports/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ` +
      `${'refused'.padStart(7)} ${'per tx'.padStart(6)} ${'fsyncs/report'.padStart(13)} ${'loop max ms'.padStart(11)} ${'GC max ms'.padStart(9)} ${'append max'.padStart(10)} ${'fsync max'.padStart(9)} ${'CPU µs/report'.padStart(13)} ${'loader µs'.padStart(9)} ${'load'.padStart(5)}`,
  );
  for (const r of results) {
    const phase = r.phase === 'full' ? 'full' : `${r.phase} ${r.offered}/s`;
    const perReport = r.fsyncs === null || r.acknowledged === 0 ? '—' : (r.fsyncs / r.acknowledged).toFixed(3);
    console.log(
      `${r.database.padEnd(14)} ${r.path.padEnd(6)} ${r.method.padEnd(33)} ${phase.padEnd(12)} ${String(r.perSecond).padStart(9)} ${r.p50Ms.toFixed(1).padStart(7)} ${r.p99Ms.toFixed(1).padStart(8)} ` +
        `${r.maxMs.toFixed(1).padStart(8)} ${String(r.refused).padStart(7)} ${r.reportsPerTransaction.toFixed(1).padStart(6)} ${perReport.padStart(13)} ${r.loopMaxMs.toFixed(1).padStart(11)} ${r.gcMaxMs.toFixed(1).padStart(9)} ${r.appendMaxMs.toFixed(1).padStart(10)} ${(r.maxFsyncMs === null ? '—' : r.maxFsyncMs.toFixed(1)).padStart(9)} ${String(r.cpuUsPerReport).padStart(13)} ${String(r.loaderCpuUsPerReport ?? '—').padStart(9)} ${r.load.toFixed(1).padStart(5)}`,
    );
  }
  for (const database of ['PGlite (disk)', 'PostgreSQL'] as const) {
    const naive = results.find((r) => r.database === database && r.path === 'hub' && r.method !== 'group commit' && r.phase === 'full');
    for (const path of ['hub', 'socket'] as const) {
      const of = (phase: IntakeFigures['phase']) => results.find((r) => r.database === database && r.path === path && r.method === 'group commit' && r.phase === phase);
      const [full, atTarget, half] = [of('full'), of('target'), of('half')];
      if (!full || !atTarget || !half) continue;
      const target = database === 'PostgreSQL' ? TARGET.postgres : TARGET.pglite;
      // sustained: acknowledged what was offered (within 2 %) and the backlog did not grow past a second
      const best = Math.max(full.perSecond, atTarget.perSecond);
      const sustained = atTarget.perSecond >= target * 0.98 && atTarget.p99Ms < 1000 && atTarget.refused === 0;
      const rate = sustained
        ? `met (${target}/s offered, ${atTarget.perSecond}/s acknowledged, p99 ${atTarget.p99Ms} ms; most at full: ${full.perSecond}/s)`
        : `MISSED (${target}/s offered: ${atTarget.perSecond}/s acknowledged, p99 ${atTarget.p99Ms} ms, ${atTarget.refused} refused; best ${best}/s)`;
      const p99 = half.p99Ms <= 50 ? `met (${half.p99Ms} ms ≤ 50 ms)` : `MISSED by ${(half.p99Ms - 50).toFixed(1)} ms (${half.p99Ms} ms)`;
      const vsNaive = naive ? `; ${(full.perSecond / Math.max(1, naive.perSecond)).toFixed(1)}× the naive baseline (${naive.perSecond}/s)` : '';
      console.log(`${database}, ${path}: rate ${rate}; p99 at half rate ${p99}${vsNaive}; load ${full.load}`);
    }
  }
}

export default async function run(): Promise<IntakeFigures[]> {
  const results: IntakeFigures[] = [];
  console.log(`intake: ${SECONDS} s a phase, ${IN_FLIGHT} reports in flight at full rate`);

  const only = process.env.BENCH_STORE; // 'pglite' or 'postgres' to run one of them
  if (only !== 'postgres') results.push(
    ...(await measure('PGlite (disk)', TARGET.pglite, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'intake-bench-'));
      const counters: Counters = { fsyncs: 0, walFsyncs: 0, maxFsyncMs: 0 };
      // PGlite as the hub runs it, in its worker thread (the fsyncs told across), unless asked otherwise
      const open = process.env.BENCH_PGLITE === 'thread' ? createPgliteStore : createWorkerStore;
      const store = await open({
        dataDir: dir,
        onFsync: (path, ms) => {
          counters.fsyncs++;
          if (path.includes('/pg_wal/')) counters.walFsyncs++;
          counters.maxFsyncMs = Math.max(counters.maxFsyncMs, ms);
        },
      });
      await store.migrate();
      return { store, counters, done: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
    })),
  );

  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const unreachable = only === 'pglite' ? 'not asked for (BENCH_STORE=pglite)' : await whyPostgresUnreachable(url);
  if (unreachable) {
    console.warn(`\n!! PostgreSQL NOT benchmarked (${url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}): ${unreachable}\n`);
  } else {
    const settings = new pg.Client({ connectionString: url });
    await settings.connect();
    const show = async (name: string) => String((await settings.query(`SHOW ${name}`)).rows[0]?.[name]);
    console.log(`PostgreSQL: fsync=${await show('fsync')}, synchronous_commit=${await show('synchronous_commit')}, wal_sync_method=${await show('wal_sync_method')}`);
    await settings.end();
    results.push(
      ...(await measure('PostgreSQL', TARGET.postgres, async () => {
        const schema = `bench_intake_${process.pid}_${Date.now().toString(36)}`;
        const store = await createPostgresStore({ url, schema });
        await store.migrate();
        const done = async () => {
          await store.close();
          const admin = new pg.Client({ connectionString: url });
          await admin.connect();
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await admin.end();
        };
        return { store, counters: null, done };
      })),
    );
  }
  print(results);
  console.log(LOAD_NOTE);
  console.log(`figures written to ${writeBenchResult('intake', results)}`);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
