/**
 * The reliable delta stream: the hub's current sequence number, the recent deltas kept for clients
 * that resume, and the listeners (the socket gateway) that fan each delta out. Every service that
 * changes state publishes here, after its change is in the store, in store order.
 */
import type { Delta } from '@shared/schemas/live';
import { DeltaLog, type LoggedDelta } from './deltaLog';

export class DeltaStream {
  private recent: DeltaLog;
  private listeners: ((item: LoggedDelta) => void)[] = [];
  private seqNow: number;
  /** bumped on every change, deltas or not; the stats loop recomputes only when it moved */
  changeCounter = 0;
  /**
   * bumped when cases or AI alarms change (not patrols or cameras): the figures computed from the
   * log stay valid while it stands still, however busy the rosters are
   */
  incidentCounter = 0;

  constructor(
    private readonly capacity: number,
    initialSeq = 0,
  ) {
    this.seqNow = initialSeq;
    this.recent = new DeltaLog(capacity, initialSeq);
  }

  get seq(): number {
    return this.seqNow;
  }

  /** starts over at the store's last sequence number (after loading) */
  reset(seq: number): void {
    this.seqNow = seq;
    this.recent = new DeltaLog(this.capacity, seq);
  }

  publish(item: LoggedDelta): void {
    this.seqNow = item.delta.seq;
    this.recent.push(item);
    this.changeCounter++;
    if (item.layer === 'incidents') this.incidentCounter++;
    for (const listener of this.listeners) listener(item);
  }

  /**
   * A change written without a delta (history, an import): the sequence moves on, and the resume
   * buffer no longer holds everything after its start — `forgetResumable` then sends every client
   * that resumes from before it to a snapshot.
   */
  advance(seq: number): void {
    this.seqNow = seq;
    this.changeCounter++;
    this.incidentCounter++;
  }

  /** after changes without deltas: no client may resume across them; each takes a snapshot */
  forgetResumable(): void {
    this.recent = new DeltaLog(this.capacity, this.seqNow);
    this.changeCounter++;
    this.incidentCounter++;
  }

  /** a change that carries no delta (a roster load): figures must be recomputed */
  touch(): void {
    this.changeCounter++;
  }

  onDelta(listener: (item: LoggedDelta) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** what a client that applied everything up to `afterSeq` missed, or null when it needs a snapshot */
  since(afterSeq: number, keep: (item: LoggedDelta) => boolean): Delta[] | null {
    if (afterSeq > this.seqNow) return null; // a client from another history (store was reset)
    return this.recent.since(afterSeq, keep);
  }
}
