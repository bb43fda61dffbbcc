/**
 * A lease in the shared database (issue 18, item 2): the duties that must run once for a cluster
 * of hub nodes — the overdue sweep, the simulated city, the rule triggers — run on the one node
 * that holds it. With one node that node takes it at start and keeps it; with several, one holds
 * it and the others take over once it stops renewing (killed, cut off from the database).
 *
 * Why the database and not Redis: every node needs the database to do anything at all, so a node
 * that cannot reach it must not run duties, and one that can needs nothing more; the lease's term
 * is the database's clock (now()), so nodes whose clocks disagree still agree on when it ran out.
 *
 * The node's own view is conservative: a claim sent at `t` (this node's monotonic clock) that the
 * database answered "held" makes the node believe it holds the lease until t + (1 − SAFETY) ×
 * term. The database's term began after `t`, so the node stops before any other node can take
 * over, even when its renewals go unanswered (a stalled or unreachable store: storeHealth.ts) —
 * it gives up its duties when its term runs out rather than run them blind. It renews every
 * third of the term, so one lost renewal costs nothing. A term is not a fencing token: a duty
 * already running when the term ends finishes its step (see the README of server/hub).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../lib/log';
import type { LeaseRecord, Store } from '../store/types';

/** the lease of every duty that runs once for the cluster */
export const CLUSTER_DUTIES = 'cluster-duties';
/** LEASE_TERM_MS: a node that stops renewing is taken over after this long */
export const DEFAULT_LEASE_TERM_MS = 15_000;
/** share of the term a node gives up early, for the time a claim takes and timers that fire late */
export const LEASE_SAFETY_SHARE = 0.1;

export interface ClusterLeaseOptions {
  name: string;
  /** NODE_ID */
  nodeId: string;
  termMs: number;
  /** how often it is claimed (renewed, or taken when free); a third of the term by default */
  renewEveryMs?: number;
  /**
   * the store admits one process only (embedded PGlite: its data directory is locked,
   * store/dataDirLock.ts): a run may take over what an earlier run of this node held at once,
   * instead of waiting out the term of a process that was killed and cannot be running
   */
  exclusiveStore?: boolean;
}

export interface LeaseStatus {
  name: string;
  held: boolean;
  nodeId: string;
  /** the node that held it at the last claim (this one or another); null before the first answer */
  holder: string | null;
  termMs: number;
  /** ms left of this node's term, by its own conservative view; null when it does not hold it */
  termLeftMs: number | null;
  /** wall clock, when this node took it (null when it does not hold it) */
  heldSince: number | null;
  acquisitions: number;
  losses: number;
}

type LeaseStore = Pick<Store, 'acquireLease' | 'releaseLease'>;
type Listener = (held: boolean) => void;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);

export class ClusterLease {
  /** this run of the node: after a restart it holds nothing its earlier run held (on a shared store) */
  readonly instance: string;
  private holding = false;
  private heldUntil = 0;
  private heldSince: number | null = null;
  private lastSeen: LeaseRecord | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private inFlight: { promise: Promise<void>; since: number } | null = null;
  private stopped = false;
  private failing = false;
  private twinSeen = false;
  private listeners: Listener[] = [];
  private counts = { acquisitions: 0, losses: 0 };
  private readonly renewEveryMs: number;

  constructor(
    private readonly store: LeaseStore,
    private readonly opts: ClusterLeaseOptions,
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.renewEveryMs = opts.renewEveryMs ?? Math.max(1, Math.floor(opts.termMs / 3));
    this.instance = opts.exclusiveStore ? 'exclusive-store' : randomUUID();
  }

  /** claims once (a lone node holds it when this returns), then every renewal period */
  async start(): Promise<boolean> {
    await this.claim();
    if (!this.stopped && !this.renewTimer) {
      this.renewTimer = setInterval(() => void this.claim(), this.renewEveryMs);
      this.renewTimer.unref?.();
    }
    return this.held;
  }

  /** whether this node holds it now: false as soon as its term ran out, even before the timer said so */
  get held(): boolean {
    return this.holding && this.now() < this.heldUntil;
  }

  status(): LeaseStatus {
    const held = this.held;
    return {
      name: this.opts.name,
      held,
      nodeId: this.opts.nodeId,
      holder: this.lastSeen?.holder ?? null,
      termMs: this.opts.termMs,
      termLeftMs: held ? Math.round(this.heldUntil - this.now()) : null,
      heldSince: held ? this.heldSince : null,
      ...this.counts,
    };
  }

