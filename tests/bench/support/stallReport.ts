/**
 * The stalls of a profiled hubStalls run, phase by phase: how many the preload logged (gaps over
 * 100 ms of its 5 ms interval), and what ran inside the two longest of each phase. A stall is
 * counted in the phase it ENDS in: its logged start is the interval's last turn before it, which
 * may fall just before the phase began (the request that stalled arrived right after).
 *
 * Also runs alone on a saved run (the profile directory and bench-results/hubStalls.json):
 *   npx tsx tests/bench/support/stallReport.ts /tmp/stalls
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_RESULTS_DIR } from './benchResults';
import type { PhaseFigures } from './hubProbes';
import { explainStalls, mainProfile, readStalls, type Stall, type StallCause } from './stallProfile';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

export interface StallReport {
  lines: string[];
  figures: { count: number; byPhase: Record<string, { count: number; longestMs: number }>; causes: StallCause[] } | null;
}

type Span = Pick<PhaseFigures, 'phase' | 'startUs' | 'endUs'>;

export function reportStalls(dir: string, phases: readonly Span[]): StallReport {
  const stalls = readStalls(join(dir, 'stalls.jsonl'));
  const spans: Span[] = [{ phase: '0 before listening', startUs: -Infinity, endUs: phases[0]?.startUs ?? Infinity }, ...phases];
  const label = (us: number) => {
    const p = [...spans].reverse().find((s) => us >= s.startUs) ?? spans[0]!;
    return { phase: us <= p.endUs ? p.phase : `between phases, after ${p.phase}`, startUs: Number.isFinite(p.startUs) ? p.startUs : us };
  };
  const byPhase = new Map<string, Stall[]>();
  for (const s of stalls) {
    const phase = label(s.endUs).phase;
    byPhase.set(phase, [...(byPhase.get(phase) ?? []), s]);
  }
  const longest = (l: Stall[]) => Math.round(Math.max(...l.map((s) => s.ms)));
  const lines = [`stalls over 100 ms (the preload's 5 ms interval): ${stalls.length}; per phase: ${[...byPhase.entries()].map(([p, l]) => `${p}: ${l.length} (longest ${longest(l)} ms)`).join('; ') || 'none'}`];
  const profile = mainProfile(dir);
  if (!profile) return { lines: [...lines, '  no CPU profile was written (the hub did not exit normally?)'], figures: null };
  const chosen = [...byPhase.values()].flatMap((list) => [...list].sort((a, b) => b.ms - a.ms).slice(0, 2));
  const causes = explainStalls(profile, chosen, repo, (stall) => label(stall.endUs), chosen.length).sort(
    (a, b) => a.phase.localeCompare(b.phase) || b.ms - a.ms,
  );
  lines.push(`what held the loop (CPU profile ${profile}):`);
  for (const c of causes) {
    const idle = c.idleMs > 0 ? `, ${c.idleMs} ms of them (idle): the hub waiting, not computing` : '';
    lines.push(`  ${c.phase}: a ${c.ms} ms stall ${(Math.max(0, c.atMs) / 1000).toFixed(1)} s into the phase (${c.sampledMs} ms of it sampled${idle})`);
    lines.push(`    our code: ${c.project.map((p) => `${p.fn} ${p.ms} ms`).join(' · ')}`);
    if (c.path) lines.push(`    via: ${c.path}`);
    lines.push(`    self: ${c.self.map((p) => `${p.fn} ${p.ms} ms`).join(' · ')}`);
  }
  return { lines, figures: { count: stalls.length, byPhase: Object.fromEntries([...byPhase.entries()].map(([p, l]) => [p, { count: l.length, longestMs: longest(l) }])), causes } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: npx tsx tests/bench/support/stallReport.ts PROFILE_DIR');
  const saved = JSON.parse(readFileSync(join(BENCH_RESULTS_DIR, 'hubStalls.json'), 'utf8')) as { figures: { phases: Span[] } };
  for (const line of reportStalls(dir, saved.figures.phases).lines) console.log(line);
}
