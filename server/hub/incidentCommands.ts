/**
 * Incidents and AI video alarms enter and move here: reports (joined to an open case by duplicate
 * fusion where one matches), steps of the closed loop, alarms raised and decided, and the overdue
 * sweep. Each batch is parsed and decided by the pure domain; the batches that arrive while a
 * transaction is in flight are written together in the next one (group commit, groupCommit.ts),
 * then installed in memory and published in seq order — one group at a time through the queue, so
 * sequence numbers, memory and the store agree.
 *
 * A step taken by a person (`by`) is authorised here, whatever the channel: the role must allow
 * the action and the case must lie in the person's region.
 */
import { HubError } from '@shared/errors';
import type { Incident } from '@shared/schemas/incident';
import { IncidentCommand, NewIncident, type ParsedIncidentCommand, type ParsedNewIncident } from '@shared/schemas/incident';
import type { Camera } from '@shared/schemas/camera';
import { parseOrThrow } from '@shared/validate';
import { findFusionMatch, type FusionPolicy } from '../domain/fusion';
import { applyCommand, detectOverdue, joinedReportIn, joinReport, nextStageOrThrow, refuseStaleReport, reportIncident, splitReport, type CommandOrigin } from '../domain/lifecycle';
import type { SlaPolicy } from '../domain/sla';
import type { SerialQueue } from '../lib/serialQueue';
import { forEachInSlices } from '../lib/slices';
import type { Store, StoredEvent } from '../store/types';
import { IdempotencyConflictError, StaleStateError } from '../store/types';
import { decideAlarmStep, raiseAlarmStep, type AlarmSteps } from './alarmSteps';
import { actorOf, auditOfStep, isPerson, type Audited, type KeySender, type Principal } from './audit';
import { authorise, authoriseRegion, requestHashOf } from './authorise';
import type { AlarmOutcome, Batch, ReportOutcome } from './batch';
import type { DeltaStream } from './deltaStream';
import { installFollowedAlarm, installFollowedIncident } from './followIncidents';
import { FusionIndex } from './fusionIndex';
import type { GeoContext } from './geoContext';
import { GroupCommitter, type Waiting } from './groupCommit';
import type { IncidentIds } from './incidentIds';
import { reloadStale } from './staleReload';
import type { StoreHealth } from './storeHealth';
import { isOpen, type IncidentProjection } from './incidentProjection';
import type { LogFollower } from './logFollower';
import type { VideoAlarmBook } from './videoAlarmBook';
import { WriteGroup, type GroupMemory } from './writeGroup';

export type { AlarmOutcome, ReportOutcome };

/** a step of the case a report opens (imports of history): its command and who took it when */
export interface CaseStep {
  input: unknown;
  origin: CommandOrigin;
}

/** One step of a batch: imports and the simulator's history write a week in few transactions. */
export type BatchStep =
  /**
   * `steps` (trusted imports only): the case's own history, applied to the case this report opens
   * in the same transaction. Such a report never joins an open case (the source system decided what
   * its cases are), and when its idempotency key was taken before, the case is there already: its
   * steps are not taken again.
   */
  /**
   * `within`: a source scoped to a region (an ingest key) may report only inside it; `source`: the
   * key it sent with, which the audit row names (a person's report gives `by`, authorised and audited)
   */
  | { kind: 'report'; input: unknown; idempotencyKey?: string; by?: Principal; source?: KeySender; steps?: readonly CaseStep[]; within?: string }
  /** `origin` names the actor (and, for history, the time); a person's step gives `by` instead */
  | { kind: 'command'; incidentId: string; input: unknown; origin?: CommandOrigin; by?: Principal };

