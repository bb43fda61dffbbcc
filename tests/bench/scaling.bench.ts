/**
 * How the hub's cost grows (issue 14): with patrols, and with walls. The real hub in a process of
 * its own, the loader in another posting binary batches to POST /api/positions, the walls in this
 * one, every wall on the city root so that each receives every position (positions.bench.ts's
 * `hub-root`; one run is support/positionsRun.ts). Each patrol reports one fix every 3 s.
 *
 *   series patrols  1,000 / 10,000 / 100,000 / 330,000 patrols (333 / 3,333 / 33,333 / 110,000 fixes/s), 10 walls
 *   series clients  1 / 10 / 50 walls at 100,000 patrols (33,333 fixes/s); the 10-wall step is the patrols series' run
 *
 * Per step: ingest/s achieved (and fixes the loader dropped: an overloaded hub is measured as it
 * is), hub CPU %, µs of hub CPU per ingested fix and per delivered position, deliveries/s,
 * p50/p99 ingest → wall latency, hub RSS, the event loop's longest delay, bytes per position;
 * then each step's growth over the one before (and the last over the first), with the marginal
 * cost: the change in hub CPU over the change in fixes (or deliveries). Figures only; nothing asserted.
 *
 *   npm run bench -- scaling      (about 6 minutes: 5 min 43 s on a shared 2-core machine)
 *
 * Six runs of 3 s warm-up + 8 s measured; most of the time is setting up: a hub loads its roster,
 * and every wall on the root is sent a snapshot of every patrol (10 walls at 330,000 patrols took
 * ~35 s, 50 walls at 100,000 ~50 s).
 *
 * Knobs: BENCH_SCALE_PATROLS (1000,10000,100000,330000), BENCH_SCALE_PATROL_WALLS (10),
 * BENCH_SCALE_WALLS (1,10,50), BENCH_SCALE_CLIENT_PATROLS (100000), BENCH_SCALE_SERIES
 * (patrols,clients), BENCH_SCALE_REPORT_S (3: each patrol's fix interval), BENCH_SCALE_WARMUP_S (3),
 * BENCH_SCALE_MEASURE_S (8), BENCH_POS_PROFILE=<dir> (a CPU profile of each hub).
 *
 * Track sampling is off while measuring: the hub writes every moved patrol to the store once every
 * 30 s, so an 8 s stretch would hold one sample or none depending on how long the hub took to set
 * up, and the steps would not compare. Instead, after each patrols step the hub writes one sample
 * of every patrol that moved, timed; its CPU over 30 s is what sampling adds as shipped (to this
 * hub's store, PGlite in memory; the shipped hub's is on disk, where a sample may cost more). The walls
 * run in this process and share the machine's cores with the hub and the loader: their CPU and the
 * machine's load are printed beside each step.
 */
import { pathToFileURL } from 'node:url';
import { writeBenchResult } from './support/benchResults';
import { runOnce, type RunResult } from './support/positionsRun';
import { fitLine, fmt, growthOf, linearFit, times, type ScalingStep, type Series } from './support/scalingFigures';

const TRACK_SAMPLE_EVERY_S = 30;

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const list = (name: string, fallback: number[]) => (process.env[name] ? process.env[name]!.split(',').map(Number) : fallback);

interface Plan {
  series: Series;
  patrols: number;
  walls: number;
}

function stepOf(plan: Plan, offeredPerSec: number, r: RunResult): ScalingStep {
  const f = r.figures;
  const cpuUs = (f.hubCpuPercent / 100) * f.seconds * 1e6;
  return {
    series: plan.series,
    patrols: plan.patrols,
    walls: plan.walls,
    offeredPerSec,
    seconds: f.seconds,
    ingestPerSec: f.ingestPerSec,
    droppedByLoader: f.droppedByLoader,
    refusedOrFailed: f.refusedOrFailed,
    hubCpuPercent: f.hubCpuPercent,
    cpuUsPerFix: f.cpuUsPerIngested,
    deliveredPerSec: f.deliveredPerSec,
    cpuUsPerDelivery: f.deliveredPerSec ? cpuUs / (f.deliveredPerSec * f.seconds) : NaN,
    latencyMs: f.latencyMs,
    hubRssMB: f.hubRssMB,
    hubLoopP99Ms: f.hubLoopP99Ms,
    hubLoopMaxMs: f.hubLoopMaxMs,
    bytesPerPosition: f.bytesPerPosition,
    setupS: { hub: r.setupMs.hub / 1000, walls: r.setupMs.walls / 1000 },
    wallsCpuPercent: r.wallsCpuPercent,
    load: r.load,
    ...(r.trackSample ? { trackSample: { ...r.trackSample, percentAt30s: (r.trackSample.cpuUs / 1e6 / TRACK_SAMPLE_EVERY_S) * 100 } } : {}),
  };
}

