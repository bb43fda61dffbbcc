/**
 * Whether the hub can write now (issue 17 part 2): a database that fails is a clear state, not a
 * crash or a hang. Before, a stalled PostgreSQL (sockets open, no bytes) held a write up to the
 * statement timeout (15 s) and every write behind it queued; now the hub knows within about a
 * second and says so.
 *
 * The store turns **unavailable** when
 *   - a write (or a read the write path makes: idempotency keys, case numbers) has been in flight
 *     longer than `stallMs` (1 s; a large write is allowed `msPerRow`, 0.25 ms, more a row — about
 *     what PGlite takes a row under load —: a history chunk of 1,000 cases 1.5 s, a roster write
 *     of 10,000 units 3.5 s) — `stalled_write`;
 *   - a call failed as unreachable (`isStoreUnavailable`) and a ping made at once fails too — a
 *     single cut connection the pool replaces is not an outage — `failed_write`;
 *   - the periodic ping (every `pingEveryMs` while available) fails or takes longer than
 *     `pingTimeoutMs` — `failed_ping`.
 * While unavailable every new change is refused at once with 503 STORE_UNAVAILABLE (the queue's
 * gate, serialQueue.ts), the changes waiting in the queue are answered the same way and never run,
 * and a ping probes the store every `probeEveryMs`. The one write in flight is left to the store:
 * only it knows whether that transaction commits, and what it did not commit is neither applied nor
 * acknowledged. The store is **available** again when a ping answers and no watched call is
 * stalled — without a restart. Reads from memory (snapshots, lists, figures) never stop.
 */
import { HubError } from '@shared/errors';
import type { HubStatus } from '@shared/schemas/live';
import type { Logger } from '../lib/log';
import type { Store } from '../store/types';
import { isStoreUnavailable } from '../store/unavailable';

export type UnavailableCause = 'stalled_write' | 'failed_write' | 'failed_ping';

export interface StoreHealthState {
  state: 'available' | 'unavailable';
  /** hub clock: when the state began */
  since: number;
  /** why it is unavailable, for people; null when available */
  reason: string | null;
  cause: UnavailableCause | null;
}

export interface StoreHealthOptions {
  /** a watched call in flight longer than this (plus its rows' allowance) is a stall */
  stallMs: number;
  /** extra time a watched call is allowed per row it writes */
  msPerRow: number;
  /** how often the store is pinged while available */
  pingEveryMs: number;
  /** how often it is probed while unavailable */
  probeEveryMs: number;
  /** a ping that takes longer failed */
  pingTimeoutMs: number;
  /** how often in-flight calls are looked at */
  tickMs: number;
}

export const DEFAULT_STORE_HEALTH: StoreHealthOptions = { stallMs: 1_000, msPerRow: 0.25, pingEveryMs: 2_000, probeEveryMs: 1_000, pingTimeoutMs: 1_000, tickMs: 100 };

/**
 * Calls whose time is watched: the writes, and the point reads a write waits on. Long reads (a
 * window of figures, a page of the log, the audit) may take seconds by design and are not.
 */
const WATCHED = new Set<string>(['append', 'appendAudit', 'upsertCameras', 'upsertPatrols', 'saveTrackSamples', 'setMeta', 'findIdempotencyKeys', 'findIdempotencyKey', 'highestIncidentId', 'getIncident']);

/** a ping that stays unanswered this long no longer holds back the next one */
const PROBE_ABANDON_MS = 5_000;

interface InFlight {
  call: string;
  startedAt: number;
  allowanceMs: number;
}

/** rows a call writes: its array arguments, and the arrays of an object argument (append's state) */
function rowsOf(args: readonly unknown[]): number {
  let rows = 0;
  for (const arg of args) {
    if (Array.isArray(arg)) rows += arg.length;
    else if (arg && typeof arg === 'object') for (const v of Object.values(arg)) if (Array.isArray(v)) rows += v.length;
  }
  return rows;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);

export class StoreHealth {
  private status: StoreHealthState;
  private readonly inFlight = new Map<number, InFlight>();
  private nextCall = 0;
  private listeners: ((state: StoreHealthState) => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private probeStartedAt: number | null = null;
  private lastPingAt = 0;
  private readonly opts: StoreHealthOptions;
  /** times the store turned unavailable, by cause (for /metrics) */
  readonly episodes: Record<UnavailableCause, number> = { stalled_write: 0, failed_write: 0, failed_ping: 0 };

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    private readonly log: Logger,
    options: Partial<StoreHealthOptions> = {},
  ) {
    this.opts = { ...DEFAULT_STORE_HEALTH, ...options };
    this.status = { state: 'available', since: clock(), reason: null, cause: null };
  }

