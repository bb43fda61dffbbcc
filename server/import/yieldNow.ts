/**
 * Gives the event loop a turn. Rows from a stream already in memory arrive on microtasks, which
 * never let timers or sockets run: a long loop calls this every so often so that nothing else
 * (walls, the console, positions) waits more than a few milliseconds.
 */
import { setImmediate as immediate } from 'node:timers/promises';

export function yieldNow(): Promise<void> {
  return immediate();
}

/** yields once every `every` calls */
export function yielder(every: number): () => Promise<void> | undefined {
  let n = 0;
  return () => (++n % every === 0 ? yieldNow() : undefined);
}