export interface IncidentCommandsDeps {
  store: Store;
  geo: GeoContext;
  policy: SlaPolicy;
  clock: () => number;
  queue: SerialQueue;
  stream: DeltaStream;
  projection: IncidentProjection;
  alarms: VideoAlarmBook;
  cameras: ReadonlyMap<string, Camera>;
  ids: IncidentIds;
  knownCategories: ReadonlySet<string>;
  fusion: FusionPolicy;
  /** steps a group commit takes at most (MAX_GROUP_STEPS of the store's kind when absent) */
  maxGroupSteps?: number;
  /** whether the store answers: a group is not written while it does not (storeHealth.ts) */
  health?: StoreHealth;
  /** several hub nodes on one database: memory follows the log (logFollower.ts) */
  follower?: LogFollower;
}

/** a change refused because memory holds no such case or alarm (yet, on a node following the log) */
function isMissing(error: unknown): boolean {
  return error instanceof HubError && error.code === 'NOT_FOUND';
}

/**
 * How often a group refused as stale is decided again after catching up: each retry sees every
 * change committed before it, so only a node losing the same race again and again gives up
 * (STALE_STATE, which its callers may retry).
 */
const MAX_STALE_RETRIES = 3;

/**
 * Steps a group commit takes at most (a change bigger than that, an import's batch, goes alone).
 * Deciding is synchronous work on the event loop (~0.1–0.25 ms a report), and on PGlite so is the
 * whole transaction, fsync included: smaller groups there keep the loop answering (a group of 64
 * holds it ~15–30 ms; 1,000 reports a second need groups of a few). PostgreSQL's transaction is
 * I/O the loop does not wait for, so larger groups only cost their deciding.
 */
export const MAX_GROUP_STEPS: Record<Store['kind'], number> = { pglite: 64, postgres: 256 };

/** one change waiting for a group: the keys it may claim (looked up once per group) and how to decide it */
interface GroupUnit {
  keys: readonly string[];
  quiet: boolean;
  decide(batch: Batch): Promise<void>;
}

export class IncidentCommands {
  private readonly fusionIndex: FusionIndex;
  private readonly committer: GroupCommitter<GroupUnit>;
  private readonly memory: GroupMemory;

  constructor(private readonly deps: IncidentCommandsDeps) {
    this.fusionIndex = new FusionIndex(deps.fusion.maxRadiusM);
    this.committer = new GroupCommitter(deps.queue, (group) => this.commitGroup(group), deps.maxGroupSteps ?? MAX_GROUP_STEPS[deps.store.kind]);
    // the store turned unavailable: the changes gathered for the next group are answered now
    deps.queue.onRefuseWaiting((error) => this.committer.refuseWaiting(error));
    this.memory = {
      incident: (id) => deps.projection.get(id)?.incident,
      alarm: (id) => deps.alarms.get(id),
      alarmByRef: (cameraId, ref) => deps.alarms.byRef(cameraId, ref),
    };
  }

  /** a case or alarm event another hub node wrote (logFollower.ts): installed and published as that node did */
  installFollowed(event: StoredEvent): Promise<void> | void {
    const deps = { ...this.deps, fusionIndex: this.fusionIndex };
    return event.kind === 'incident' ? installFollowedIncident(event, deps) : installFollowedAlarm(event, deps);
  }

  /** indexes what the projection holds (after loading from the store) */
  indexLoaded(): void {
    for (const { incident } of this.deps.projection.values()) this.fusionIndex.update(incident);
  }

  /**
   * Applies steps in order, all of them or, if any step is refused, none. The batch is one change
   * of a group commit: decided alone (a refusal answers only this caller), written in one
   * transaction with the changes that arrived beside it, answered once that has committed.
   * `quiet` (history and imports) publishes no delta per step: the hub's state and sequence move
   * on, and the writer asks every client to take a fresh snapshot when it is done (hub.resyncClients).
   */
  async applyBatch(steps: readonly BatchStep[], quiet = false): Promise<ReportOutcome[]> {
    return (await this.submitSteps(steps, quiet)).outcomes;
  }

