/**
 * Patrol positions: lossy, memory only. A batch is taken whole or refused whole (an unknown patrol
 * or a fix stamped in the future names the problem); the tracker keeps the newest fix per patrol.
 */
import { HubError } from '@shared/errors';
import type { Patrol } from '@shared/schemas/patrol';
import { PositionBatch } from '@shared/schemas/patrol';
import { parseOrThrow } from '@shared/validate';
import { refuseFutureBatch } from './futureTimes';
import type { PositionTracker } from './positionTracker';

export class PositionIntake {
  /** fixes taken and fixes ignored (older than the one held) since start: for /metrics */
  readonly totals = { accepted: 0, ignored: 0 };

  constructor(
    private readonly patrols: ReadonlyMap<string, Patrol>,
    private readonly clock: () => number,
    /** shared with the roster, which seeds it with the fixes stored with each patrol */
    readonly tracker: PositionTracker,
  ) {}

  /** takes a batch of fixes; the whole batch is refused if any patrol is unknown */
  ingest(input: unknown): { accepted: number; ignored: number } {
    const batch = parseOrThrow(PositionBatch, input, 'position batch');
    refuseFutureBatch(batch.positions.map((p) => p.at), this.clock(), 'position');
    const unknown = batch.positions.find((p) => !this.patrols.has(p.patrolId));
    if (unknown) throw new HubError('UNKNOWN_PATROL', `No patrol has the id ${unknown.patrolId}; no position in this batch was taken.`);
    let accepted = 0;
    for (const p of batch.positions) {
      if (this.tracker.update(this.patrols.get(p.patrolId)!.idx, p.lng, p.lat, p.at)) accepted++;
    }
    const ignored = batch.positions.length - accepted;
    this.totals.accepted += accepted;
    this.totals.ignored += ignored;
    return { accepted, ignored };
  }

  /** a patrol with its latest fix filled in */
  withPosition(p: Patrol): Patrol {
    const fix = this.tracker.get(p.idx);
    return fix ? { ...p, lng: fix.lng, lat: fix.lat, fixAt: fix.at } : p;
  }
}
