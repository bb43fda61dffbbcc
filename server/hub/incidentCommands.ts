/**
 * Incidents enter and move here: reports, steps of the closed loop and the overdue sweep. Each
 * batch is parsed, decided by the pure domain, written (events, new state, audit rows) in one
 * transaction, then installed in memory and published — one batch at a time through the queue,
 * so sequence numbers, memory and the store agree.
 *
 * A step taken by a person (`by`) is authorised here, whatever the channel: the role must allow
 * the action and the case must lie in the person's region.
 */
import { createHash } from 'node:crypto';
import { roleAllows, withinRegion, type Permission } from '@shared/access';
import { HubError } from '@shared/errors';
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import { IncidentCommand, NewIncident, type ParsedIncidentCommand } from '@shared/schemas/incident';
import { parseOrThrow } from '@shared/validate';
import { findFusionMatch, type FusionPolicy } from '../domain/fusion';
import { applyCommand, detectOverdue, joinedReportIn, joinReport, nextStageOrThrow, reportIncident, splitReport, type CommandOrigin, type Decision } from '../domain/lifecycle';
import type { SlaPolicy } from '../domain/sla';
import type { SerialQueue } from '../lib/serialQueue';
import type { NewAuditRecord, NewEvent, Store } from '../store/types';
import { IdempotencyConflictError } from '../store/types';
import { actorOf, auditOfStep, type Principal } from './audit';
import type { DeltaStream } from './deltaStream';
import { FusionIndex } from './fusionIndex';
import type { GeoContext } from './geoContext';
import { IncidentIds } from './incidentIds';
import { isOpen, type IncidentProjection } from './incidentProjection';

export interface ReportOutcome {
  incident: Incident;
  created: boolean;
  /** the report joined this open case instead of opening one (duplicate fusion) */
  joined?: boolean;
}

/** One step of a batch: imports and the simulator's history write a week in few transactions. */
export type BatchStep =
  | { kind: 'report'; input: unknown; idempotencyKey?: string; by?: Principal }
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
  ids: IncidentIds;
  knownCategories: ReadonlySet<string>;
  fusion: FusionPolicy;
}

type Idempotency = { key: string; incidentId: string; requestHash: string };

export class IncidentCommands {
  private readonly fusionIndex: FusionIndex;

  constructor(private readonly deps: IncidentCommandsDeps) {
    this.fusionIndex = new FusionIndex(deps.fusion.maxRadiusM);
  }

  /** indexes what the projection holds (after loading from the store) */
  indexLoaded(): void {
    for (const { incident } of this.deps.projection.values()) this.fusionIndex.update(incident);
  }

  /** Applies steps in order in one transaction: all of them or, if any step is refused, none. */
  applyBatch(steps: readonly BatchStep[]): Promise<ReportOutcome[]> {
    return this.deps.queue.run(() => this.applyBatchNow(steps));
  }

