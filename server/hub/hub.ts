/**
 * The hub's application service: the one place where a change enters. It parses the input, asks
 * the pure domain for the decision, writes the events and the new state in one transaction, then
 * updates the in-memory projections and announces the deltas — always in that order, one change
 * at a time, so sequence numbers, memory and the store agree.
 */
import { createHash } from 'node:crypto';
import type { Camera } from '@shared/schemas/camera';
import { CameraStatusBatch } from '@shared/schemas/camera';
import type { Actor } from '@shared/schemas/common';
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import { IncidentCommand, NewIncident } from '@shared/schemas/incident';
import type { Delta } from '@shared/schemas/live';
import type { Patrol, PatrolStatusChange } from '@shared/schemas/patrol';
import { PatrolStatusChange as PatrolStatusChangeSchema, PositionBatch } from '@shared/schemas/patrol';
import { z } from 'zod';
import { HubError } from '@shared/errors';
import { parseOrThrow } from '@shared/validate';
import { applyCommand, detectOverdue, FUTURE_TOLERANCE_MS, reportIncident, type Decision, type EntryDraft } from '../domain/lifecycle';
import type { SlaPolicy } from '../domain/sla';
import type { Logger } from '../lib/log';
import { SerialQueue } from '../lib/serialQueue';
import type { NewEvent, StateChanges, Store } from '../store/types';
import { IdempotencyConflictError } from '../store/types';
import { DeltaLog, layerOf, type LoggedDelta } from './deltaLog';
import type { GeoContext } from './geoContext';
import { IncidentProjection, isOpen } from './incidentProjection';
import { IncidentIds } from './incidentIds';
import { PositionTracker } from './positionTracker';

export interface HubOptions {
  store: Store;
  geo: GeoContext;
  policy: SlaPolicy;
  clock: () => number;
  log: Logger;
  resumeBuffer: number;
  memoryDays: number;
  tzOffsetMinutes: number;
  knownCategories: ReadonlySet<string>;
}

export interface ReportOutcome {
  incident: Incident;
  created: boolean;
}

/** One step of a batch: used by imports and by the simulator's history so a week costs one transaction. */
export type BatchStep =
  | { kind: 'report'; input: unknown; idempotencyKey?: string }
  | { kind: 'command'; incidentId: string; input: unknown };

const PatrolStatusBatch = z.object({ changes: z.array(PatrolStatusChangeSchema).min(1).max(10_000) });

export class Hub {
  readonly queue = new SerialQueue();
  readonly incidents = new IncidentProjection();
  readonly cameras = new Map<string, Camera>();
  readonly patrols = new Map<string, Patrol>();
  readonly patrolsByIdx: Patrol[] = [];
  readonly positions = new PositionTracker(0);
  /** time of the last status report taken per camera (statusSince moves only when the status does) */
  private readonly cameraReportAt = new Map<string, number>();
  private rosterListeners: (() => void)[] = [];
  private deltas: DeltaLog;
  private listeners: ((item: LoggedDelta) => void)[] = [];
  private seqNow = 0;
  private ids: IncidentIds;
  /** bumped on every change; the stats loop recomputes only when it moved */
  changeCounter = 0;

  private constructor(readonly opts: HubOptions) {
    this.deltas = new DeltaLog(opts.resumeBuffer, 0);
    this.ids = new IncidentIds(opts.tzOffsetMinutes);
  }

  /** loads the current state from the store */
  static async open(opts: HubOptions): Promise<Hub> {
    const hub = new Hub(opts);
    await hub.load();
    return hub;
  }

  get seq(): number {
    return this.seqNow;
  }

  get store(): Store {
    return this.opts.store;
  }

  get geo(): GeoContext {
    return this.opts.geo;
  }

  now(): number {
    return this.opts.clock();
  }

