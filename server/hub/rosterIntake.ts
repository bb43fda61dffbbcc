/**
 * Cameras and patrols: the roster (loaded without events) and their status feeds (each change an
 * event in the log). Written to the store, installed in memory, then published — in that order.
 */
import { HubError } from '@shared/errors';
import type { Camera } from '@shared/schemas/camera';
import { CameraStatusBatch } from '@shared/schemas/camera';
import type { Actor } from '@shared/schemas/common';
import type { Patrol, PatrolStatusChange } from '@shared/schemas/patrol';
import { PatrolStatusBatch } from '@shared/schemas/patrol';
import { parseOrThrow } from '@shared/validate';
import type { SerialQueue } from '../lib/serialQueue';
import type { NewEvent, StateChanges, Store, StoredEvent } from '../store/types';
import type { DeltaStream } from './deltaStream';
import { refuseFutureBatch } from './futureTimes';
import type { GeoContext } from './geoContext';
import type { PositionTracker } from './positionTracker';
import { forEachInSlices } from '../lib/slices';
import { RosterTally } from './rosterTally';

/** the type (and aggregate id) of the log's marker of a roster load */
export const ROSTER_LOADED = 'roster_loaded';

/** units per store call when a roster is loaded: one call's rows are cloned to the store's thread in one piece */
const ROSTER_ROWS_PER_WRITE = 10_000;


export interface RosterDeps {
  store: Store;
  geo: GeoContext;
  queue: SerialQueue;
  stream: DeltaStream;
  positions: PositionTracker;
  clock: () => number;
  /** several nodes following one log: a roster load leaves a marker there for the others */
  markRosterLoads?: boolean;
  /** in the queue, before a status batch is decided: memory takes what other nodes committed (Hub.freshen) */
  freshen?: () => Promise<void>;
}

/** how long after the last roster marker of another node the roster is read (an import's chunks come in a burst) */
const ROSTER_RELOAD_SETTLE_MS = 500;

export class RosterIntake {
  readonly cameras = new Map<string, Camera>();
  readonly patrols = new Map<string, Patrol>();
  readonly patrolsByIdx: Patrol[] = [];
  /** time of the last status report taken per camera (statusSince moves only when the status does) */
  private readonly cameraReportAt = new Map<string, number>();
  private rosterListeners: (() => void)[] = [];
  private reloadTimer: NodeJS.Timeout | null = null;
  private followStopped = false;
  /** moves when units are added or replaced wholesale (not on status changes): indexes by region rebuild on it */
  rosterVersion = 0;
  /** patrols and cameras by status per region, kept as they change (the on-duty and online rates) */
  readonly tally: RosterTally;

  constructor(private readonly deps: RosterDeps) {
    this.tally = new RosterTally(deps.geo);
  }

  /** installs what the store holds (start-up) */
  install(cameras: readonly Camera[], patrols: readonly Patrol[]): void {
    for (const c of cameras) this.putCamera(c);
    this.setPatrols(patrols);
    this.rosterVersion++;
  }

  /** every change of a unit in memory goes through these two, so that the tally follows */
  private putCamera(camera: Camera): void {
    this.tally.camera(this.cameras.get(camera.id), camera);
    this.cameras.set(camera.id, camera);
  }

  private putPatrol(patrol: Patrol): void {
    this.tally.patrol(this.patrols.get(patrol.id), patrol);
    this.patrols.set(patrol.id, patrol);
    this.patrolsByIdx[patrol.idx] = patrol;
  }

  private setPatrols(patrols: readonly Patrol[]): void {
    this.deps.positions.ensureCapacity(patrols.reduce((m, p) => Math.max(m, p.idx + 1), 0));
    for (const p of patrols) this.putPatrolAt(p);
    this.settlePositions();
  }

  /** a unit and its last fix; the fixes of a roster are state, not news: no frame, no track sample */
  private putPatrolAt(p: Patrol): void {
    this.putPatrol(p);
    if (p.lng !== null && p.lat !== null && p.fixAt !== null) this.deps.positions.update(p.idx, p.lng, p.lat, p.fixAt);
  }

  private settlePositions(): void {
    this.deps.positions.drainDirty();
    this.deps.positions.drainForSampling();
  }

