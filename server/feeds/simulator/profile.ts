/**
 * When incidents arrive: a Poisson process per minute whose rate follows the hour of the day —
 * quiet at night, a peak mid-morning when patrols are out and the hotline is busy, a dip at lunch
 * and a second peak in the afternoon. About 1.15 incidents per grid per day (1,500 a day at
 * 1,300 grids), times the configured rate.
 */
import type { Rng } from '../../lib/rng';
import { localMinute } from './traits';

export const INCIDENTS_PER_GRID_PER_DAY = 1500 / 1300;

/** relative intake per local hour 00 … 23 (normalised below so that the mean is 1) */
const RAW_HOURLY = [
  0.25, 0.18, 0.14, 0.14, 0.18, 0.32, 0.6, 1.0, 1.45, 1.75, 1.9, 1.75,
  1.3, 1.35, 1.6, 1.8, 1.75, 1.5, 1.2, 1.0, 0.85, 0.7, 0.5, 0.35,
];
const MEAN = RAW_HOURLY.reduce((a, b) => a + b, 0) / 24;
export const HOURLY_PROFILE: readonly number[] = RAW_HOURLY.map((w) => w / MEAN);

/** profile value at a minute of the day, interpolated between hour midpoints (mean over a day: 1) */
export function profileAt(minuteOfDay: number): number {
  const h = (minuteOfDay + 0.5) / 60 - 0.5; // position relative to hour midpoints
  const lo = Math.floor(h);
  const frac = h - lo;
  const a = HOURLY_PROFILE[((lo % 24) + 24) % 24]!;
  const b = HOURLY_PROFILE[(((lo + 1) % 24) + 24) % 24]!;
  return a + (b - a) * frac;
}

/** expected arrivals in the minute starting at `minuteStart` for a city with `dailyVolume` a day */
export function expectedPerMinute(minuteStart: number, dailyVolume: number, tzOffsetMinutes: number): number {
  return (dailyVolume / 1440) * profileAt(localMinute(minuteStart, tzOffsetMinutes));
}

/** daily volume for a city of `gridCount` grids at `rate` (1 = realistic) */
export function dailyVolume(gridCount: number, rate: number): number {
  return gridCount * INCIDENTS_PER_GRID_PER_DAY * rate;
}

/** a Poisson-distributed count (Knuth for small means, a rounded normal for large ones) */
export function poisson(lambda: number, rng: Rng): number {
  if (!(lambda > 0)) return 0;
  if (lambda > 50) return Math.max(0, Math.round(rng.normal(lambda, Math.sqrt(lambda))));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}