  /** starts watching: pings and the stall check (the hub's app does; tools that open a hub alone do not) */
  start(): void {
    if (this.timer) return;
    this.lastPingAt = performance.now();
    this.timer = setInterval(() => this.tick(), this.opts.tickMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get current(): StoreHealthState {
    return this.status;
  }

  get available(): boolean {
    return this.status.state === 'available';
  }

  /** the protocol's words for it (hello, `hub:status`) */
  get hubStatus(): HubStatus {
    return { writes: this.available ? 'ok' : 'unavailable', reason: this.status.reason, since: this.status.since };
  }

  /** the error a change gets while the store is unavailable; null while it is available */
  refusal(): HubError | null {
    if (this.available) return null;
    const { reason, since } = this.status;
    return new HubError(
      'STORE_UNAVAILABLE',
      `The database is not answering (${reason}); nothing was changed. The wall and the lists still show the live picture; try again in a moment.`,
      { reason, since },
    );
  }

  onChange(listener: (state: StoreHealthState) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * `work` (a read made before anything of a change was written), or the refusal as soon as the
   * store turns unavailable: a change need not wait for a read that is stalled.
   */
  race<T>(work: Promise<T>): Promise<T> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    return new Promise<T>((resolve, reject) => {
      const off = this.onChange(() => {
        const error = this.refusal();
        if (!error) return;
        off();
        reject(error);
      });
      work.then(
        (value) => {
          off();
          resolve(value);
        },
        (error: unknown) => {
          off();
          reject(error);
        },
      );
    });
  }

  /** the store with its calls watched: give this one to everything that writes */
  watch(store: Store): Store {
    const observe = (call: string, fn: (...args: unknown[]) => unknown) =>
      (...args: unknown[]) => {
        if (!this.timer) return fn(...args);
        const id = this.nextCall++;
        if (WATCHED.has(call)) this.inFlight.set(id, { call, startedAt: performance.now(), allowanceMs: rowsOf(args) * this.opts.msPerRow });
        const settle = () => this.inFlight.delete(id);
        let result: unknown;
        try {
          result = fn(...args);
        } catch (error) {
          settle(); // a call that throws at once was never in flight: it must not look stalled for ever
          throw error;
        }
        if (!(result instanceof Promise)) {
          settle();
          return result;
        }
        return result.then(
          (value) => {
            settle();
            return value;
          },
          (error: unknown) => {
            settle();
            if (isStoreUnavailable(error)) this.confirmFailure(call, error);
            throw error;
          },
        );
      };
    return new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'ping' || prop === 'close') return value;
        return observe(prop, (value as (...args: unknown[]) => unknown).bind(target));
      },
    });
  }

  /**
   * The store for requests that wait on it outside the queue (sessions of signed-in people):
   * while it is unavailable every call is refused at once instead of hanging behind the stall.
   */
  guarded(store: Store): Store {
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || prop === 'ping' || prop === 'close') return value;
        return (...args: unknown[]) => {
          const refused = this.refusal();
          return refused ? Promise.reject(refused) : (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  /** the longest a watched call has waited beyond its allowance, if any is stalled */
  private stalled(now: number): { call: string; waitedMs: number } | null {
    let worst: { call: string; waitedMs: number } | null = null;
    for (const c of this.inFlight.values()) {
      const waitedMs = now - c.startedAt;
      if (waitedMs > this.opts.stallMs + c.allowanceMs && (!worst || waitedMs > worst.waitedMs)) worst = { call: c.call, waitedMs };
    }
    return worst;
  }

  private tick(): void {
    const now = performance.now();
    const stall = this.stalled(now);
    if (stall && this.available) {
      this.enter('stalled_write', `a write has waited ${seconds(stall.waitedMs)}`, { call: stall.call });
    }
    const every = this.available ? this.opts.pingEveryMs : this.opts.probeEveryMs;
    const probing = this.probeStartedAt !== null && now - this.probeStartedAt < PROBE_ABANDON_MS;
    if (!probing && now - this.lastPingAt >= every) this.ping();
  }

  /** a failed call: an outage only if the store does not answer a ping either */
  private confirmFailure(call: string, error: unknown): void {
    if (!this.available) return;
    this.log.warn('a store call failed as unreachable: pinging the store', { call, error: messageOf(error) });
    this.ping(`a write failed (${messageOf(error)})`);
  }

  private ping(failedWrite?: string): void {
    const startedAt = performance.now();
    this.probeStartedAt = startedAt;
    this.lastPingAt = startedAt;
    let settled = false;
    const fail = (why: string) => {
      if (failedWrite) this.enter('failed_write', failedWrite, { ping: why });
      else this.enter('failed_ping', why);
    };
    const timeout = setTimeout(() => {
      if (!settled) fail(`the database did not answer a ping within ${seconds(this.opts.pingTimeoutMs)}`);
    }, this.opts.pingTimeoutMs);
    timeout.unref?.();
    this.store.ping().then(
      () => {
        settled = true;
        clearTimeout(timeout);
        if (this.probeStartedAt === startedAt) this.probeStartedAt = null;
        if (!this.available && this.timer && !this.stalled(performance.now())) this.leave(performance.now() - startedAt);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timeout);
        if (this.probeStartedAt === startedAt) this.probeStartedAt = null;
        if (this.timer) fail(`the database did not answer: ${messageOf(error)}`);
      },
    );
  }

  private enter(cause: UnavailableCause, reason: string, fields: Record<string, unknown> = {}): void {
    if (!this.available) return;
    this.episodes[cause]++;
    this.status = { state: 'unavailable', since: this.clock(), reason, cause };
    this.lastPingAt = performance.now(); // the first probe a probe interval from now
    this.log.warn('store unavailable: new changes are refused with STORE_UNAVAILABLE until it answers again', { cause, reason, ...fields });
    this.emit();
  }

  private leave(pingMs: number): void {
    const was = this.status;
    this.status = { state: 'available', since: this.clock(), reason: null, cause: null };
    this.log.info('store available again: changes are taken', { unavailableMs: this.status.since - was.since, cause: was.cause, pingMs: Math.round(pingMs) });
    this.emit();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(this.status);
      } catch (error) {
        this.log.error('a store health listener failed', { error: messageOf(error) });
      }
    }
  }
}