/** phases on stderr (on one line in a terminal): they show progress and stay out of SUMMARY.md */
function progressLine(prefix: string): { phase: (p: string) => void; done: () => void } {
  const tty = process.stderr.isTTY;
  const t0 = performance.now();
  const at = () => `${Math.round((performance.now() - t0) / 1000)} s`;
  return {
    phase: (p) => process.stderr.write(tty ? `\r\x1b[K  … ${prefix}: ${p} (${at()})` : `  … ${prefix}: ${p} (${at()})\n`),
    done: () => {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

const COLUMNS =
  `${'offered/s'.padStart(9)} ${'ingest/s'.padStart(9)} ${'dropped'.padStart(8)} ${'CPU %'.padStart(5)} ${'µs/fix'.padStart(7)} ${'deliveries/s'.padStart(12)} ` +
  `${'µs/deliv'.padStart(8)} ${'p50 ms'.padStart(6)} ${'p99 ms'.padStart(6)} ${'RSS MB'.padStart(6)} ${'loop max'.padStart(8)} ${'B/pos'.padStart(5)}  ` +
  `setup hub+walls s  walls' CPU %  load  track sample`;

function row(key: string, s: ScalingStep): string {
  if (s.failed) return `  ${key} ${fmt(s.offeredPerSec).padStart(9)}  failed: ${s.failed}`;
  const t = s.trackSample;
  const sample = t ? `${fmt(t.samples)} in ${fmt(t.cpuUs / 1000)} ms CPU, loop max ${fmt(t.loopMaxMs)} ms (${fmt(t.percentAt30s, 1)} % at 30 s)` : '—';
  return (
    `  ${key} ${fmt(s.offeredPerSec).padStart(9)} ${fmt(s.ingestPerSec).padStart(9)} ${fmt(s.droppedByLoader).padStart(8)} ${fmt(s.hubCpuPercent, 1).padStart(5)} ` +
    `${fmt(s.cpuUsPerFix, 1).padStart(7)} ${fmt(s.deliveredPerSec).padStart(12)} ${fmt(s.cpuUsPerDelivery, 2).padStart(8)} ${fmt(s.latencyMs?.p50).padStart(6)} ` +
    `${fmt(s.latencyMs?.p99).padStart(6)} ${fmt(s.hubRssMB).padStart(6)} ${fmt(s.hubLoopMaxMs).padStart(8)} ${fmt(s.bytesPerPosition, 1).padStart(5)}  ` +
    `${`${fmt(s.setupS?.hub, 1)} + ${fmt(s.setupS?.walls, 1)}`.padStart(17)}  ${fmt(s.wallsCpuPercent).padStart(12)}  ${fmt(s.load, 1).padStart(4)}  ${sample}` +
    (s.sameRunAs ? `  (${s.sameRunAs})` : '')
  );
}

function printGrowth(series: Series, steps: ScalingStep[]): void {
  const g = growthOf(series, steps);
  if (!g.length) return;
  const per = series === 'patrols' ? 'CPU per fix' : 'CPU per delivery';
  console.log(`\n  growth (each step over the one before, then the last over the first):`);
  for (const x of g) {
    const work = series === 'patrols' ? `ingest ${times(x.ingest).padStart(6)}` : `deliveries ${times(x.deliveries).padStart(6)}`;
    const marginal = `marginal ${fmt(x.marginalUs, 2)} µs per added ${series === 'patrols' ? 'fix' : 'delivery'}`;
    const extra =
      series === 'patrols'
        ? `  RSS ${times(x.rss)}  track sample CPU ${times(x.trackSampleCpu)}`
        : `  ${fmt(x.cpuPercentPerWall, 2)} % CPU per added wall  CPU per fix ${times(x.cpuPerFix)}`;
    console.log(
      `  ${`${x.from} → ${x.to}`.padEnd(22)} ${series} ${times(x.scale).padStart(6)}  ${work}  hub CPU ${times(x.cpu).padStart(6)}  ` +
        `${per} ${times(series === 'patrols' ? x.cpuPerFix : x.cpuPerDelivery).padStart(6)}  ${marginal}${extra}`,
    );
  }
  const fit = linearFit(series, steps);
  if (fit) console.log(`  ${fitLine(series, fit)}`);
}

async function measure(p: Plan, index: number, of: number, o: { rate: number; warmupS: number; measureS: number }): Promise<ScalingStep> {
  const progress = progressLine(`[${index}/${of}] ${fmt(p.patrols)} patrols, ${p.walls} wall${p.walls === 1 ? '' : 's'}`);
  try {
    const r = await runOnce({
      target: 'hub-root',
      patrols: p.patrols,
      rate: o.rate,
      walls: p.walls,
      warmupMs: o.warmupS * 1000,
      measureMs: o.measureS * 1000,
      trackSampleMs: 0,
      // the patrols series says what sampling costs per patrol; the clients series has one roster
      measureTrackSample: p.series === 'patrols',
      progress: progress.phase,
    });
    return stepOf(p, o.rate, r);
  } catch (error) {
    return { series: p.series, patrols: p.patrols, walls: p.walls, offeredPerSec: o.rate, failed: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  } finally {
    progress.done();
  }
}

export default async function run(): Promise<void> {
  const reportS = num('BENCH_SCALE_REPORT_S', 3);
  const warmupS = num('BENCH_SCALE_WARMUP_S', 3);
  const measureS = num('BENCH_SCALE_MEASURE_S', 8);
  const patrolsList = list('BENCH_SCALE_PATROLS', [1_000, 10_000, 100_000, 330_000]);
  const patrolWalls = num('BENCH_SCALE_PATROL_WALLS', 10);
  const wallsList = list('BENCH_SCALE_WALLS', [1, 10, 50]);
  const clientPatrols = num('BENCH_SCALE_CLIENT_PATROLS', 100_000);
  const series = (process.env.BENCH_SCALE_SERIES ?? 'patrols,clients').split(',') as Series[];
  const rateOf = (patrols: number) => Math.round(patrols / reportS);

  const plan: Plan[] = [
    ...(series.includes('patrols') ? patrolsList.map((patrols) => ({ series: 'patrols' as const, patrols, walls: patrolWalls })) : []),
    ...(series.includes('clients') ? wallsList.map((walls) => ({ series: 'clients' as const, patrols: clientPatrols, walls })) : []),
  ];
  const toRun = plan.filter((p, i) => p.series === 'patrols' || !plan.slice(0, i).some((q) => q.series === 'patrols' && q.patrols === p.patrols && q.walls === p.walls));
  console.log(
    `scaling: the real hub with every wall on the city root, each patrol a fix every ${reportS} s, loader and hub in processes of their own, node ${process.version}; ` +
      `${toRun.length} run${toRun.length === 1 ? '' : 's'} of ${warmupS} s warm-up + ${measureS} s measured, plus each hub's setup (a large roster and its walls' snapshots take tens of seconds)`,
  );

  const steps: ScalingStep[] = [];
  let runIndex = 0;
  for (const [i, p] of plan.entries()) {
    if (i === 0 || plan[i - 1]!.series !== p.series) {
      console.log(
        p.series === 'patrols'
          ? `\nseries patrols: ${p.walls} walls on the root; ${patrolsList.map((n) => fmt(n)).join(' / ')} patrols\n  ${'patrols'.padStart(7)} ${COLUMNS}`
          : `\nseries clients: ${fmt(p.patrols)} patrols (${fmt(rateOf(p.patrols))} fixes/s offered)\n  ${'walls'.padStart(7)} ${COLUMNS}`,
      );
    }
    const key = (p.series === 'patrols' ? fmt(p.patrols) : fmt(p.walls)).padStart(7);
    const same = steps.find((s) => s.series === 'patrols' && s.patrols === p.patrols && s.walls === p.walls);
    let step: ScalingStep;
    if (p.series === 'clients' && same) step = { ...same, series: 'clients', sameRunAs: `the patrols series' run` };
    else step = await measure(p, ++runIndex, toRun.length, { rate: rateOf(p.patrols), warmupS, measureS });
    steps.push(step);
    console.log(row(key, step));
    const next = plan[i + 1];
    if (!next || next.series !== p.series) printGrowth(p.series, steps.filter((s) => s.series === p.series));
  }

  console.log(
    '\nreading: µs/fix is hub CPU over fixes taken, µs/deliv hub CPU over positions handed to walls (ingest included). A growth of ×1 in CPU per fix means' +
      ' cost linear in patrols; below ×1, work paid per request or per tick rather than per fix (the loader posts 50 batches a second at every rate, the hub' +
      ' ticks 4 times a second) is spread over more fixes. The marginal cost is what each added fix (or delivery) cost between two steps. Latency is' +
      ' measured in this process, which decodes every frame for every wall; its CPU and the load are printed beside each step.',
  );
  const byS = (s: Series) => steps.filter((x) => x.series === s);
  const path = writeBenchResult('scaling', {
    reportEverySec: reportS,
    warmupS,
    measureS,
    trackSampleEverySec: TRACK_SAMPLE_EVERY_S,
    patrols: { walls: patrolWalls, steps: byS('patrols'), growth: growthOf('patrols', byS('patrols')), fit: linearFit('patrols', byS('patrols')) },
    clients: { patrols: clientPatrols, steps: byS('clients'), growth: growthOf('clients', byS('clients')), fit: linearFit('clients', byS('clients')) },
  });
  console.log(`\nfigures written to ${path}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
