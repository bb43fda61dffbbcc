/**
 * Coalesces bursts of store changes into at most one run per interval (first change runs at once,
 * the rest of a burst once at the end). One timer, cancelled on unmount: nothing to leak.
 */
export interface Throttled {
  schedule(): void;
  /** run now if something is pending */
  flush(): void;
  cancel(): void;
}

/** `intervalMs` may be a function: read at each scheduling (a rate that depends on the load) */
export function throttle(run: () => void, intervalMs: number | (() => number), now: () => number = () => Date.now()): Throttled {
  const interval = typeof intervalMs === 'number' ? () => intervalMs : intervalMs;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending = false;
  let lastRun = -Infinity;

  const fire = () => {
    timer = null;
    if (!pending) return;
    pending = false;
    lastRun = now();
    run();
  };

  return {
    schedule() {
      pending = true;
      if (timer !== null) return;
      const wait = lastRun + interval() - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    flush() {
      if (timer !== null) clearTimeout(timer);
      fire();
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending = false;
    },
  };
}
