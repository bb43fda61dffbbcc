/**
 * Patrol fixes between hub nodes (server/cluster/README.md). Each node publishes the fixes it took
 * in itself (POST /api/positions, the simulator on the lease holder) and feeds those of the others
 * into its own PositionTracker, so its frames, patrol places and fan-out work as for its own.
 *
 * Outbound, nothing is queued per fix: a fix taken marks its patrol (one flag per patrol), and
 * every tick the marked patrols' newest fixes go out, read from the tracker — coalesced (a patrol
 * that moved ten times in a tick is sent once) and bounded by the roster, however long Redis is
 * away. While Redis is unavailable the marks wait; when it is back every patrol that moved
 * meanwhile is sent once with its newest fix. Bytes handed to Redis and not yet answered are
 * bounded too (`maxInFlightBytes`): beyond it the rest waits for the next tick (counted).
 *
 * Inbound, a message is decoded and applied at once (no buffer); a malformed one is counted and
 * dropped; a patrol this node does not know (a roster not loaded here yet) is counted and skipped;
 * the node's own messages, which Redis delivers back to it, are ignored.
 */
import type { Patrol } from '@shared/schemas/patrol';
import type { Logger } from '../lib/log';
import type { PositionTracker } from '../hub/positionTracker';
import { FIX_MAX_AGE_MS } from '../hub/positionBatch';
import { decodeRelayBatch, encodeRelayBatch, MAX_RELAY_FIXES, type RelayFix } from './relayCodec';

/** what the relay reads of the hub */
export interface RelayHub {
  readonly patrols: ReadonlyMap<string, Patrol>;
  readonly patrolsByIdx: readonly Patrol[];
  readonly positions: PositionTracker;
  now(): number;
}

/** the publishing side of the Redis link */
export interface RelayLink {
  readonly ok: boolean;
  publish(message: Buffer): Promise<unknown>;
}

export interface RelayOptions {
  nodeId: string;
  /** random per process start: the node's own messages are told by node and run */
  run: number;
  log: Logger;
  /** bytes published and not yet answered by Redis, at most (4 MB) */
  maxInFlightBytes?: number;
}

export const DEFAULT_MAX_IN_FLIGHT_BYTES = 4 * 1024 * 1024;
/** a malformed message is logged at most this often (they are all counted) */
const MALFORMED_LOG_EVERY_MS = 10_000;

export class PositionRelay {
  private marked = new Uint8Array(0);
  private moved: number[] = [];
  private inFlightBytes = 0;
  private lastMalformedLog = -Infinity;
  /** since start, for /metrics and tests */
  readonly counts = { fixesSent: 0, fixesReceived: 0, messagesSent: 0, messagesReceived: 0, malformed: 0, unknownPatrol: 0, publishFailed: 0, deferredTicks: 0 };

  constructor(
    private readonly hub: RelayHub,
    private readonly link: RelayLink,
    private readonly opts: RelayOptions,
  ) {}

  /** patrols whose newest fix waits to be sent */
  get pending(): number {
    return this.moved.length;
  }

  /** a fix of this patrol was taken in here: its newest goes out at the next tick */
  mark(idx: number): void {
    if (idx >= this.marked.length) {
      const grown = new Uint8Array(Math.max(idx + 1, this.marked.length * 2, 1024));
      grown.set(this.marked);
      this.marked = grown;
    }
    if (this.marked[idx]) return;
    this.marked[idx] = 1;
    this.moved.push(idx);
  }

  /** sends the marked patrols' newest fixes, as many messages as needed and the in-flight bound allows */
  tick(): void {
    if (this.moved.length === 0 || !this.link.ok) return;
    const moved = this.moved;
    this.moved = [];
    // a fix no longer live (Redis away a day) is not news: every one sent is within a day of now
    const oldest = this.hub.now() - FIX_MAX_AGE_MS;
    let i = 0;
    while (i < moved.length) {
      if (this.inFlightBytes >= (this.opts.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES)) {
        this.counts.deferredTicks++;
        break;
      }
      const fixes: RelayFix[] = [];
      const idxs: number[] = [];
      for (; i < moved.length && fixes.length < MAX_RELAY_FIXES; i++) {
        const idx = moved[i]!;
        this.marked[idx] = 0;
        const patrol = this.hub.patrolsByIdx[idx];
        const fix = this.hub.positions.get(idx);
        // a roster replaced since: the patrol is gone, nothing to tell
        if (!patrol || !fix || fix.at < oldest) continue;
        fixes.push({ patrolId: patrol.id, lng: fix.lng, lat: fix.lat, at: fix.at });
        idxs.push(idx);
      }
      if (fixes.length > 0) this.send(fixes, idxs);
    }
    // what the bound held back stays marked, for the next tick
    for (; i < moved.length; i++) this.moved.push(moved[i]!);
  }

  private send(fixes: RelayFix[], idxs: number[]): void {
    const body = Buffer.from(encodeRelayBatch(this.opts.nodeId, this.opts.run, fixes).buffer);
    this.inFlightBytes += body.length;
    this.counts.messagesSent++;
    this.counts.fixesSent += fixes.length;
    this.link.publish(body).then(
      () => {
        this.inFlightBytes -= body.length;
      },
      () => {
        this.inFlightBytes -= body.length;
        this.counts.publishFailed++;
        // Redis went away with it: marked again, the newest fix goes when it is back
        for (const idx of idxs) this.mark(idx);
      },
    );
  }

  /** a message from the channel */
  receive(message: Uint8Array): void {
    const decoded = decodeRelayBatch(message);
    if (!decoded.ok) {
      this.counts.malformed++;
      const now = performance.now();
      if (now - this.lastMalformedLog >= MALFORMED_LOG_EVERY_MS) {
        this.lastMalformedLog = now;
        this.opts.log.warn('a malformed position relay message was dropped', { reason: decoded.reason, bytes: message.length, malformedSinceStart: this.counts.malformed });
      }
      return;
    }
    const { batch } = decoded;
    if (batch.node === this.opts.nodeId && batch.run === this.opts.run) return;
    this.counts.messagesReceived++;
    const { patrols, positions } = this.hub;
    for (let i = 0; i < batch.count; i++) {
      const patrol = patrols.get(batch.patrolIds[i]!);
      if (!patrol) {
        this.counts.unknownPatrol++;
        continue;
      }
      // not sampled here: the node that took the fix in samples it for playback
      positions.update(patrol.idx, batch.lng[i]!, batch.lat[i]!, batch.at[i]!, false);
      this.counts.fixesReceived++;
    }
  }
}