  private async applyBatchNow(steps: readonly BatchStep[]): Promise<ReportOutcome[]> {
    const { projection } = this.deps;
    const working = new Map<string, Incident>();
    const decisions: Decision[] = [];
    const audit: NewAuditRecord[] = [];
    const outcomes: ReportOutcome[] = [];
    let idempotency: Idempotency | undefined;
    const reservedIds: string[] = [];
    let appendStarted = false;
    const current = (id: string) => working.get(id) ?? projection.get(id)?.incident;
    try {
      for (const step of steps) {
        if (step.kind === 'report') {
          const parsed = parseOrThrow(NewIncident, step.input, 'incident');
          if (step.by) authorise(step.by, 'report');
          if (step.idempotencyKey) {
            const requestHash = hashOf(parsed);
            const existing = await this.deps.store.findIdempotencyKey(step.idempotencyKey);
            if (existing) {
              if (existing.requestHash !== requestHash) throw new HubError('IDEMPOTENCY_KEY_REUSED');
              const incident = current(existing.incidentId) ?? (await this.deps.store.getIncident(existing.incidentId));
              if (!incident) throw new HubError('INTERNAL', 'The incident recorded for this idempotency key is missing.');
              outcomes.push({ incident, created: false });
              continue;
            }
            if (steps.length > 1) throw new HubError('VALIDATION_FAILED', 'Idempotency keys are taken one report at a time.');
            idempotency = { key: step.idempotencyKey, incidentId: '', requestHash };
          }
          if (!this.deps.knownCategories.has(parsed.category)) {
            throw new HubError('UNKNOWN_CATEGORY', `Category "${parsed.category}" is not in the category table.`);
          }
          const gridCode = this.deps.geo.locate(parsed.location.lng, parsed.location.lat);
          if (!gridCode) {
            throw new HubError('OUT_OF_AREA', `The location ${parsed.location.lng}, ${parsed.location.lat} is outside every grid this hub manages.`);
          }
          const regionPath = this.deps.geo.path(gridCode);
          if (step.by) authoriseRegion(step.by, regionPath, 'report a case there');
          const now = this.deps.clock();
          const reportedAt = parsed.reportedAt ?? now;
          const open = [...this.fusionIndex.candidates(parsed)].map(current).filter((i): i is Incident => i !== undefined && isOpen(i));
          const match = findFusionMatch(parsed, reportedAt, open, this.deps.fusion);
          if (match) {
            const decision = joinReport(match.incident, parsed, { now, distanceM: match.distanceM });
            if (idempotency) idempotency.incidentId = match.incident.id;
            working.set(match.incident.id, decision.incident);
            if (step.by) audit.push({ ...auditOfStep(step.by, 'report', match.incident, decision.incident, decision.entry.at, `joined ${match.incident.id}`), eventIndex: decisions.length });
            decisions.push(decision);
            outcomes.push({ incident: decision.incident, created: false, joined: true });
            continue;
          }
          await this.deps.ids.prepare(reportedAt, (prefix) => this.deps.store.highestIncidentId(prefix));
          const id = this.deps.ids.next(reportedAt);
          reservedIds.push(id);
          const decision = reportIncident(parsed, { id, gridCode, regionPath, now, policy: this.deps.policy });
          if (idempotency) idempotency.incidentId = id;
          working.set(id, decision.incident);
          if (step.by) audit.push({ ...auditOfStep(step.by, 'report', null, decision.incident, decision.entry.at, null), eventIndex: decisions.length });
          decisions.push(decision);
          outcomes.push({ incident: decision.incident, created: true });
        } else {
          const parsed = parseOrThrow(IncidentCommand, step.input, 'command');
          const origin: CommandOrigin | undefined = step.by ? { actor: actorOf(step.by.user) } : step.origin;
          if (!origin) throw new HubError('INTERNAL', 'A command reached the hub without an actor.');
          if (origin.actor.kind === 'system') throw new HubError('VALIDATION_FAILED', 'Commands may not be sent in the name of the system.');
          if (step.by) authorise(step.by, parsed.action);
          const incident = current(step.incidentId);
          if (!incident) throw new HubError('NOT_FOUND', `No incident has the id ${step.incidentId}.`);
          if (step.by) authoriseRegion(step.by, incident.regionPath, `act on incident ${incident.id}`);
          if (parsed.action === 'split') {
            const { original, created } = await this.split(incident, parsed, origin, reservedIds);
            working.set(incident.id, original.incident).set(created.incident.id, created.incident);
            if (step.by) audit.push({ ...auditOfStep(step.by, 'split', incident, original.incident, original.entry.at, parsed.note), eventIndex: decisions.length });
            decisions.push(original, created);
            outcomes.push({ incident: original.incident, created: false });
            continue;
          }
          const decision = applyCommand(incident, parsed, origin, { now: this.deps.clock(), policy: this.deps.policy });
          working.set(incident.id, decision.incident);
          if (step.by) {
            audit.push({ ...auditOfStep(step.by, parsed.action, incident, decision.incident, decision.entry.at, parsed.note ?? null), eventIndex: decisions.length });
          }
          decisions.push(decision);
          outcomes.push({ incident: decision.incident, created: false });
        }
      }
      appendStarted = true;
      await this.commit(decisions, idempotency, audit);
      return outcomes;
    } catch (error) {
      // Numbers go back only if nothing reached the store: a failed COMMIT may still have landed.
      if (!appendStarted) this.deps.ids.release(reservedIds);
      if (error instanceof IdempotencyConflictError) throw new HubError('IDEMPOTENCY_KEY_REUSED');
      throw error;
    }
  }

  /** writes decisions (events + final states + audit rows) and then publishes them in order */
  private async commit(decisions: readonly Decision[], idempotency?: Idempotency, audit: readonly NewAuditRecord[] = []): Promise<void> {
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
    const stored = await this.deps.store.append(events, { incidents: [...finalStates.values()] }, idempotency, audit);
    decisions.forEach((d, i) => {
      const seq = stored[i]!.seq;
      const entry: IncidentLogEntry = { ...d.entry, seq };
      this.deps.projection.apply(d.incident, entry);
      this.fusionIndex.update(d.incident);
      this.deps.stream.publish({
        delta: d.entry.type === 'reported' ? { type: 'incident:reported', seq, incident: d.incident, entry } : { type: 'incident:updated', seq, incident: d.incident, entry },
        path: d.incident.regionPath,
        layer: 'incidents',
      });
    });
  }

  /** the split of a joined report: the case's split entry and the new case, with a fresh number */
  private async split(incident: Incident, command: Extract<ParsedIncidentCommand, { action: 'split' }>, origin: CommandOrigin, reservedIds: string[]) {
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
    reservedIds.push(newId);
    return splitReport(incident, joined, alreadySplit, {
      newId,
      gridCode,
      regionPath: this.deps.geo.path(gridCode),
      now,
      policy: this.deps.policy,
      actor: origin.actor,
      note: command.note,
    });
  }

  /** marks every open incident whose stage deadline has passed; returns how many */
  sweepOverdue(): Promise<number> {
    return this.deps.queue.run(async () => {
      const now = this.deps.clock();
      const decisions: Decision[] = [];
      for (const record of this.deps.projection.values()) {
        if (!isOpen(record.incident)) continue;
        const d = detectOverdue(record.incident, now);
        if (d) decisions.push(d);
      }
      await this.commit(decisions);
      return decisions.length;
    });
  }
}

function authorise(principal: Principal, permission: Permission): void {
  if (!roleAllows(principal.user.role, permission)) {
    throw new HubError('FORBIDDEN_ROLE', `Your role (${principal.user.role}) may not ${permission.replace('_', ' ')}.`, { role: principal.user.role, permission });
  }
}

function authoriseRegion(principal: Principal, regionPath: readonly string[], what: string): void {
  if (!withinRegion(principal.user.regionCode, regionPath)) {
    throw new HubError('FORBIDDEN_REGION', `You may not ${what}: it lies outside your region (${principal.user.regionCode}).`, {
      userRegion: principal.user.regionCode,
      regionPath,
    });
  }
}

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