  /** AI video alarms raised or decided, all or none; a confirm writes its case with it */
  async applyAlarmBatch(steps: readonly AlarmSteps[], quiet = false): Promise<AlarmOutcome[]> {
    return (await this.submitSteps(steps, quiet)).alarmOutcomes;
  }

  /** groups committed and changes in them since start */
  get groupFigures(): { groups: number; changes: number; gathered: number } {
    return { groups: this.committer.groups, changes: this.committer.changes, gathered: this.committer.gathered };
  }

  private submitSteps(steps: readonly (BatchStep | AlarmSteps)[], quiet: boolean): Promise<Batch> {
    const keys = steps.flatMap((s) => (s.kind === 'report' && s.idempotencyKey ? [s.idempotencyKey] : []));
    return this.committer.submit<Batch>({ keys, quiet, decide: (batch) => this.decideSteps(batch, steps, quiet) }, Math.max(1, steps.length));
  }

  private async decideSteps(batch: Batch, steps: readonly (BatchStep | AlarmSteps)[], quiet: boolean): Promise<void> {
    for (const step of steps) {
      if (step.kind === 'report') await this.report(batch, step, quiet);
      else if (step.kind === 'command') batch.outcomes.push(await this.command(batch, step));
      else if (step.kind === 'alarm_raise') raiseAlarmStep(batch, step, this.deps);
      else {
        const confirmed = decideAlarmStep(batch, step, this.deps.clock());
        if (confirmed) {
          const outcome = await this.takeReport(batch, confirmed.report, step.by, `confirmed alarm ${confirmed.alarm.id}`);
          const alarm = { ...confirmed.alarm, incidentId: outcome.incident.id };
          batch.changeAlarm(alarm, 'confirmed');
          batch.alarmOutcomes.push({ alarm, incident: outcome.incident, ...(outcome.joined ? { joined: true } : {}) });
        }
      }
    }
  }