  /** told true when this node takes the lease, false when it loses it */
  onChange(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Stops claiming without releasing: what a node that dies does. Its term runs out on its own
   * (it is told false then) and another node takes over. For tests and a shutdown that must not
   * touch the store.
   */
  halt(): void {
    this.stopped = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }

  /** a clean stop: no more claims, duties told to stop, and the term ended in the store so that another node takes over at once */
  async stop(): Promise<void> {
    this.halt();
    // a claim sent before must not land after the release and take the lease again; a stalled one is not waited for long
    if (this.inFlight) await Promise.race([this.inFlight.promise, delay(Math.min(this.opts.termMs, 2_000))]);
    // held, or held in the database by an answer that came too late to be trusted: ended either way
    const mine = this.holding || this.lastSeen?.instance === this.instance;
    this.lose('this node is stopping', true);
    if (!mine) return;
    try {
      await this.store.releaseLease({ name: this.opts.name, holder: this.opts.nodeId, instance: this.instance });
    } catch (error) {
      // the term runs out by itself: another node takes over then
      this.log.warn('the cluster lease could not be released: another node takes over when its term runs out', { lease: this.opts.name, error: messageOf(error) });
    }
  }

  private claim(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // one claim at a time; one unanswered for a whole term (a swallowed query) no longer holds back the next
    if (this.inFlight && this.now() - this.inFlight.since < this.opts.termMs) return this.inFlight.promise;
    const sentAt = this.now();
    const promise = this.store
      .acquireLease({ name: this.opts.name, holder: this.opts.nodeId, instance: this.instance, termMs: this.opts.termMs })
      .then(
        (answer) => {
          if (this.failing) this.log.info('the cluster lease can be claimed again', { lease: this.opts.name });
          this.failing = false;
          if (this.stopped) return;
          const before = this.lastSeen;
          this.lastSeen = answer.lease;
          if (!answer.held) {
            const twin = answer.lease && answer.lease.holder === this.opts.nodeId && answer.lease.instance !== this.instance;
            if (twin && !this.twinSeen) {
              this.log.warn('the cluster lease is held under this NODE_ID by another run: one that did not stop cleanly (taken over when its term runs out), or another node with the same NODE_ID', { lease: this.opts.name, node: this.opts.nodeId, expiresInMs: answer.lease!.expiresAt - answer.now });
            }
            this.twinSeen = Boolean(twin);
            // the database gave it to another node: our term is over whatever we believed
            if (this.holding) this.lose(`node ${answer.lease?.holder ?? '?'} holds it`);
            return;
          }
          const until = sentAt + this.opts.termMs * (1 - LEASE_SAFETY_SHARE);
          // an answer that came back after the term it gives is not trusted: the next claim renews
          if (until <= this.now()) return;
          this.heldUntil = until;
          this.armExpiry();
          if (!this.holding) this.gain(before);
        },
        (error: unknown) => {
          // not renewed: the term runs out by itself (armExpiry) and the duties stop then
          if (!this.failing) this.log.warn('the cluster lease could not be claimed', { lease: this.opts.name, held: this.held, error: messageOf(error) });
          this.failing = true;
        },
      )
      .finally(() => {
        if (this.inFlight?.promise === promise) this.inFlight = null;
      });
    this.inFlight = { promise, since: sentAt };
    return promise;
  }

  private armExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      if (this.holding && this.now() >= this.heldUntil) this.lose('its term ran out without a renewal');
      else if (this.holding) this.armExpiry();
    }, Math.max(0, this.heldUntil - this.now()));
    this.expiryTimer.unref?.();
  }

  /** `before`: the lease as this node last saw it held by someone else, if it did (a takeover) */
  private gain(before: LeaseRecord | null): void {
    this.holding = true;
    this.heldSince = Date.now();
    this.counts.acquisitions++;
    const takenFrom = before && before.instance !== this.instance ? { holder: before.holder, instance: before.instance } : null;
    this.log.info('cluster lease acquired: this node runs the cluster duties', { lease: this.opts.name, node: this.opts.nodeId, termMs: this.opts.termMs, takenFrom });
    this.emit(true);
  }

  /** `released`: a clean stop, said at info; any other loss is a warning */
  private lose(why: string, released = false): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    if (!this.holding) return;
    this.holding = false;
    this.heldSince = null;
    this.counts.losses++;
    const fields = { lease: this.opts.name, node: this.opts.nodeId, why };
    if (released) this.log.info('cluster lease released: this node stops the cluster duties', fields);
    else this.log.warn('cluster lease lost: this node stops the cluster duties', fields);
    this.emit(false);
  }

  private emit(held: boolean): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(held);
      } catch (error) {
        this.log.error('a cluster lease listener failed', { lease: this.opts.name, error: messageOf(error) });
      }
    }
  }
}