  onDelta(listener: (item: LoggedDelta) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  resumeSince(afterSeq: number, keep: (item: LoggedDelta) => boolean): Delta[] | null {
    if (afterSeq > this.seqNow) return null; // a client from another history (store was reset)
    return this.deltas.since(afterSeq, keep);
  }

  private async load(): Promise<void> {
    const { store, log } = this.opts;
    const since = this.now() - this.opts.memoryDays * 86_400_000;
    const [incidents, cameras, patrols, lastSeq] = await Promise.all([
      store.loadIncidents(since),
      store.loadCameras(),
      store.loadPatrols(),
      store.lastSeq(),
    ]);
    const entriesById = new Map<string, IncidentLogEntry[]>(incidents.map((i) => [i.id, []]));
    const minReported = incidents.reduce((m, i) => Math.min(m, i.reportedAt), Infinity);
    let afterSeq = 0;
    // Read the incident log in pages; keep only entries of incidents held in memory.
    for (;;) {
      const page = await store.readEvents({ kind: 'incident', afterSeq, limit: 20_000, ...(Number.isFinite(minReported) ? { from: minReported } : {}) });
      for (const ev of page) {
        const list = entriesById.get(ev.aggregateId);
        if (list) list.push({ ...(ev.payload as EntryDraft), seq: ev.seq });
      }
      if (page.length < 20_000) break;
      afterSeq = page[page.length - 1]!.seq;
    }
    for (const incident of incidents) this.incidents.load(incident, entriesById.get(incident.id) ?? []);
    for (const c of cameras) this.cameras.set(c.id, c);
    this.setRoster(patrols);
    this.seqNow = lastSeq;
    this.deltas = new DeltaLog(this.opts.resumeBuffer, lastSeq);
    this.ids.seed(incidents.map((i) => i.id));
    log.info('hub state loaded', { incidents: incidents.length, cameras: cameras.length, patrols: patrols.length, seq: lastSeq });
  }

  private setRoster(patrols: readonly Patrol[]): void {
    this.positions.ensureCapacity(patrols.reduce((m, p) => Math.max(m, p.idx + 1), 0));
    for (const p of patrols) {
      this.patrols.set(p.id, p);
      this.patrolsByIdx[p.idx] = p;
      if (p.lng !== null && p.lat !== null && p.fixAt !== null) this.positions.update(p.idx, p.lng, p.lat, p.fixAt);
    }
    this.positions.drainDirty();
    this.positions.drainForSampling();
  }

  /** installs a roster (cameras and patrols) without events: the initial load of a city */
  async loadRoster(cameras: readonly Camera[], patrols: readonly Patrol[]): Promise<void> {
    await this.queue.run(async () => {
      await this.opts.store.upsertCameras(cameras);
      await this.opts.store.upsertPatrols(patrols);
      for (const c of cameras) this.cameras.set(c.id, c);
      this.setRoster(patrols);
      this.changeCounter++;
    });
    // Rosters arrive without deltas: clients that subscribed before must take a fresh snapshot.
    for (const listener of this.rosterListeners) listener();
  }

  onRosterLoaded(listener: () => void): () => void {
    this.rosterListeners.push(listener);
    return () => {
      this.rosterListeners = this.rosterListeners.filter((l) => l !== listener);
    };
  }

  // ── incidents ────────────────────────────────────────────────────────────────────────────

  async report(input: unknown, idempotencyKey?: string): Promise<ReportOutcome> {
    const [outcome] = await this.applyBatch([{ kind: 'report', input, ...(idempotencyKey ? { idempotencyKey } : {}) }]);
    return outcome as ReportOutcome;
  }

  async command(incidentId: string, input: unknown): Promise<Incident> {
    const [outcome] = await this.applyBatch([{ kind: 'command', incidentId, input }]);
    return (outcome as ReportOutcome).incident;
  }

  /**
   * Applies steps in order in one transaction: all of them or, if any step is refused, none.
   * Returns one outcome per step.
   */
  applyBatch(steps: readonly BatchStep[]): Promise<ReportOutcome[]> {
    return this.queue.run(() => this.applyBatchNow(steps));
  }

  private async applyBatchNow(steps: readonly BatchStep[]): Promise<ReportOutcome[]> {
    const working = new Map<string, Incident>();
    const decisions: Decision[] = [];
    const outcomes: ReportOutcome[] = [];
    let idempotency: { key: string; incidentId: string; requestHash: string } | undefined;
    const reservedIds: string[] = [];
    let appendStarted = false;
    const current = (id: string) => working.get(id) ?? this.incidents.get(id)?.incident;
    try {
      for (const step of steps) {
        if (step.kind === 'report') {
          const parsed = parseOrThrow(NewIncident, step.input, 'incident');
          if (step.idempotencyKey) {
            const requestHash = hashOf(parsed);
            const existing = await this.opts.store.findIdempotencyKey(step.idempotencyKey);
            if (existing) {
              if (existing.requestHash !== requestHash) throw new HubError('IDEMPOTENCY_KEY_REUSED');
              const incident = current(existing.incidentId) ?? (await this.opts.store.getIncident(existing.incidentId));
              if (!incident) throw new HubError('INTERNAL', 'The incident recorded for this idempotency key is missing.');
              outcomes.push({ incident, created: false });
              continue;
            }
            if (steps.length > 1) throw new HubError('VALIDATION_FAILED', 'Idempotency keys are taken one report at a time.');
            idempotency = { key: step.idempotencyKey, incidentId: '', requestHash };
          }
          if (!this.opts.knownCategories.has(parsed.category)) {
            throw new HubError('UNKNOWN_CATEGORY', `Category "${parsed.category}" is not in the category table.`);
          }
          const gridCode = this.opts.geo.locate(parsed.location.lng, parsed.location.lat);
          if (!gridCode) {
            throw new HubError('OUT_OF_AREA', `The location ${parsed.location.lng}, ${parsed.location.lat} is outside every grid this hub manages.`);
          }
          const now = this.now();
          const reportedAt = parsed.reportedAt ?? now;
          await this.ids.prepare(reportedAt, (prefix) => this.opts.store.highestIncidentId(prefix));
          const id = this.ids.next(reportedAt);
          reservedIds.push(id);
          const decision = reportIncident(parsed, { id, gridCode, regionPath: this.opts.geo.path(gridCode), now, policy: this.opts.policy });
          if (idempotency) idempotency.incidentId = id;
          working.set(id, decision.incident);
          decisions.push(decision);
          outcomes.push({ incident: decision.incident, created: true });
        } else {
          const parsed = parseOrThrow(IncidentCommand, step.input, 'command');
          if (parsed.actor.kind === 'system') {
            throw new HubError('VALIDATION_FAILED', 'Commands may not be sent in the name of the system.');
          }
          const incident = current(step.incidentId);
          if (!incident) throw new HubError('NOT_FOUND', `No incident has the id ${step.incidentId}.`);
          const decision = applyCommand(incident, parsed, { now: this.now(), policy: this.opts.policy });
          working.set(incident.id, decision.incident);
          decisions.push(decision);
          outcomes.push({ incident: decision.incident, created: false });
        }
      }
      appendStarted = true;
      await this.commitIncidentDecisions(decisions, idempotency);
      return outcomes;
    } catch (error) {
      // Numbers go back only if nothing reached the store: a failed COMMIT may still have landed.
      if (!appendStarted) this.ids.release(reservedIds);
      if (error instanceof IdempotencyConflictError) throw new HubError('IDEMPOTENCY_KEY_REUSED');
      throw error;
    }
  }

  /** writes decisions (events + final states) and then publishes them in order */
  private async commitIncidentDecisions(
    decisions: readonly Decision[],
    idempotency?: { key: string; incidentId: string; requestHash: string },
  ): Promise<void> {
    if (decisions.length === 0) return;
    const events: NewEvent[] = decisions.map((d) => ({
      kind: 'incident',
      aggregateId: d.incident.id,
      type: d.entry.type,
      at: d.entry.at,
      actor: d.entry.actor,
      payload: d.entry,
    }));
    const finalStates = new Map<string, Incident>();
    for (const d of decisions) finalStates.set(d.incident.id, d.incident);
    const stored = await this.opts.store.append(events, { incidents: [...finalStates.values()] }, idempotency);
    decisions.forEach((d, i) => {
      const seq = stored[i]!.seq;
      const entry: IncidentLogEntry = { ...d.entry, seq };
      const isNew = d.entry.type === 'reported';
      this.incidents.apply(d.incident, entry);
      this.publish({
        delta: isNew
          ? { type: 'incident:reported', seq, incident: d.incident, entry }
          : { type: 'incident:updated', seq, incident: d.incident, entry },
        path: d.incident.regionPath,
        layer: 'incidents',
      });
    });
  }

  /** marks every open incident whose stage deadline has passed; returns how many */
  sweepOverdue(): Promise<number> {
    return this.queue.run(async () => {
      const now = this.now();
      const decisions: Decision[] = [];
      for (const record of this.incidents.values()) {
        if (!isOpen(record.incident)) continue;
        const d = detectOverdue(record.incident, now);
        if (d) decisions.push(d);
      }
      await this.commitIncidentDecisions(decisions);
      return decisions.length;
    });
  }

  // ── cameras and patrols ──────────────────────────────────────────────────────────────────

  async updateCameras(input: unknown): Promise<Camera[]> {
    const batch = parseOrThrow(CameraStatusBatch, input, 'camera status batch');
    this.refuseFuture(batch.changes.map((c) => c.at), 'camera status');
    return this.queue.run(async () => {
      const next = new Map<string, { camera: Camera; at: number }>();
      for (const change of batch.changes) {
        const camera = next.get(change.cameraId)?.camera ?? this.cameras.get(change.cameraId);
        if (!camera) throw new HubError('UNKNOWN_CAMERA', `No camera has the id ${change.cameraId}; nothing in this batch was stored.`);
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
      await this.commitRosterChanges(
        'camera',
        [...next.values()].map(({ camera: c, at }) => ({ id: c.id, payload: { status: c.status, alarm: c.alarm, at } })),
        { cameras: changed },
        () => {
          for (const { camera, at } of next.values()) {
            this.cameras.set(camera.id, camera);
            this.cameraReportAt.set(camera.id, at);
          }
        },
      );
      return changed;
    });
  }

  async updatePatrolStatuses(input: unknown): Promise<Patrol[]> {
    const batch = parseOrThrow(PatrolStatusBatch, input, 'patrol status batch');
    this.refuseFuture(batch.changes.map((c) => c.at), 'patrol status');
    return this.queue.run(async () => {
      const next = new Map<string, Patrol>();
      for (const change of batch.changes as PatrolStatusChange[]) {
        const patrol = next.get(change.patrolId) ?? this.patrols.get(change.patrolId);
        if (!patrol) throw new HubError('UNKNOWN_PATROL', `No patrol has the id ${change.patrolId}; nothing in this batch was stored.`);
        if (patrol.status === change.status || change.at < patrol.statusSince) continue; // no change, or a late report
        next.set(patrol.id, { ...patrol, status: change.status, statusSince: change.at });
      }
      const changed = [...next.values()];
      await this.commitRosterChanges(
        'patrol',
        changed.map((p) => ({ id: p.id, payload: { status: p.status, at: p.statusSince } })),
        { patrols: changed.map((p) => this.withPosition(p)) },
        () => {
          for (const p of changed) {
            this.patrols.set(p.id, p);
            this.patrolsByIdx[p.idx] = p;
          }
        },
      );
      return changed;
    });
  }

  /** writes status events and state, installs them in memory (`install`), then publishes: in that order */
  private async commitRosterChanges(
    kind: 'camera' | 'patrol',
    changes: { id: string; payload: { at: number } }[],
    state: StateChanges,
    install: () => void,
  ): Promise<void> {
    if (changes.length === 0) return;
    const actor: Actor = { kind: kind === 'camera' ? 'camera' : 'patrol', id: 'feed' };
    const events: NewEvent[] = changes.map((c) => ({ kind, aggregateId: c.id, type: 'status', at: c.payload.at, actor: { ...actor, id: c.id }, payload: c.payload }));
    const stored = await this.opts.store.append(events, state);
    install();
    const items = kind === 'camera' ? state.cameras! : state.patrols!;
    items.forEach((item, i) => {
      const seq = stored[i]!.seq;
      const path = this.opts.geo.path(item.gridCode);
      if (kind === 'camera') this.publish({ delta: { type: 'camera:updated', seq, camera: item as Camera }, path, layer: 'cameras' });
      else this.publish({ delta: { type: 'patrol:updated', seq, patrol: item as Patrol }, path, layer: 'patrols' });
    });
  }

  // ── positions (lossy, memory only) ───────────────────────────────────────────────────────

  /** takes a batch of fixes; the whole batch is refused if any patrol is unknown */
  ingestPositions(input: unknown): { accepted: number; ignored: number } {
    const batch = parseOrThrow(PositionBatch, input, 'position batch');
    this.refuseFuture(batch.positions.map((p) => p.at), 'position');
    const unknown = batch.positions.find((p) => !this.patrols.has(p.patrolId));
    if (unknown) throw new HubError('UNKNOWN_PATROL', `No patrol has the id ${unknown.patrolId}; no position in this batch was taken.`);
    let accepted = 0;
    for (const p of batch.positions) {
      if (this.positions.update(this.patrols.get(p.patrolId)!.idx, p.lng, p.lat, p.at)) accepted++;
    }
    return { accepted, ignored: batch.positions.length - accepted };
  }

  /** a patrol with its latest fix filled in */
  withPosition(p: Patrol): Patrol {
    const fix = this.positions.get(p.idx);
    return fix ? { ...p, lng: fix.lng, lat: fix.lat, fixAt: fix.at } : p;
  }

  /**
   * A report stamped in the future would freeze a patrol or camera until that time (later reports
   * look older): refuse the batch, naming the problem, so the sender's clock gets fixed.
   */
  private refuseFuture(times: readonly number[], what: string): void {
    const limit = this.now() + FUTURE_TOLERANCE_MS;
    const ahead = times.find((t) => t > limit);
    if (ahead !== undefined) {
      throw new HubError(
        'VALIDATION_FAILED',
        `A ${what} is stamped ${new Date(ahead).toISOString()}, more than ${FUTURE_TOLERANCE_MS / 60_000} minutes ahead of the hub's clock; nothing in this batch was taken. Check the sender's clock.`,
      );
    }
  }

  private publish(item: LoggedDelta): void {
    this.seqNow = item.delta.seq;
    this.deltas.push(item);
    this.changeCounter++;
    for (const listener of this.listeners) listener(item);
  }

  /** forgets closed incidents older than the memory window */
  pruneMemory(): number {
    return this.incidents.prune(this.now() - this.opts.memoryDays * 86_400_000);
  }
}

export { layerOf };

function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

/** JSON with sorted keys, so two equal requests hash the same whatever their key order */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
