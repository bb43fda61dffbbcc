/**
 * Runs async tasks one at a time, in submission order. Every change to the hub's state goes
 * through one queue so that validation, the store's transaction and the in-memory projection see
 * the same order as the sequence numbers the store hands out.
 *
 * Bounded: beyond `limit` waiting tasks a new one is refused at once with the error `refuse()`
 * makes (the hub's is HUB_BUSY, 503), rather than queueing without end while the store is slow —
 * a client told "busy" can retry or go elsewhere; one left waiting minutes cannot.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    readonly limit = Number.POSITIVE_INFINITY,
    private readonly refuse: (waiting: number) => Error = (waiting) => new Error(`The queue holds ${waiting} tasks already.`),
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.pending >= this.limit) return Promise.reject(this.refuse(this.pending));
    this.pending++;
    const result = this.tail.then(task, task);
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }

  get size(): number {
    return this.pending;
  }

  /** resolves when everything submitted so far has finished */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