  /**
   * One group: each change decided in arrival order against memory and the changes accepted
   * before it; a refused one is answered at once and leaves nothing behind. The accepted ones are
   * written in ONE append; only after it committed are they installed in memory, published in seq
   * order and answered. If the append fails, every accepted change gets the error and memory,
   * sequence and walls stay as they were. An idempotency key taken meanwhile by another hub node
   * (the append refuses the whole group) makes the group be decided once more, so that only the
   * change that reused it is refused. Rows another node changed since memory read them (the
   * append names the versions memory held; StaleStateError) are caught up with when memory
   * follows the log, and the group decided again (up to MAX_STALE_RETRIES); otherwise the group
   * is refused with STALE_STATE after those rows were reloaded: the callers' retry is decided on them.
   */
  private async commitGroup(waiting: readonly Waiting<GroupUnit>[]): Promise<void> {
    let live = waiting;
    let staleRetries = 0;
    let keyRetried = false;
    for (;;) {
      const group = new WriteGroup(this.memory, this.deps.fusion.maxRadiusM);
      const keys = [...new Set(live.flatMap((w) => w.unit.keys))];
      // nothing is written yet: a stalled lookup is given up as soon as the store is found unavailable
      const lookup = keys.length > 0 ? this.deps.store.findIdempotencyKeys(keys) : Promise.resolve([]);
      for (const record of await (this.deps.health ? this.deps.health.race(lookup) : lookup)) group.keys.set(record.key, record);
      const accepted: Waiting<GroupUnit>[] = [];
      for (const w of live) {
        let batch = group.newBatch();
        try {
          await w.unit.decide(batch);
        } catch (error) {
          this.deps.ids.release(batch.reservedIds); // nothing of it reached the store
          // following the log: a case or alarm another node took a moment ago may not be here yet
          if (!(this.deps.follower && isMissing(error) && (await this.caughtUp()))) {
            w.reject(error);
            continue;
          }
          batch = group.newBatch();
          try {
            await w.unit.decide(batch);
          } catch (again) {
            this.deps.ids.release(batch.reservedIds);
            w.reject(again);
            continue;
          }
        }
        group.accept(batch, w.unit.quiet);
        accepted.push(w);
      }
      // changes decided while the store turned unavailable are not written (the refusal, not a stall)
      const refusal = group.writes > 0 ? this.deps.health?.refusal() : null;
      if (refusal) {
        this.deps.ids.release(group.reservedIds());
        for (const w of accepted) w.reject(refusal);
        return;
      }
      if (group.writes > 0) {
        let stored: StoredEvent[];
        try {
          stored = await this.deps.store.append(...group.appendArgs());
        } catch (error) {
          if (error instanceof IdempotencyConflictError) {
            this.deps.ids.release(group.reservedIds()); // refused inside the transaction: rolled back
            if (!keyRetried) {
              keyRetried = true;
              live = accepted;
              continue;
            }
            error = new HubError('IDEMPOTENCY_KEY_REUSED');
          } else if (error instanceof StaleStateError) {
            // another hub node changed these rows since memory read them: nothing was written
            this.deps.ids.release(group.reservedIds());
            // following the log, memory catches up (publishing the other node's changes) and the
            // group is decided again on it — what one node would have decided, had it seen them
            if (this.deps.follower && staleRetries < MAX_STALE_RETRIES && (await this.caughtUp())) {
              staleRetries++;
              live = accepted;
              continue;
            }
            const stale = error;
            error = new HubError('STALE_STATE', undefined, { incidentIds: stale.incidentIds ?? [], videoAlarmIds: stale.videoAlarmIds ?? [] });
            // before answering, so that a caller retrying at once is decided on the stored state;
            // a failed reload leaves memory stale, and the next append is refused and reloads again.
            // Following the log, memory is not touched here: the follower installs those rows, with
            // their deltas (a reload would install them silently, and the walls would miss them).
            if (!this.deps.follower) await reloadStale(stale, { ...this.deps, fusionIndex: this.fusionIndex }).catch(() => undefined);
          }
          // Numbers stay taken: a failed COMMIT may still have landed.
          for (const w of accepted) w.reject(error);
          return;
        }
        group.install(stored, { projection: this.deps.projection, alarms: this.deps.alarms, stream: this.deps.stream, fusionIndex: this.fusionIndex });
      }
      group.accepted.forEach((a, i) => accepted[i]!.resolve(a.batch));
      return;
    }
  }

  /** `quiet`: history and imports (backdated by design); otherwise a live report, of the last days */
  private async report(batch: Batch, step: Extract<BatchStep, { kind: 'report' }>, quiet: boolean): Promise<void> {
    const parsed = parseOrThrow(NewIncident, step.input, 'incident');
    if (!quiet) refuseStaleReport(parsed.reportedAt, this.deps.clock());
    if (step.by) {
      authorise(step.by, 'report');
      if (step.steps) throw new HubError('INTERNAL', 'A person reports a case; its history is imported by a trusted source.');
      if (parsed.source === 'video_ai') {
        throw new HubError('VALIDATION_FAILED', 'AI video alarms go to the confirm queue (POST /api/video-alarms), not straight into the case list.', [
          { path: 'source', message: 'video_ai reports enter the confirm queue' },
        ]);
      }
    }
    // before the idempotency key is looked up: a source of another region resending a body with the
    // same key must not be handed the case it names (keys are hub-wide)
    if (step.within) this.requireWithin(parsed, step.within);
    let claim: { key: string; incidentId: string; requestHash: string } | undefined;
    if (step.idempotencyKey) {
      const requestHash = requestHashOf(parsed, step.steps);
      const existing = batch.claimOf(step.idempotencyKey);
      if (existing) {
        if (existing.requestHash !== requestHash) throw new HubError('IDEMPOTENCY_KEY_REUSED');
        const incident = batch.incident(existing.incidentId) ?? (await this.deps.store.getIncident(existing.incidentId));
        if (!incident) throw new HubError('INTERNAL', 'The incident recorded for this idempotency key is missing.');
        batch.outcomes.push({ incident, created: false });
        return;
      }
      claim = { key: step.idempotencyKey, incidentId: '', requestHash };
      batch.idempotency.push(claim);
    }
    const outcome = step.steps ? await this.openCase(batch, parsed, step.steps) : await this.takeReport(batch, parsed, step.by ?? step.source, null);
    if (claim) claim.incidentId = outcome.incident.id;
    batch.outcomes.push(outcome);
  }