  /**
   * installs a roster (cameras and patrols) without events: the initial load of a city. Written
   * and installed a part at a time: a province's 384,000 units cloned to the store's thread in one
   * message and installed in one loop held the hub 2.7 s after it had begun to answer.
   */
  async loadRoster(cameras: readonly Camera[], patrols: readonly Patrol[]): Promise<void> {
    await this.deps.queue.run(async () => {
      for (let i = 0; i < cameras.length; i += ROSTER_ROWS_PER_WRITE) await this.deps.store.upsertCameras(cameras.slice(i, i + ROSTER_ROWS_PER_WRITE));
      for (let i = 0; i < patrols.length; i += ROSTER_ROWS_PER_WRITE) await this.deps.store.upsertPatrols(patrols.slice(i, i + ROSTER_ROWS_PER_WRITE));
      await forEachInSlices(cameras, (c) => this.putCamera(c));
      this.deps.positions.ensureCapacity(patrols.reduce((m, p) => Math.max(m, p.idx + 1), 0));
      await forEachInSlices(patrols, (p) => this.putPatrolAt(p));
      this.settlePositions();
      this.rosterVersion++;
      this.deps.stream.touch();
      // several nodes: a marker in the log, and the others read the new roster from the store (installFollowed)
      if (!this.deps.markRosterLoads) return;
      const [marker] = await this.deps.store.append([{ kind: 'patrol', aggregateId: ROSTER_LOADED, type: ROSTER_LOADED, at: this.deps.clock(), actor: { kind: 'system', id: 'roster' }, payload: { cameras: cameras.length, patrols: patrols.length } }], {});
      this.deps.stream.advance(marker!.seq);
    });
    // Rosters arrive without deltas: clients that subscribed before must take a fresh snapshot.
    for (const listener of this.rosterListeners) listener();
  }

  /**
   * A unit's status event another hub node wrote (logFollower.ts), installed and published as that
   * node did; a roster that node loaded (the marker `loadRoster` leaves) is read from the store.
   */
  async installFollowed(event: StoredEvent, withPosition: (p: Patrol) => Patrol): Promise<void> {
    if (event.type === ROSTER_LOADED) {
      this.reloadSoon();
      return;
    }
    const seq = event.seq;
    const change = event.payload as { status: string; alarm?: Camera['alarm']; at: number };
    if (event.kind === 'camera') {
      const camera = this.cameras.get(event.aggregateId);
      if (!camera) return; // a unit of a roster this node has not read (its marker comes later)
      const next: Camera = {
        ...camera,
        status: change.status as Camera['status'],
        statusSince: change.status === camera.status ? camera.statusSince : change.at,
        alarm: change.alarm === undefined ? camera.alarm : change.alarm,
      };
      this.putCamera(next);
      this.cameraReportAt.set(next.id, change.at);
      this.deps.stream.publish({ delta: { type: 'camera:updated', seq, camera: next }, path: this.deps.geo.path(next.gridCode), layer: 'cameras' });
      return;
    }
    const patrol = this.patrols.get(event.aggregateId);
    if (!patrol) return;
    const next: Patrol = { ...patrol, status: change.status as Patrol['status'], statusSince: change.at };
    this.putPatrol(next);
    this.deps.stream.publish({ delta: { type: 'patrol:updated', seq, patrol: withPosition(next) }, path: this.deps.geo.path(next.gridCode), layer: 'patrols' });
  }

  onRosterLoaded(listener: () => void): () => void {
    this.rosterListeners.push(listener);
    return () => {
      this.rosterListeners = this.rosterListeners.filter((l) => l !== listener);
    };
  }

  async updateCameras(input: unknown, within?: string): Promise<Camera[]> {
    const batch = parseOrThrow(CameraStatusBatch, input, 'camera status batch');
    refuseFutureBatch(batch.changes.map((c) => c.at), this.deps.clock(), 'camera status');
    return this.deps.queue.run(async () => {
      await this.deps.freshen?.();
      const next = new Map<string, { camera: Camera; at: number }>();
      for (const change of batch.changes) {
        const camera = next.get(change.cameraId)?.camera ?? this.cameras.get(change.cameraId);
        if (!camera) throw new HubError('UNKNOWN_CAMERA', `No camera has the id ${change.cameraId}; nothing in this batch was stored.`);
        this.requireWithin('Camera', camera, within);
        // older than the last report taken: a late report changes nothing
        const lastReport = next.get(change.cameraId)?.at ?? this.cameraReportAt.get(change.cameraId) ?? camera.statusSince;
        if (change.at < lastReport) continue;
        next.set(camera.id, {
          at: change.at,
          camera: {
            ...camera,
            status: change.status,
            statusSince: change.status === camera.status ? camera.statusSince : change.at,
            alarm: change.alarm === undefined ? camera.alarm : change.alarm,
          },
        });
      }
      const changed = [...next.values()].map((n) => n.camera);
      await this.commit(
        'camera',
        [...next.values()].map(({ camera: c, at }) => ({ id: c.id, payload: { status: c.status, alarm: c.alarm, at } })),
        { cameras: changed },
        () => {
          for (const { camera, at } of next.values()) {
            this.putCamera(camera);
            this.cameraReportAt.set(camera.id, at);
          }
        },
      );
      return changed;
    });
  }

