/**
 * Following the log (issue 18): several hub nodes share one PostgreSQL database, and each keeps
 * its own projections (open cases, alarms, focus, alerts, unit statuses) and its own sockets. The
 * log is the one truth and its sequence the one global order: appends take turns under an
 * advisory lock, so seq order is commit order, and a node that applied everything up to seq N
 * misses nothing by reading `seq > N` next.
 *
 * So every node installs every event exactly once, in seq order, whoever wrote it:
 *   - another node's events: read here (woken by LISTEN/NOTIFY, logWatch.ts, and by a slow poll
 *     in case a notification was lost), installed by the installer of their kind, which publishes
 *     the same delta the writing node published — same seq, same region — to this node's clients;
 *   - this node's own append: before its writer installs and publishes it, the events other nodes
 *     committed just before it are installed first (`ownAppended`), so this node's deltas go out
 *     in seq order too.
 * Both run in the hub's serial queue, where every change of memory happens. A client therefore
 * sees the same deltas with the same seqs on any node and may resume with `lastSeq` on any of them.
 *
 * Why the log and not a Redis stream: the log is written in the same transaction as the state, so
 * there is nothing to keep in step — a broker would be a second copy that a crash between the
 * two writes could make disagree. The notification is only a wake-up; Redis carries the lossy
 * streams (positions, server/cluster).
 *
 * Quiet events (history, imports: written without deltas) are installed without publishing; once
 * they stop arriving this node's clients are told to take a snapshot, as the writer told its own.
 */
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import { replay } from '../domain/lifecycle';
import type { EventKind, Store, StoredEvent } from '../store/types';
import type { Logger } from '../lib/log';
import type { SerialQueue } from '../lib/serialQueue';
import type { DeltaStream } from './deltaStream';
import { sharedIncident } from './sharedShapes';

/** installs one event written by another node into memory and publishes its delta (unless quiet) */
export type FollowInstaller = (event: StoredEvent) => void | Promise<void>;

export interface LogFollowerOptions {
  store: Store;
  queue: SerialQueue;
  stream: DeltaStream;
  log: Logger;
  /** how often the log is read without a notification (a lost one delays at most this long) */
  pollMs?: number;
  /** events read per query */
  pageSize?: number;
  /** how long after the last quiet event clients are told to take a snapshot */
  quietSettleMs?: number;
  /** tells this node's clients to take a snapshot (hub.resyncClients) */
  resync: (reason: string) => void;
}

export const DEFAULT_FOLLOW_POLL_MS = 1_000;

export class LogFollower {
  private appliedSeq = 0;
  private readonly installers = new Map<EventKind, FollowInstaller>();
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private quietTimer: NodeJS.Timeout | null = null;
  private watch: { close(): Promise<void> } | null = null;
  /** when reading the log began to fail (null: it works) */
  private failingSince: number | null = null;
  /** events of other nodes installed, and catch-ups that failed (the store did not answer): for /metrics */
  readonly totals = { followed: 0, failures: 0 };

  constructor(private readonly opts: LogFollowerOptions) {}

  /** the highest seq installed in memory */
  get applied(): number {
    return this.appliedSeq;
  }

  /** where memory stands after loading from the store */
  reset(seq: number): void {
    this.appliedSeq = seq;
  }

  register(kind: EventKind, installer: FollowInstaller): void {
    this.installers.set(kind, installer);
  }

  start(): void {
    if (this.timer) return;
    this.watch = this.opts.store.watchAppends?.(() => this.wake(), (message) => this.opts.log.warn(message)) ?? null;
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? DEFAULT_FOLLOW_POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.timer = null;
    this.quietTimer = null;
    await this.watch?.close();
    this.watch = null;
  }

  /** reads what others appended, in the queue after the changes already waiting (one read at a time) */
  wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    void this.opts.queue.chain(async () => {
      this.scheduled = false;
      try {
        await this.catchUp();
        if (this.failingSince !== null) {
          this.opts.log.info('following the log again', { applied: this.appliedSeq, failedForMs: Date.now() - this.failingSince });
          this.failingSince = null;
        }
      } catch (error) {
        // memory stays as it was up to `applied`; the next wake reads from there. Said once per
        // outage, not at every poll (the store's own health says the rest)
        this.totals.failures++;
        if (this.failingSince === null) {
          this.failingSince = Date.now();
          this.opts.log.warn('the log could not be followed; retrying at every wake-up', { applied: this.appliedSeq, error: String(error) });
        }
      }
    });
  }

  /**
   * In the queue, right after this node's append committed as `stored` and before its writer
   * installs it: what other nodes committed before it goes first. Throws when the store could
   * not be read: the writer then answers an error (its change is stored all the same) and leaves
   * memory alone, and the next wake installs everything — its own events included — in order.
   */
  async ownAppended(stored: readonly StoredEvent[]): Promise<void> {
    if (stored.length === 0) return;
    await this.catchUp(stored[0]!.seq - 1);
    this.appliedSeq = Math.max(this.appliedSeq, stored[stored.length - 1]!.seq);
  }

  /** in the queue: installs every event after `applied` (up to `toSeq`) in seq order */
  async catchUp(toSeq?: number): Promise<void> {
    const limit = this.opts.pageSize ?? 2_000;
    for (;;) {
      if (toSeq !== undefined && this.appliedSeq >= toSeq) return;
      const page = await this.opts.store.readEvents({ afterSeq: this.appliedSeq, ...(toSeq !== undefined ? { toSeq } : {}), limit });
      let quiet = false;
      for (const event of page) {
        await this.install(event);
        this.appliedSeq = event.seq;
        quiet ||= event.quiet === true;
      }
      // no client may resume across deltas never published here: each takes a snapshot
      if (quiet) {
        this.opts.stream.forgetResumable();
        this.quietSeen();
      }
      if (page.length < limit) return;
    }
  }

  private async install(event: StoredEvent): Promise<void> {
    const installer = this.installers.get(event.kind);
    if (installer) await installer(event);
    // nothing of this node keeps that kind (or the installer published nothing): the seq still moves
    if (this.opts.stream.seq < event.seq) this.opts.stream.advance(event.seq);
    this.totals.followed++;
  }

  private quietSeen(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      this.opts.resync('another hub node wrote history or an import');
    }, this.opts.quietSettleMs ?? 1_000);
    this.quietTimer.unref();
  }
}

/**
 * The store as this node's writers see it when memory follows the log: an append returns only
 * after what other nodes committed before it is installed, so the writer's own install and
 * deltas come after theirs, in seq order.
 */
export function appendsInOrder(store: Store, follower: LogFollower): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'append') return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: Parameters<Store['append']>) => {
        const stored = await target.append(...args);
        await follower.ownAppended(stored);
        return stored;
      };
    },
  });
}

/**
 * At start, the state of a case as of the seq memory starts from: its row was read after that
 * seq, so another node may have moved it on since (its version counts its entries: 1 for the
 * report, one more per step). Such a row is rebuilt from its entries up to the seq; a case all of
 * whose entries came later is left out (the follower installs it). null: not yet a case here.
 */
export function asOfLoadedEntries(incident: Incident, entries: readonly IncidentLogEntry[]): Incident | null {
  if (incident.version === entries.length) return incident;
  if (entries.length === 0) return null;
  try {
    return sharedIncident(replay(entries));
  } catch {
    return incident; // a log that does not replay (an old development store): the row as it is
  }
}
