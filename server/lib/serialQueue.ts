/**
 * Runs async tasks one at a time, in submission order. Every change to the hub's state goes
 * through one queue so that validation, the store's transaction and the in-memory projection see
 * the same order as the sequence numbers the store hands out.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
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
