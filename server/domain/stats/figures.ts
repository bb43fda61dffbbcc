/** Small numeric helpers with the conventions of docs/statistics.md. */
import type { StageDuration } from '@shared/schemas/stats';

/** numerator ÷ denominator, or null when the denominator is 0 (no basis for a rate). */
export function rate(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/**
 * Count, mean and 90th percentile of durations. The percentile is nearest-rank: the value at
 * position ⌈0.9·n⌉ (1-based) of the sorted list, always an observed duration. Sorted as a typed
 * array (numeric, native): a province root's 60,000 durations per stage took 15 ms each with a
 * comparator, in the turn of the event loop that finishes its figures.
 */
export function summariseDurations(durations: readonly number[]): StageDuration {
  const n = durations.length;
  if (n === 0) return { count: 0, meanMs: null, p90Ms: null };
  const sorted = Float64Array.from(durations).sort();
  let sum = 0;
  for (const d of durations) sum += d;
  return { count: n, meanMs: Math.round(sum / n), p90Ms: sorted[Math.ceil(0.9 * n) - 1]! };
}

export function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
