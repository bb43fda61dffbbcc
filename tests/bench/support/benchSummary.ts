/**
 * bench-results/SUMMARY.md: what `npm run bench` printed, bench by bench, with the machine it ran
 * on, and issue 14's targets read from the JSON files the benchmarks wrote — met, or missed and
 * by how much. Only what this run measured is judged; a target without a figure says so.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_RESULTS_DIR, machine } from './benchResults';
import { fmt as fmtN, seriesMarkdown, type ScalingStep } from './scalingFigures';

export interface BenchRun {
  file: string;
  seconds: number;
  output: string;
  failed: string | null;
}

interface Target {
  what: string;
  target: string;
  measured: string;
  met: boolean | null;
}

type Json = Record<string, unknown>;

function read(name: string, since: number): Json | null {
  const path = join(BENCH_RESULTS_DIR, `${name}.json`);
  if (!existsSync(path)) return null;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Json;
  // a file from an earlier run is not this run's figure
  return Date.parse(String(doc.at)) >= since ? ((doc.figures as Json) ?? null) : null;
}

const n = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

function judge(what: string, target: string, value: number | null, ok: (v: number) => boolean, show: (v: number) => string, gap: (v: number) => string, limits?: string): Target {
  if (value === null) return { what, target, measured: 'not measured in this run', met: null };
  const met = ok(value);
  return { what, target, measured: met ? show(value) : `${show(value)} — missed by ${gap(value)}${limits ? `; what limits it: ${limits}` : ''}`, met };
}

/**
 * What held each missed target back, as profiles on this 2-core machine showed it (issue 14's
 * notes have the figures). Said beside a miss; a run that meets the target does not print it.
 */
const LIMITS = {
  wall: 'headless Chromium draws with SwiftShader (WebGL in software): compiling MapLibre\'s shader programs took about 30 % of the page\'s main-thread time in a profile of a district opening; a district also fetches its grid polygons after its snapshot',
  stall: 'hubStalls.bench.ts names what held the loop (HUB_STALLS_PROFILE=<dir>): on 2 cores, garbage collection of a 1–3 GB heap, long lists built in one piece (GET /api/patrols, /api/cameras: tens of MB of JSON), Socket.IO encoding a 2.5 MB snapshot in one turn, and the first start\'s roster generation',
  silence: 'the same as the stalls (see hubStalls); the probe also waits behind every other client\'s request',
  latency: 'the loader, the hub and 20 walls decoding every frame share 2 cores',
  intake: 'over Socket.IO each report is one message and one acknowledgement, parsed and validated on the hub\'s one thread while the loader shares the 2 cores',
  memory: 'see provinceDay.bench.ts: the case store grows with the day by design (MEMORY_DAYS); a full day needs a quieter machine than the one that ran it',
};

