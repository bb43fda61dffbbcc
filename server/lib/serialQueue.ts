/**
 * Runs async tasks one at a time, in submission order. Every change to the hub's state goes
 * through one queue so that validation, the store's transaction and the in-memory projection see
 * the same order as the sequence numbers the store hands out.
 *
 * Bounded: beyond `limit` waiting changes a new one is refused at once with the error `refuse()`
 * makes (the hub's is HUB_BUSY, 503), rather than queueing without end while the store is slow —
 * a client told "busy" can retry or go elsewhere; one left waiting minutes cannot. A change is
 * either a task of its own (`run`) or one of many that a task takes together (`admit` each, then
 * `chain` the task: the hub's group commit, server/hub/groupCommit.ts); both count.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    readonly limit = Number.POSITIVE_INFINITY,
    private readonly refuse: (waiting: number) => Error = (waiting) => new Error(`The queue holds ${waiting} tasks already.`),
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    let leave: () => void;
    try {
      leave = this.admit();
    } catch (error) {
      return Promise.reject(error);
    }
    const result = this.chain(task);
    result.then(leave, leave);
    return result;
  }

  /**
   * Counts one change as waiting, or throws the refusal when `limit` are waiting already. The
   * returned function says it is done (calling it again does nothing).
   */
  admit(): () => void {
    if (this.pending >= this.limit) throw this.refuse(this.pending);
    this.pending++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.pending--;
    };
  }

  /** runs `task` after everything before it, without counting it (its changes were admitted) */
  chain<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** changes admitted and not yet done */
  get size(): number {
    return this.pending;
  }

  /** resolves when every task, including those chained while waiting, has finished */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }
}
