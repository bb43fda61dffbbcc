/**
 * The figures of scaling.bench.ts and how they are read: one step per (patrols, walls), the growth
 * from one step to the next, and the markdown tables bench-results/SUMMARY.md shows. Pure, so the
 * bench's printout and the summary's tables say the same thing.
 */
import type { TrackSampleStats } from './positionsTarget';

export type Series = 'patrols' | 'clients';

export interface ScalingStep {
  series: Series;
  patrols: number;
  walls: number;
  offeredPerSec: number;
  /** set when the step could not be measured (the hub did not start, a wall could not subscribe…) */
  failed?: string;
  /** a clients step that is the same setting as a patrols step reuses its run rather than measuring it twice */
  sameRunAs?: string;
  seconds?: number;
  ingestPerSec?: number;
  droppedByLoader?: number;
  refusedOrFailed?: number;
  hubCpuPercent?: number;
  cpuUsPerFix?: number;
  deliveredPerSec?: number;
  /** hub CPU over every position handed to a wall: the cost of a delivery, ingest included */
  cpuUsPerDelivery?: number;
  latencyMs?: { p50: number; p99: number; max: number };
  hubRssMB?: number;
  hubLoopP99Ms?: number;
  hubLoopMaxMs?: number;
  bytesPerPosition?: number;
  setupS?: { hub: number; walls: number };
  wallsCpuPercent?: number;
  load?: number;
  /** one track sample written after the stretch (the hub samples every 30 s as shipped; off while measuring) */
  trackSample?: TrackSampleStats & { percentAt30s: number };
}

/** from one step to a later one: each figure's factor, and what an added fix or delivery cost at the margin */
export interface Growth {
  from: string;
  to: string;
  /** patrols or walls, the later over the earlier */
  scale: number;
  ingest: number;
  deliveries: number;
  cpu: number;
  cpuPerFix: number;
  cpuPerDelivery: number;
  rss: number;
  /** µs of hub CPU per added fix (patrols) or per added delivery (clients): the change in CPU over the change in work */
  marginalUs: number;
  /** clients: hub CPU % each added wall cost */
  cpuPercentPerWall?: number;
  trackSampleCpu?: number;
}

const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined && b !== 0 ? a / b : NaN);

export function growth(series: Series, a: ScalingStep, b: ScalingStep): Growth {
  const label = (s: ScalingStep) => (series === 'patrols' ? s.patrols.toLocaleString('en') : `${s.walls} wall${s.walls === 1 ? '' : 's'}`);
  const cpuSec = (s: ScalingStep) => (s.hubCpuPercent ?? NaN) / 100;
  const work = series === 'patrols' ? (s: ScalingStep) => s.ingestPerSec ?? NaN : (s: ScalingStep) => s.deliveredPerSec ?? NaN;
  const g: Growth = {
    from: label(a),
    to: label(b),
    scale: series === 'patrols' ? b.patrols / a.patrols : b.walls / a.walls,
    ingest: ratio(b.ingestPerSec, a.ingestPerSec),
    deliveries: ratio(b.deliveredPerSec, a.deliveredPerSec),
    cpu: ratio(b.hubCpuPercent, a.hubCpuPercent),
    cpuPerFix: ratio(b.cpuUsPerFix, a.cpuUsPerFix),
    cpuPerDelivery: ratio(b.cpuUsPerDelivery, a.cpuUsPerDelivery),
    rss: ratio(b.hubRssMB, a.hubRssMB),
    marginalUs: ((cpuSec(b) - cpuSec(a)) * 1e6) / (work(b) - work(a)),
  };
  if (series === 'clients') g.cpuPercentPerWall = ((b.hubCpuPercent ?? NaN) - (a.hubCpuPercent ?? NaN)) / (b.walls - a.walls);
  if (a.trackSample && b.trackSample) g.trackSampleCpu = b.trackSample.cpuUs / a.trackSample.cpuUs;
  return g;
}

/** each measured step over the one before, then the last over the first */
export function growthOf(series: Series, steps: readonly ScalingStep[]): Growth[] {
  const ok = steps.filter((s) => !s.failed);
  const out: Growth[] = [];
  for (let i = 1; i < ok.length; i++) out.push(growth(series, ok[i - 1]!, ok[i]!));
  if (ok.length > 2) out.push(growth(series, ok[0]!, ok.at(-1)!));
  return out;
}

/** a straight line through the steps, hub CPU % = fixed + perUnit × work (least squares): how far each step is from linear */
export interface LinearFit {
  /** CPU % the line puts at no work: what every step pays (the loader's 50 requests a second, the 4 Hz ticks, timers) */
  fixedPercent: number;
  /** µs of hub CPU per fix (patrols) or per delivery (clients) along the line */
  usPerUnit: number;
  /** per step, measured CPU % over the line's (1.00 on the line) */
  measuredOverLine: number[];
}

