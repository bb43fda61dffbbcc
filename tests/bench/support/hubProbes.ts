/**
 * Two views of a hub's event loop while a benchmark does something to it:
 *
 * - from inside: prom-client's default metrics on /metrics (`gcw_nodejs_eventloop_lag_max_seconds`,
 *   `_p99_seconds`, …) read Node's monitorEventLoopDelay histogram (resolution 10 ms) and RESET it
 *   on every collection (node_modules/prom-client/lib/metrics/eventLoopLag.js: `histogram.reset()`
 *   after setting the gauges). So one scrape answers the delays since the scrape before, and a
 *   scrape at a phase's start and its end gives that phase's max and p99. A sample is the time
 *   between two turns of the histogram's 10 ms timer: an idle loop reads about 10 ms, a stall of
 *   S ms reads at most S + 10 ms.
 *   The reading is right with one blind spot, checked on Node 20.20: reset() also forgets the
 *   timer's previous turn (node's Histogram::Reset sets prev_ to 0), so the interval in which a
 *   scrape falls is recorded in no window. A stall that ends just before a scrape is answered (the
 *   scrape waited behind it), or that begins just after one before the timer turned, is lost. So a
 *   phase waits for two /healthz answers (the hub's loop has turned, and the timer with it) after
 *   its first scrape and again before its last, and scrapes nowhere between by default: every
 *   scrape inside a phase would be another blind spot (HUB_STALLS_SCRAPE_MS sets a period anyway;
 *   the max and the highest p99 of the scrapes are then kept). The probe below sees what a blind
 *   spot hides.
 * - from outside: GET /healthz every 20 ms and the longest gap between two answers (what any
 *   other client would have waited). /healthz awaits the store's ping, so a gap may also be a
 *   wait behind the store's queue rather than a blocked loop: the inside figure tells them apart.
 */
import { connect } from 'node:net';

export interface LoopDelay {
  /** the longest event-loop delay sample, ms */
  maxMs: number;
  /** the 99th percentile of the samples, ms */
  p99Ms: number;
}

/** one /metrics scrape's event-loop figures (the delays since the previous scrape) */
export async function scrapeLoopDelay(url: string, headers: Record<string, string> = {}): Promise<LoopDelay> {
  const text = await (await fetch(`${url}/metrics`, { headers })).text();
  const gauge = (name: string): number => {
    const m = new RegExp(`^gcw_nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
    if (!m) throw new Error(`/metrics has no gcw_nodejs_eventloop_lag_${name}_seconds`);
    return Number(m[1]) * 1000;
  };
  return { maxMs: gauge('max'), p99Ms: gauge('p99') };
}

export interface HealthProbe {
  /** resolves after `n` more answers: the hub's event loop has turned since */
  answers(n: number): Promise<void>;
  /** stops polling; answers the longest gap between answers and how many there were */
  stop(): Promise<{ longestGapMs: number; answers: number }>;
}

/**
 * /healthz every 20 ms. Gaps are counted from the first answer on, or from `countFrom` (the moment
 * the hub listened) when that comes first: before the hub listens there is nothing to wait for,
 * but once it listens a request waits. `onBody` sees each answer's body (the first start watches
 * `backfilling`).
 */
export function probeHealth(url: string, onBody?: (body: Record<string, unknown>) => void, countFrom?: Promise<number>): HealthProbe {
  let running = true;
  let longest = 0;
  let answers = 0;
  let last: number | null = null;
  void countFrom?.then((t) => {
    last ??= t;
  });
  const waiting: { at: number; resolve: () => void }[] = [];
  const loop = (async () => {
    while (running) {
      let answered = false;
      try {
        const res = await fetch(`${url}/healthz`);
        const body = (await res.json()) as Record<string, unknown>;
        answered = true;
        onBody?.(body);
      } catch {
        /* not listening yet, or a failed answer: the gap goes on */
      }
      const now = performance.now();
      if (answered) {
        if (last !== null) longest = Math.max(longest, now - last);
        last = now;
        answers++;
        for (const w of waiting.filter((x) => x.at <= answers)) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve();
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    answers: (n) => new Promise<void>((resolve) => waiting.push({ at: answers + n, resolve })),
    async stop() {
      running = false;
      await loop;
      for (const w of waiting.splice(0)) w.resolve();
      return { longestGapMs: Math.round(longest), answers };
    },
  };
}

export interface PhaseFigures {
  phase: string;
  /** what was done, in words */
  did: string;
  durationMs: number;
  /** inside the hub, from /metrics; null when no scrape answered */
  loopMaxMs: number | null;
  loopP99Ms: number | null;
  scrapes: number;
  /** outside: the longest gap between /healthz answers */
  healthzGapMs: number;
  /** the machine's 1-minute load average at the phase's end (the hub shares 2 cores) */
  load1: number;
  /** the phase's start and end on the monotonic clock, µs (process.hrtime: the hub's CPU profile uses the same) */
  startUs: number;
  endUs: number;
}

export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Resolves with performance.now() when a TCP connection to the port first succeeds: the hub
 * listens. The kernel accepts connections while the hub's event loop is blocked, so this is the
 * moment it listened even when its first HTTP answer comes much later. Tries every 20 ms until
 * `signal` aborts.
 */
export function whenListening(port: number, signal: AbortSignal, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => {
    const attempt = () => {
      if (signal.aborted) return; // the hub failed to start: stop trying
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(performance.now());
      });
      socket.once('error', () => {
        socket.destroy();
        setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}

/** keeps the worst of several scrapes */
export class LoopDelayWindow {
  maxMs: number | null = null;
  p99Ms: number | null = null;
  scrapes = 0;

  add(d: LoopDelay): void {
    this.maxMs = Math.max(this.maxMs ?? 0, d.maxMs);
    this.p99Ms = Math.max(this.p99Ms ?? 0, d.p99Ms);
    this.scrapes++;
  }
}

/**
 * Scrapes /metrics every `everyMs` until stopped (one scrape at a time: a slow answer is itself
 * part of what is measured), adding each to `window`.
 */
export function scrapeEvery(url: string, headers: Record<string, string>, everyMs: number, window: LoopDelayWindow): { stop(): Promise<void> } {
  if (everyMs <= 0) return { stop: async () => undefined };
  let running = true;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (running) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, everyMs);
      });
      if (!running) break;
      try {
        window.add(await scrapeLoopDelay(url, headers));
      } catch {
        /* not listening yet */
      }
    }
  })();
  return {
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