  /** a scoped source's report must lie in its region: refused whole otherwise */
  private requireWithin(parsed: ParsedNewIncident, within: string): void {
    const gridCode = this.deps.geo.locate(parsed.location.lng, parsed.location.lat);
    if (gridCode && !this.deps.geo.path(gridCode).includes(within)) {
      throw new HubError('FORBIDDEN_REGION', `The location ${parsed.location.lng}, ${parsed.location.lat} lies outside the region this key may report in (${within}); nothing was stored.`);
    }
  }

  /** an imported case: a new case (never joined to an open one) and its own steps after it */
  private async openCase(batch: Batch, parsed: ParsedNewIncident, steps: readonly CaseStep[]): Promise<ReportOutcome> {
    const opened = await this.takeReport(batch, parsed, undefined, null, false);
    let incident = opened.incident;
    for (const s of steps) incident = (await this.command(batch, { kind: 'command', incidentId: incident.id, input: s.input, origin: s.origin })).incident;
    return { incident, created: true };
  }

  /** a new case, or the open case it joins (duplicate fusion); `by` is audited, and authorised when a person */
  private async takeReport(batch: Batch, parsed: ParsedNewIncident, by: Audited | undefined, why: string | null, fuse = true): Promise<ReportOutcome> {
    if (!this.deps.knownCategories.has(parsed.category)) throw new HubError('UNKNOWN_CATEGORY', `Category "${parsed.category}" is not in the category table.`);
    const gridCode = this.deps.geo.locate(parsed.location.lng, parsed.location.lat);
    if (!gridCode) throw new HubError('OUT_OF_AREA', `The location ${parsed.location.lng}, ${parsed.location.lat} is outside every grid this hub manages.`);
    const regionPath = this.deps.geo.path(gridCode);
    if (by && isPerson(by)) authoriseRegion(by, regionPath, 'report a case there');
    const now = this.deps.clock();
    const reportedAt = parsed.reportedAt ?? now;
    // an imported case was a case in its source system: it never joins another
    const open = fuse ? [...new Set([...this.fusionIndex.candidates(parsed), ...batch.candidates(parsed)])].map((id) => batch.incident(id)).filter((i): i is Incident => i !== undefined && isOpen(i)) : [];
    const match = fuse ? findFusionMatch(parsed, reportedAt, open, this.deps.fusion) : null;
    if (match) {
      const decision = joinReport(match.incident, parsed, { now, distanceM: match.distanceM });
      if (by) batch.audit.push({ ...auditOfStep(by, 'report', match.incident, decision.incident, decision.entry.at, [why, `joined ${match.incident.id}`].filter(Boolean).join('; ')), eventIndex: batch.nextIndex });
      batch.decide(decision);
      return { incident: decision.incident, created: false, joined: true };
    }
    await this.deps.ids.prepare(reportedAt, (prefix) => this.deps.store.highestIncidentId(prefix));
    const id = this.deps.ids.next(reportedAt);
    batch.reservedIds.push(id);
    const decision = reportIncident(parsed, { id, gridCode, regionPath, now, policy: this.deps.policy });
    if (by) batch.audit.push({ ...auditOfStep(by, 'report', null, decision.incident, decision.entry.at, why), eventIndex: batch.nextIndex });
    batch.decide(decision);
    return { incident: decision.incident, created: true };
  }

