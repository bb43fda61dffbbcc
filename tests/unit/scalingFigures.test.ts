/**
 * The scaling bench's reading of its figures (tests/bench/support/scalingFigures.ts): the growth
 * between steps, the marginal cost and the straight line, on steps whose costs are known.
 */
import { describe, expect, it } from 'vitest';
import { growth, growthOf, linearFit, seriesMarkdown, type ScalingStep } from '../bench/support/scalingFigures';

/** a hub that pays `fixed` % CPU at any rate and `us` µs per fix: CPU % = fixed + us × fixes/s / 1e4 */
function step(patrols: number, fixed: number, us: number, walls = 10): ScalingStep {
  const ingest = patrols / 3;
  const cpu = fixed + (us * ingest) / 1e4;
  const delivered = ingest * walls;
  return {
    series: 'patrols',
    patrols,
    walls,
    offeredPerSec: ingest,
    ingestPerSec: ingest,
    hubCpuPercent: cpu,
    cpuUsPerFix: (cpu * 1e4) / ingest,
    deliveredPerSec: delivered,
    cpuUsPerDelivery: (cpu * 1e4) / delivered,
    hubRssMB: 500,
  };
}

describe('scaling figures', () => {
  it('a cost linear in fixes has its per-fix cost as the marginal cost, and a fixed part falls per fix', () => {
    const g = growth('patrols', step(1_000, 5, 2), step(10_000, 5, 2));
    expect(g.scale).toBe(10);
    expect(g.ingest).toBeCloseTo(10);
    expect(g.marginalUs).toBeCloseTo(2);
    expect(g.cpuPerFix).toBeLessThan(1);
  });

  it('the line through steps on a line finds its fixed part and slope, every step on it', () => {
    const steps = [1_000, 10_000, 100_000, 330_000].map((p) => step(p, 5, 2));
    const fit = linearFit('patrols', steps)!;
    expect(fit.fixedPercent).toBeCloseTo(5);
    expect(fit.usPerUnit).toBeCloseTo(2);
    for (const r of fit.measuredOverLine) expect(r).toBeCloseTo(1);
  });

  it('a step above the line shows above 1; two steps make no line', () => {
    const steps = [step(1_000, 5, 2), step(10_000, 5, 2), step(100_000, 5, 2), step(330_000, 5, 4)];
    expect(linearFit('patrols', steps)!.measuredOverLine.at(-1)).toBeGreaterThan(1);
    expect(linearFit('patrols', steps.slice(0, 2))).toBeNull();
  });

  it('failed steps are left out of the growth and named in the table', () => {
    const steps: ScalingStep[] = [step(1_000, 5, 2), { series: 'patrols', patrols: 330_000, walls: 10, offeredPerSec: 110_000, failed: 'no ready' }, step(10_000, 5, 2)];
    expect(growthOf('patrols', steps).map((g) => `${g.from} → ${g.to}`)).toEqual(['1,000 → 10,000']);
    expect(seriesMarkdown('patrols', steps).join('\n')).toContain('failed: no ready');
  });
});
