/**
 * Long loops in slices of time, the event loop given a turn between slices. A fixed number of
 * items per chunk does not bound a turn: the same 4,000 cases took 20 ms on a quiet machine and
 * over 100 ms under load at a province root, beside every other task of that turn. A slice ends
 * when it has run SLICE_MS, checked every few items so that the clock is not read per item.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** how long one slice may hold the event loop: a few slices of other work still fit in 100 ms */
export const SLICE_MS = 8;
const CHECK_EVERY = 64;

/**
 * The clock of a slice, for loops that yield by themselves: `if (slice.spent()) await slice.next()`.
 * Every sliced loop here reads it; a loop of cheap items reads it every few items, one whose items
 * are calls of thousands (a batch of fixes) after each.
 */
export class SliceClock {
  private start = performance.now();
  constructor(private readonly ms = SLICE_MS) {}

  spent(): boolean {
    return performance.now() - this.start >= this.ms;
  }

  /** a turn of the event loop, then a new slice */
  async next(): Promise<void> {
    await yieldToLoop();
    this.start = performance.now();
  }
}

export async function forEachInSlices<T>(items: Iterable<T>, each: (item: T) => void, sliceMs = SLICE_MS): Promise<void> {
  const slice = new SliceClock(sliceMs);
  let n = 0;
  for (const item of items) {
    each(item);
    if (++n % CHECK_EVERY === 0 && slice.spent()) await slice.next();
  }
}

/** `each(0)` … `each(n - 1)` in slices of time */
export async function forRangeInSlices(n: number, each: (i: number) => void, sliceMs = SLICE_MS): Promise<void> {
  const slice = new SliceClock(sliceMs);
  for (let i = 0; i < n; i++) {
    each(i);
    if ((i + 1) % CHECK_EVERY === 0 && slice.spent()) await slice.next();
  }
}

/** a turn of the event loop between two steps of a long computation */
export { yieldToLoop };

/**
 * Callers pass one per turn of the event loop, in arrival order. Twenty waiters on one promise
 * resume in the same turn, and a `setImmediate` each does not separate them (immediates queued in
 * one turn all run in the next): chaining each caller's yield on the previous caller's turn does.
 * For heavy synchronous work that many callers do at once (encoding a province's snapshot).
 */
export class TurnTaker {
  private tail: Promise<void> = Promise.resolve();

  take(): Promise<void> {
    const mine = this.tail.then(() => yieldToLoop());
    this.tail = mine;
    return mine;
  }
}

/**
 * A long computation written once as a generator that yields between steps, then run either to
 * the end in one go (tests, small inputs) or in slices of time with a turn of the event loop
 * between them (the hub's start-up at province scale). Yield every few items, not per item: each
 * yield costs a generator resumption and a clock read.
 */
export type Steps<T> = Generator<void, T, void>;

export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export async function runInSlices<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  const slice = new SliceClock(sliceMs);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (slice.spent()) await slice.next();
  }
}

/** how many items a generator handles between two yields */
export const ITEMS_PER_STEP = CHECK_EVERY;
