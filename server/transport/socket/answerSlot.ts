/**
 * At most one subscription answer built per connection at a time (issue 17 part 1).
 *
 * Subscribe packets that arrive together are each let through by the limiter in the same round of
 * microtasks; a small region's snapshot is built synchronously, and its answer encoded only after
 * an `await`, so 30 subscriptions from one read of the socket built 30 snapshots side by side
 * before the first was sent — and the unread-output check before each saw nothing sent yet. The
 * slot makes a connection's next subscription wait until the previous answer has been handed to
 * Engine.IO (its bytes count from then on against `maxPendingBytes`, limits.ts). Only the newest
 * waits: a newer subscription tells the one waiting before it that it lost (it answers SUPERSEDED
 * without building anything).
 */
export class AnswerSlot {
  private held = false;
  /** the one subscription waiting for the slot: told false when a newer one comes, true when the slot is passed to it */
  private waiting: ((got: boolean) => void) | null = null;

  /** resolves true when the slot is this caller's (release it after answering), false when a newer caller came first */
  take(): Promise<boolean> {
    this.waiting?.(false);
    this.waiting = null;
    if (!this.held) {
      this.held = true;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** the answer was handed on: the slot passes to the one waiting, if any */
  release(): void {
    const next = this.waiting;
    this.waiting = null;
    if (next) next(true);
    else this.held = false;
  }
}