  async updatePatrolStatuses(input: unknown, withPosition: (p: Patrol) => Patrol, within?: string): Promise<Patrol[]> {
    const batch = parseOrThrow(PatrolStatusBatch, input, 'patrol status batch');
    refuseFutureBatch(batch.changes.map((c) => c.at), this.deps.clock(), 'patrol status');
    return this.deps.queue.run(async () => {
      await this.deps.freshen?.();
      const next = new Map<string, Patrol>();
      for (const change of batch.changes as PatrolStatusChange[]) {
        const patrol = next.get(change.patrolId) ?? this.patrols.get(change.patrolId);
        if (!patrol) throw new HubError('UNKNOWN_PATROL', `No patrol has the id ${change.patrolId}; nothing in this batch was stored.`);
        this.requireWithin('Patrol', patrol, within);
        if (patrol.status === change.status || change.at < patrol.statusSince) continue; // no change, or a late report
        next.set(patrol.id, { ...patrol, status: change.status, statusSince: change.at });
      }
      const changed = [...next.values()];
      await this.commit(
        'patrol',
        changed.map((p) => ({ id: p.id, payload: { status: p.status, at: p.statusSince } })),
        { patrols: changed.map(withPosition) },
        () => {
          for (const p of changed) this.putPatrol(p);
        },
      );
      return changed;
    });
  }

  /**
   * Another node loaded a roster (an import marks every chunk of 2,000 units): read once the
   * markers stop coming, not once per marker, and installed a slice at a time — a province's
   * 384,000 units in one loop held the hub for seconds. A status event of a unit not read yet is
   * skipped meanwhile: the rows read afterwards carry it.
   */
  private reloadSoon(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    if (this.followStopped) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      this.deps.queue.chain(() => this.reloadRoster()).catch(() => this.reloadSoon()); // the store did not answer: again later
    }, ROSTER_RELOAD_SETTLE_MS);
    this.reloadTimer.unref();
  }

  private async reloadRoster(): Promise<void> {
    const [cameras, patrols] = await Promise.all([this.deps.store.loadCameras(), this.deps.store.loadPatrols()]);
    await forEachInSlices(cameras, (c) => this.putCamera(c));
    this.deps.positions.ensureCapacity(patrols.reduce((m, p) => Math.max(m, p.idx + 1), 0));
    await forEachInSlices(patrols, (p) => this.putPatrolAt(p));
    this.settlePositions();
    this.rosterVersion++;
    this.deps.stream.touch();
    for (const listener of this.rosterListeners) listener();
  }

  /** on shutdown: no roster is read again */
  stopFollowing(): void {
    this.followStopped = true;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
  }

  /** a scoped source (an ingest key) sends for the units of its region only; the batch is refused whole */
  private requireWithin(what: string, unit: { id: string; gridCode: string }, within: string | undefined): void {
    if (within && !this.deps.geo.path(unit.gridCode).includes(within)) {
      throw new HubError('FORBIDDEN_REGION', `${what} ${unit.id} belongs outside the region this key may send for (${within}); nothing in this batch was stored.`);
    }
  }

  /** writes status events and state, installs them in memory (`install`), then publishes: in that order */
  private async commit(kind: 'camera' | 'patrol', changes: { id: string; payload: { at: number } }[], state: StateChanges, install: () => void): Promise<void> {
    if (changes.length === 0) return;
    const actor: Actor = { kind: kind === 'camera' ? 'camera' : 'patrol', id: 'feed' };
    const events: NewEvent[] = changes.map((c) => ({ kind, aggregateId: c.id, type: 'status', at: c.payload.at, actor: { ...actor, id: c.id }, payload: c.payload }));
    const stored = await this.deps.store.append(events, state);
    install();
    const items = kind === 'camera' ? state.cameras! : state.patrols!;
    items.forEach((item, i) => {
      const seq = stored[i]!.seq;
      const path = this.deps.geo.path(item.gridCode);
      if (kind === 'camera') this.deps.stream.publish({ delta: { type: 'camera:updated', seq, camera: item as Camera }, path, layer: 'cameras' });
      else this.deps.stream.publish({ delta: { type: 'patrol:updated', seq, patrol: item as Patrol }, path, layer: 'patrols' });
    });
  }
}