  private async command(batch: Batch, step: Extract<BatchStep, { kind: 'command' }>): Promise<ReportOutcome> {
    const parsed = parseOrThrow(IncidentCommand, step.input, 'command');
    const origin: CommandOrigin | undefined = step.by ? { actor: actorOf(step.by.user) } : step.origin;
    if (!origin) throw new HubError('INTERNAL', 'A command reached the hub without an actor.');
    if (origin.actor.kind === 'system') throw new HubError('VALIDATION_FAILED', 'Commands may not be sent in the name of the system.');
    if (step.by) authorise(step.by, parsed.action);
    const incident = batch.incident(step.incidentId);
    if (!incident) throw new HubError('NOT_FOUND', `No incident has the id ${step.incidentId}.`);
    if (step.by) authoriseRegion(step.by, incident.regionPath, `act on incident ${incident.id}`);
    if (parsed.action === 'split') {
      const { original, created } = await this.split(batch, incident, parsed, origin);
      if (step.by) batch.audit.push({ ...auditOfStep(step.by, 'split', incident, original.incident, original.entry.at, parsed.note), eventIndex: batch.nextIndex });
      batch.decide(original);
      batch.decide(created);
      return { incident: original.incident, created: false };
    }
    const decision = applyCommand(incident, parsed, origin, { now: this.deps.clock(), policy: this.deps.policy });
    if (step.by) batch.audit.push({ ...auditOfStep(step.by, parsed.action, incident, decision.incident, decision.entry.at, parsed.note ?? null), eventIndex: batch.nextIndex });
    batch.decide(decision);
    return { incident: decision.incident, created: false };
  }

  /** the split of a joined report: the case's split entry and the new case, with a fresh number */
  private async split(batch: Batch, incident: Incident, command: Extract<ParsedIncidentCommand, { action: 'split' }>, origin: CommandOrigin) {
    nextStageOrThrow(incident, 'split');
    const entries = this.deps.projection.get(incident.id)?.entries ?? [];
    const joined = entries.find((e) => e.seq === command.reportSeq);
    const alreadySplit = entries.some((e) => e.type === 'split' && e.data?.reportSeq === command.reportSeq);
    const report = joined ? joinedReportIn(joined.data) : undefined;
    const gridCode = report ? this.deps.geo.locate(report.location.lng, report.location.lat) : incident.gridCode;
    if (!gridCode) throw new HubError('OUT_OF_AREA', 'The joined report lies outside every grid this hub manages.');
    const now = this.deps.clock();
    // the new case keeps the report's own time, so its number is of that day
    const numberedAt = report?.reportedAt ?? now;
    await this.deps.ids.prepare(numberedAt, (prefix) => this.deps.store.highestIncidentId(prefix));
    const newId = this.deps.ids.next(numberedAt);
    batch.reservedIds.push(newId);
    return splitReport(incident, joined, alreadySplit, { newId, gridCode, regionPath: this.deps.geo.path(gridCode), now, policy: this.deps.policy, actor: origin.actor, note: command.note });
  }

  /** in the queue: memory takes what other nodes committed; false when the store could not be read */
  private async caughtUp(): Promise<boolean> {
    try {
      await this.deps.follower!.catchUp();
      return true;
    } catch {
      return false;
    }
  }

  /** marks every open incident whose stage deadline has passed; returns how many */
  async sweepOverdue(): Promise<number> {
    const decide = async (batch: Batch) => {
      const now = this.deps.clock();
      // A slice of time at a time: a province holds 63,000 cases, tested in one turn for 0.1-1 s.
      // Memory changes only when a group is installed, under the queue this sweep holds.
      await forEachInSlices(this.deps.projection.values(), (record) => {
        const incident = batch.incident(record.incident.id) ?? record.incident; // as changed earlier in the group
        if (!isOpen(incident)) return;
        const d = detectOverdue(incident, now);
        if (d) batch.decide(d);
      });
    };
    return (await this.committer.submit<Batch>({ keys: [], quiet: false, decide }, 1)).writes.length;
  }
}
