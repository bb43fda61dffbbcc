/**
 * Patrol positions: lossy, memory only. A batch is taken whole or refused whole (an unknown
 * patrol, a fix outside the served area or at (0, 0), or one stamped in the future names the
 * problem); the tracker keeps the newest fix per patrol. Three formats arrive at POST
 * /api/positions: the per-position JSON batch (a schema call per fix: fine for terminals that send
 * a few), and the columnar JSON and binary batches (positionBatch.ts: one pass over arrays, the
 * path for gateways that forward tens of thousands of fixes a second).
 */
import type { FixColumns } from '@shared/binary/positionsBatch';
import { HubError } from '@shared/errors';
import type { Patrol } from '@shared/schemas/patrol';
import { PositionBatch } from '@shared/schemas/patrol';
import { parseOrThrow } from '@shared/validate';
import { AREA_MARGIN_DEG, areaOf, checkFixes, fixesFromBinary, fixesFromColumnarJson } from './positionBatch';
import type { PositionTracker } from './positionTracker';

export type BatchFormat = 'json' | 'columnar' | 'binary';

export interface IngestResult {
  accepted: number;
  ignored: number;
}

/** the region a scoped source (an ingest key) may send for, and how a grid's path is found */
export interface RegionScope {
  region: string;
  pathOf: (gridCode: string) => readonly string[];
}

export class PositionIntake {
  /** fixes taken and fixes ignored (older than the one held) since start: for /metrics */
  readonly totals = { accepted: 0, ignored: 0 };
  /** batches taken and refused per format since start: for /metrics */
  readonly batches: Record<BatchFormat, { taken: number; refused: number }> = {
    json: { taken: 0, refused: 0 },
    columnar: { taken: 0, refused: 0 },
    binary: { taken: 0, refused: 0 },
  };
  /** told the idx of every fix taken in here (server/cluster relays them to the other hub nodes) */
  private taken: ((idx: number) => void) | null = null;
  constructor(
    private readonly patrols: ReadonlyMap<string, Patrol>,
    private readonly patrolsByIdx: readonly Patrol[],
    private readonly clock: () => number,
    /** shared with the roster, which seeds it with the fixes stored with each patrol */
    readonly tracker: PositionTracker,
    /** the served geography's bounding box (fixes beyond it and a margin are refused) */
    private readonly bbox: () => [number, number, number, number],
    /** degrees around it still taken (POSITION_MARGIN_DEG): a border region's patrols cross it */
    private readonly marginDeg = AREA_MARGIN_DEG,
  ) {}

  /** `mark` is told the patrol idx of every fix taken from now on (one listener: the cluster's relay) */
  relayTakenTo(mark: ((idx: number) => void) | null): void {
    this.taken = mark;
  }

  /** a JSON body: `{positions: [...]}` (per position) or `{patrolIds, lng, lat, at}` (columnar) */
  ingest(input: unknown, within?: RegionScope): IngestResult {
    const columnar = typeof input === 'object' && input !== null && 'patrolIds' in input;
    const format: BatchFormat = columnar ? 'columnar' : 'json';
    return this.counted(format, () => (columnar ? fixesFromColumnarJson(input, (id) => this.patrols.get(id)?.idx) : this.fromPositions(input)), within);
  }

  /** a binary batch (shared/binary/positionsBatch.ts) */
  ingestBinary(body: ArrayBufferView, within?: RegionScope): IngestResult {
    return this.counted('binary', () => fixesFromBinary(body), within);
  }

  private fromPositions(input: unknown): FixColumns {
    const batch = parseOrThrow(PositionBatch, input, 'position batch');
    const n = batch.positions.length;
    const cols: FixColumns = { count: n, idx: new Uint32Array(n), lng: new Float64Array(n), lat: new Float64Array(n), at: new Float64Array(n) };
    batch.positions.forEach((p, i) => {
      const patrol = this.patrols.get(p.patrolId);
      if (!patrol) throw new HubError('UNKNOWN_PATROL', `No patrol has the id ${p.patrolId}; no position in this batch was taken.`);
      cols.idx[i] = patrol.idx;
      cols.lng[i] = p.lng;
      cols.lat[i] = p.lat;
      cols.at[i] = p.at;
    });
    return cols;
  }

  private counted(format: BatchFormat, read: () => FixColumns, within: RegionScope | undefined): IngestResult {
    try {
      const cols = read();
      if (within) this.requireWithin(cols, within);
      const result = this.take(cols);
      this.batches[format].taken++;
      return result;
    } catch (error) {
      this.batches[format].refused++;
      throw error;
    }
  }

  /**
   * A source scoped to a region (an ingest key) sends the fixes of that region's patrols only; a
   * batch naming another's is refused whole. One path lookup per grid, not per fix.
   */
  private requireWithin(cols: FixColumns, { region: within, pathOf }: RegionScope): void {
    const inside = new Map<string, boolean>();
    for (let i = 0; i < cols.count; i++) {
      const patrol = this.patrolsByIdx[cols.idx[i]!];
      if (!patrol) continue; // unknown patrols are refused by the checks that follow
      let ok = inside.get(patrol.gridCode);
      if (ok === undefined) inside.set(patrol.gridCode, (ok = pathOf(patrol.gridCode).includes(within)));
      if (!ok) throw new HubError('FORBIDDEN_REGION', `Patrol ${patrol.id} belongs outside the region this key may send for (${within}); no position in this batch was taken.`);
    }
  }

  /** checks every fix first, then takes them all */
  private take(cols: FixColumns): IngestResult {
    const byIdx = this.patrolsByIdx;
    checkFixes(cols, { area: areaOf(this.bbox(), this.marginDeg), marginDeg: this.marginDeg, now: this.clock(), known: (k) => byIdx[k] !== undefined });
    let accepted = 0;
    const { idx, lng, lat, at } = cols;
    const taken = this.taken;
    for (let i = 0; i < cols.count; i++) {
      if (!this.tracker.update(idx[i]!, lng[i]!, lat[i]!, at[i]!)) continue;
      accepted++;
      taken?.(idx[i]!);
    }
    const ignored = cols.count - accepted;
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
