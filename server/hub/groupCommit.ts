/**
 * Group commit: while one store transaction is in flight, the changes that arrive wait together,
 * and the next turn of the queue takes all of them (up to `maxWeight` steps) into ONE transaction
 * — one COMMIT, one fsync — instead of one each. At 1,000 reports a second a transaction that
 * takes 5 ms holds five of them; alone, each would pay the whole fsync.
 *
 * This class only gathers and schedules; what a group means (each change decided in order, the
 * refused ones answered at once, one append, then memory and deltas in seq order) is the
 * `commit` function's business (IncidentCommands.commitGroup). `commit` must settle every change
 * it is given; if it throws, every change still unsettled gets that error.
 *
 * Each change is admitted to the hub's SerialQueue on arrival, so the queue's bound counts
 * changes, not groups: past it a change is refused at once with HUB_BUSY.
 */
import type { SerialQueue } from '../lib/serialQueue';

/**
 * One turn of the event loop before a group is taken: the requests whose bytes have arrived are
 * read (each submits its change) before the group closes. Without it a group would start in the
 * microtask right after the first request, and PGlite — which answers synchronously, on the
 * microtask queue — would commit each report alone while the others wait unread.
 */
const afterIo = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface Waiting<U> {
  unit: U;
  /** how many steps the change holds (a group stops growing at maxWeight) */
  weight: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class GroupCommitter<U> {
  private waiting: Waiting<U>[] = [];
  private scheduled = false;
  /** groups committed, and changes in them: for figures (/metrics, benchmarks) */
  groups = 0;
  changes = 0;

  constructor(
    private readonly queue: SerialQueue,
    private readonly commit: (group: readonly Waiting<U>[]) => Promise<void>,
    private readonly maxWeight: number,
  ) {}

  /** how many changes wait for the next group */
  get gathered(): number {
    return this.waiting.length;
  }

  submit<R>(unit: U, weight: number): Promise<R> {
    let leave: () => void;
    try {
      leave = this.queue.admit();
    } catch (error) {
      return Promise.reject(error);
    }
    const done = new Promise<R>((resolve, reject) => {
      this.waiting.push({ unit, weight, resolve: resolve as (value: unknown) => void, reject });
    });
    done.then(leave, leave);
    this.schedule();
    return done;
  }

  /** answers every change gathered for the next group with `error` (the store is unavailable); returns how many */
  refuseWaiting(error: unknown): number {
    const refused = this.waiting.splice(0);
    for (const w of refused) w.reject(error);
    return refused.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    void this.queue.chain(() => afterIo().then(() => this.flush()));
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const group = this.take();
    // more than one group's worth waited: the rest goes next, still ahead of later arrivals
    if (this.waiting.length > 0) this.schedule();
    if (group.length === 0) return;
    this.groups++;
    this.changes += group.length;
    try {
      await this.commit(group);
    } catch (error) {
      for (const w of group) w.reject(error); // settled ones ignore it
    }
  }

  /** the oldest changes up to maxWeight steps (always at least one) */
  private take(): Waiting<U>[] {
    let weight = 0;
    let n = 0;
    while (n < this.waiting.length && (n === 0 || weight + this.waiting[n]!.weight <= this.maxWeight)) {
      weight += this.waiting[n]!.weight;
      n++;
    }
    return this.waiting.splice(0, n);
  }
}
