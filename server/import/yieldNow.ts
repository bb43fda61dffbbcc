/**
 * Gives the event loop a turn. Rows from a stream already in memory arrive on microtasks, which
 * never let timers or sockets run: a long loop asks `pause()` after each item, and it yields once
 * the loop has been held for a slice of time. By time, not by count: the first items of a kind run
 * cold (not yet compiled) and cost ten times the later ones.
 */
import { setImmediate as immediate } from 'node:timers/promises';

export function yieldNow(): Promise<void> {
  return immediate();
}

/** a pause that yields when `sliceMs` have passed since it last did */
export function yielder(sliceMs = 15): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    const now = performance.now();
    if (now - since < sliceMs) return undefined;
    return yieldNow().then(() => {
      since = performance.now();
    });
  };
}