export function linearFit(series: Series, steps: readonly ScalingStep[]): LinearFit | null {
  const ok = steps.filter((s) => !s.failed && s.hubCpuPercent !== undefined);
  // two points are always on their line: it says something from three on
  if (ok.length < 3) return null;
  const xs = ok.map((s) => (series === 'patrols' ? s.ingestPerSec! : s.deliveredPerSec!));
  const ys = ok.map((s) => s.hubCpuPercent!);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const slope = sxx ? xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / sxx : NaN;
  const fixed = my - slope * mx;
  // CPU % per unit a second is 1e4 µs of CPU per unit
  return { fixedPercent: fixed, usPerUnit: slope * 1e4, measuredOverLine: xs.map((x, i) => ys[i]! / (fixed + slope * x)) };
}

export const fmt = (n: number | undefined, digits = 0) =>
  n !== undefined && Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—';
export const times = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? `×${n < 10 ? fmt(n, 2) : fmt(n, 1)}` : '—');

/** the line in words, and each step's distance from it */
export function fitLine(series: Series, fit: LinearFit): string {
  const unit = series === 'patrols' ? 'fix' : 'delivery';
  return (
    `a straight line through the steps: hub CPU ≈ ${fmt(fit.fixedPercent, 1)} % ${fit.usPerUnit < 0 ? '−' : '+'} ${fmt(Math.abs(fit.usPerUnit), 2)} µs per ${unit} a second; ` +
    `measured over the line, step by step: ${fit.measuredOverLine.map((r) => fmt(r, 2)).join(', ')}`
  );
}

/** the markdown tables of one series, and its growth, for SUMMARY.md */
export function seriesMarkdown(series: Series, steps: readonly ScalingStep[]): string[] {
  const first = series === 'patrols' ? 'patrols' : 'walls';
  const head = `| ${first} | offered/s | ingest/s | dropped | hub CPU | µs CPU/fix | deliveries/s | µs CPU/delivery | p50 / p99 ms | RSS MB | loop max ms | B/pos |${series === 'patrols' ? ' track sample |' : ''}`;
  const rows = steps.map((s) => {
    const key = series === 'patrols' ? fmt(s.patrols) : fmt(s.walls);
    if (s.failed) return `| ${key} | ${fmt(s.offeredPerSec)} | failed: ${s.failed} |`;
    const t = s.trackSample;
    const sample = t ? ` ${fmt(t.samples)} in ${fmt(t.cpuUs / 1000)} ms CPU, loop max ${fmt(t.loopMaxMs)} ms (${fmt(t.percentAt30s, 1)} % at 30 s) |` : ' — |';
    return (
      `| ${key} | ${fmt(s.offeredPerSec)} | ${fmt(s.ingestPerSec)} | ${fmt(s.droppedByLoader)} | ${fmt(s.hubCpuPercent, 1)} % | ${fmt(s.cpuUsPerFix, 1)} | ${fmt(s.deliveredPerSec)} | ` +
      `${fmt(s.cpuUsPerDelivery, 2)} | ${fmt(s.latencyMs?.p50)} / ${fmt(s.latencyMs?.p99)} | ${fmt(s.hubRssMB)} | ${fmt(s.hubLoopMaxMs)} | ${fmt(s.bytesPerPosition, 1)} |` +
      (series === 'patrols' ? sample : '')
    );
  });
  const g = growthOf(series, steps);
  const growthRows = g.map(
    (x) =>
      `| ${x.from} → ${x.to} | ${times(x.scale)} | ${times(series === 'patrols' ? x.ingest : x.deliveries)} | ${times(x.cpu)} | ${times(series === 'patrols' ? x.cpuPerFix : x.cpuPerDelivery)} | ${fmt(x.marginalUs, 2)} |`,
  );
  const fit = linearFit(series, steps);
  const workName = series === 'patrols' ? 'ingest' : 'deliveries';
  const perName = series === 'patrols' ? 'CPU per fix' : 'CPU per delivery';
  return [
    head,
    `|${'---|'.repeat(head.split('|').length - 2)}`,
    ...rows,
    '',
    ...(g.length
      ? [`| growth | ${first} | ${workName} | hub CPU | ${perName} | marginal µs per added ${series === 'patrols' ? 'fix' : 'delivery'} |`, '|---|---|---|---|---|---|', ...growthRows, '']
      : []),
    ...(fit ? [`${fitLine(series, fit)}.`, ''] : []),
  ];
}