export function targets(since: number): Target[] {
  const out: Target[] = [];
  const snap = read('snapshot', since);
  if (snap) {
    const wall = (snap.wallInChromium ?? {}) as Json;
    out.push(judge('province root: the wall shows live figures and the map', '≤ 5,000 ms', n(wall.rootMs), (v) => v <= 5000, (v) => `${fmt(v)} ms`, (v) => `${fmt(v - 5000)} ms`, LIMITS.wall));
    out.push(judge('a district of the province: the same', '≤ 3,000 ms', n(wall.districtMs), (v) => v <= 3000, (v) => `${fmt(v)} ms`, (v) => `${fmt(v - 3000)} ms`, LIMITS.wall));
    const rows = (snap.layered as Json[] | undefined) ?? [];
    const biggest = rows.length ? Math.max(...rows.map((r) => n(r.mb) ?? 0)) : null;
    out.push(judge('largest snapshot of any region (JSON)', 'a few MB (≤ 5 MB)', biggest, (v) => v <= 5, (v) => `${v.toFixed(2)} MB`, (v) => `${(v - 5).toFixed(2)} MB`));
    const silences = [...rows.map((r) => n(r.longestSilenceMs) ?? 0), n((snap.rootTimes20 as Json | undefined)?.longestSilenceMs) ?? 0];
    out.push(judge('longest hub silence while walls subscribe (healthz probe)', '≤ 100 ms', rows.length ? Math.max(...silences) : null, (v) => v <= 100, (v) => `${fmt(v)} ms`, (v) => `${fmt(v - 100)} ms`, LIMITS.silence));
  }
  const stalls = read('hubStalls', since);
  if (stalls) {
    // inside the hub (monitorEventLoopDelay via /metrics), per phase; the /healthz probe's gap beside it
    const profiled = stalls.profiled === true ? ', hub under --cpu-prof' : '';
    for (const p of (stalls.phases as Json[] | undefined) ?? []) {
      const gap = n(p.healthzGapMs);
      const shown = (v: number) => `${fmt(v)} ms (healthz gap ${gap === null ? '—' : fmt(gap)} ms${profiled})`;
      out.push(judge(`no event-loop stall over 100 ms: ${String(p.phase)}`, '≤ 100 ms', n(p.loopMaxMs), (v) => v <= 100, shown, (v) => `${fmt(v - 100)} ms`, LIMITS.stall));
    }
  }
  const pos = read('positions', since);
  if (pos) {
    const runs = ((pos.runs as Json[] | undefined) ?? []).filter((r) => r.target === 'hub-root' || r.target === 'hub');
    const at110 = runs.filter((r) => n(r.targetRate) === 110_000);
    const worst = (xs: Json[], key: (r: Json) => number | null, pick: (a: number, b: number) => number) =>
      xs.map(key).filter((v): v is number => v !== null).reduce<number | null>((m, v) => (m === null ? v : pick(m, v)), null);
    out.push(judge('positions ingested at 110,000/s offered', '≥ 110,000/s (within 1 %)', worst(at110, (r) => n(r.ingestPerSec), Math.min), (v) => v >= 108_900, (v) => `${fmt(v)}/s`, (v) => `${fmt(110_000 - v)}/s`));
    out.push(judge('p99 ingest → wall', '≤ 300 ms', worst(runs, (r) => n((r.latencyMs as Json | undefined)?.p99), Math.max), (v) => v <= 300, (v) => `${fmt(v)} ms`, (v) => `${fmt(v - 300)} ms`, LIMITS.latency));
    out.push(judge('bytes per position on the wire', '≤ 20', worst(runs, (r) => n(r.bytesPerPosition), Math.max), (v) => v <= 20, (v) => v.toFixed(1), (v) => (v - 20).toFixed(1)));
    const root = runs.filter((r) => r.target === 'hub-root');
    out.push(judge('deliveries per CPU-second vs the naive Socket.IO hub', '≥ 25×', worst(root, (r) => n(r.ratioVsNaive), Math.min), (v) => v >= 25, (v) => `${v.toFixed(1)}×`, (v) => `${(25 - v).toFixed(1)}×`));
    out.push(judge('deliveries per CPU-second vs a raw ws broadcast', '≥ 0.5× (within 2×)', worst(root, (r) => n(r.ratioVsWs), Math.min), (v) => v >= 0.5, (v) => `${v.toFixed(2)}×`, (v) => `${(0.5 - v).toFixed(2)}×`));
  }
  const intake = read('intake', since) as unknown as Json[] | null;
  if (Array.isArray(intake)) {
    for (const [db, rate] of [['PGlite (disk)', 1000], ['PostgreSQL', 5000]] as const) {
      const rows = intake.filter((r) => r.database === db && r.method !== 'naive: 1 transaction per report');
      const atTarget = rows.filter((r) => r.phase === 'target');
      const half = rows.filter((r) => r.phase === 'half');
      const slowest = atTarget.map((r) => n(r.perSecond)).filter((v): v is number => v !== null);
      out.push(judge(`${db}: durable reports/s at ${fmt(rate)}/s offered (every path)`, `≥ ${fmt(rate)}/s (within 1 %)`, slowest.length ? Math.min(...slowest) : null, (v) => v >= rate * 0.99, (v) => `${fmt(v)}/s`, (v) => `${fmt(rate - v)}/s`, LIMITS.intake));
      const p99 = half.map((r) => n(r.p99Ms)).filter((v): v is number => v !== null);
      out.push(judge(`${db}: p99 acknowledgement at half rate (every path)`, '≤ 50 ms', p99.length ? Math.max(...p99) : null, (v) => v <= 50, (v) => `${v.toFixed(1)} ms`, (v) => `${(v - 50).toFixed(1)} ms`, LIMITS.intake));
    }
  }
  const day = read('provinceDay', since);
  if (day) {
    const hub = (day.hub ?? {}) as Json;
    const pct = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`;
    const flat = (what: string, value: number | null) => judge(what, '≤ 10 % growth after warm-up', value, (v) => v <= 10, pct, (v) => `${(v - 10).toFixed(1)} points`, LIMITS.memory);
    out.push(flat('flat memory over a province day: hub RSS', n((hub.rss as Json | undefined)?.growthPercent)));
    out.push(flat('flat memory over a province day: hub RSS less the case store’s growth (by design up to MEMORY_DAYS)', n(hub.rssLessCaseStoreGrowthPercent)));
    out.push(flat('flat memory over a province day: the wall’s JS heap (worst wall)', n(day.worstWallGrowthPercent)));
  }
  return out;
}

/** scaling.bench.ts's two series as tables, when this run measured them */
export function scalingSection(since: number): string[] {
  const doc = read('scaling', since);
  if (!doc) return [];
  const part = (key: 'patrols' | 'clients') => (doc[key] ?? {}) as Json & { steps?: ScalingStep[] };
  const patrols = part('patrols');
  const clients = part('clients');
  const every = `each patrol a fix every ${String(doc.reportEverySec)} s, every wall on the city root (each receives every position); ${String(doc.warmupS)} s warm-up + ${String(doc.measureS)} s measured per step`;
  return [
    '## How cost grows (scaling.bench.ts)',
    '',
    every + '.',
    '',
    ...(patrols.steps?.length ? [`### With patrols (${String(patrols.walls)} walls)`, '', ...seriesMarkdown('patrols', patrols.steps)] : []),
    ...(clients.steps?.length ? [`### With walls (${fmtN(n(clients.patrols) ?? NaN)} patrols)`, '', ...seriesMarkdown('clients', clients.steps)] : []),
  ];
}

export function writeSummary(runs: BenchRun[], startedAt: number): string {
  const m = machine();
  const lines = [
    '# npm run bench — summary',
    '',
    `Run at ${new Date(startedAt).toISOString()} on ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node} (${m.platform}).`,
    'Figures of one run on one machine: compare with runs on the same machine. Nothing here is asserted by the tests.',
    '',
    '## Issue 14 targets',
    '',
    '| what | target | this run | |',
    '|---|---|---|---|',
    ...targets(startedAt).map((t) => `| ${t.what} | ${t.target} | ${t.measured} | ${t.met === null ? '—' : t.met ? 'met' : '**missed**'} |`),
    '',
    ...scalingSection(startedAt),
    '## Benchmarks',
    '',
    ...runs.map((r) => `- \`${r.file}\`: ${r.failed ? `**failed** (${r.failed})` : 'done'} in ${Math.round(r.seconds)} s`),
    '',
    ...runs.flatMap((r) => [`### ${r.file}`, '', '```', r.output.trimEnd(), '```', '']),
  ];
  const path = join(BENCH_RESULTS_DIR, 'SUMMARY.md');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
