/**
 * The hub's clock as the wall sees it, measured the way NTP does: a request stamped with the
 * wall's clock (t0), answered with the hub's (s), received at t1. The hub read its clock somewhere
 * in the round trip, so s − (t0 + t1) / 2 is the offset give or take half the round trip; of the
 * recent samples the one with the shortest round trip is the truest. Taking the offset from a
 * snapshot instead counted its whole transfer (seconds for a large region) as clock difference,
 * and the wall's clock ran 7–22 s behind the hub's.
 */
export interface ClockSample {
  /** the wall's clock when the request left */
  sentAt: number;
  serverTime: number;
  /** the wall's clock when the answer arrived */
  receivedAt: number;
}

/** samples kept: a few minutes of them, so that a change of route or a clock step is followed */
export const CLOCK_SAMPLES = 8;

export function offsetOf(s: ClockSample): number {
  return s.serverTime - (s.sentAt + s.receivedAt) / 2;
}

/** the offset of the sample with the shortest round trip, or null without samples */
export function bestOffset(samples: readonly ClockSample[]): { offsetMs: number; roundTripMs: number } | null {
  let best: ClockSample | null = null;
  for (const s of samples) if (s.receivedAt >= s.sentAt && (!best || s.receivedAt - s.sentAt < best.receivedAt - best.sentAt)) best = s;
  return best ? { offsetMs: offsetOf(best), roundTripMs: best.receivedAt - best.sentAt } : null;
}

export function keepSample(samples: readonly ClockSample[], next: ClockSample): ClockSample[] {
  return [...samples, next].slice(-CLOCK_SAMPLES);
}
