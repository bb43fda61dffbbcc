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
 *
 * Gated: while `gate()` names an error (the hub's: the store is unavailable, storeHealth.ts) a new
 * change is refused at once with it, and `refuseWaiting` answers the tasks that have not started
 * yet — they leave the queue without running, so nothing of them is written.
 */
interface WaitingRun {
  refuse(error: unknown): void;
}

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private readonly notStarted = new Set<WaitingRun>();
  private refusalListeners: ((error: unknown) => number)[] = [];

  constructor(
    readonly limit = Number.POSITIVE_INFINITY,
    private readonly refuse: (waiting: number) => Error = (waiting) => new Error(`The queue holds ${waiting} tasks already.`),
    private readonly gate: () => Error | null = () => null,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    let leave: () => void;
    try {
      leave = this.admit();
    } catch (error) {
      return Promise.reject(error);
    }
    const result = new Promise<T>((resolve, reject) => {
      const entry: WaitingRun = {
        refuse: (error) => {
          this.notStarted.delete(entry);
          reject(error);
        },
      };
      this.notStarted.add(entry);
      void this.chain(async () => {
        if (!this.notStarted.delete(entry)) return; // refused while it waited: it never runs
        try {
          resolve(await task());
        } catch (error) {
          reject(error);
        }
      });
    });
    result.then(leave, leave);
    return result;
  }

  /**
   * Counts one change as waiting, or throws the refusal when `limit` are waiting already (or the
   * gate's error). The returned function says it is done (calling it again does nothing).
   */
  admit(): () => void {
    const closed = this.gate();
    if (closed) throw closed;
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

  /**
   * Answers every task that has not started with `error`: it will not run. Those gathered by a
   * task of their own (the group commit) are answered by it, through `onRefuseWaiting`. The task
   * running now goes on: only the store knows whether its write commits.
   */
  refuseWaiting(error: unknown): number {
    const waiting = [...this.notStarted];
    for (const entry of waiting) entry.refuse(error);
    let gathered = 0;
    for (const listener of this.refusalListeners) gathered += listener(error);
    return waiting.length + gathered;
  }

  /** `listener` answers the changes it gathered when the queue refuses its waiting ones; returns how many */
  onRefuseWaiting(listener: (error: unknown) => number): void {
    this.refusalListeners.push(listener);
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
