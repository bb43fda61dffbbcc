/**
 * One batch of steps being decided: what it has changed so far (later steps see earlier ones),
 * the writes in order (incident log entries and video-alarm changes), the audit rows that go into
 * the same transaction, and the case numbers it reserved (given back if the batch is refused).
 * It sees the hub through a `BatchBase`: memory, plus what batches decided before it in the same
 * group commit (writeGroup.ts) changed.
 */
import type { Incident, ParsedNewIncident } from '@shared/schemas/incident';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import type { Decision } from '../domain/lifecycle';
import type { NewAuditRecord } from '../store/types';

export type Write = { kind: 'incident'; decision: Decision } | { kind: 'alarm'; alarm: VideoAlarm; type: 'raised' | 'confirmed' | 'dismissed' };

export interface ReportOutcome {
  incident: Incident;
  created: boolean;
  /** the report joined this open case instead of opening one (duplicate fusion) */
  joined?: boolean;
}

/** what a video-alarm step did: the alarm after it and, once confirmed, its case */
export interface AlarmOutcome {
  alarm: VideoAlarm;
  incident: Incident | null;
  /** the confirmed alarm joined an open case (duplicate fusion) */
  joined?: boolean;
  /** a raise that was new (false: the platform sent this alarm before) */
  created?: boolean;
}

export type Idempotency = { key: string; incidentId: string; requestHash: string };

/** what a batch sees before its own changes */
export interface BatchBase {
  incident(id: string): Incident | undefined;
  alarm(id: string): VideoAlarm | undefined;
  /** the alarm a platform already sent under this reference */
  alarmByRef(cameraId: string, externalRef: string): VideoAlarm | undefined;
  /** cases a report may join that the hub's fusion index does not hold yet (decided earlier in the group) */
  candidates(report: ParsedNewIncident): Iterable<string>;
  /** idempotency keys known: in the store before the group, or claimed earlier in it */
  readonly keys: ReadonlyMap<string, Idempotency>;
}

export class Batch {
  readonly writes: Write[] = [];
  readonly audit: NewAuditRecord[] = [];
  readonly outcomes: ReportOutcome[] = [];
  readonly alarmOutcomes: AlarmOutcome[] = [];
  readonly reservedIds: string[] = [];
  /** keys claimed by reports of this batch, written with it */
  readonly idempotency: Idempotency[] = [];
  private readonly incidents = new Map<string, Incident>();
  private readonly alarms = new Map<string, VideoAlarm>();

  constructor(private readonly base: BatchBase) {}

  incident(id: string): Incident | undefined {
    return this.incidents.get(id) ?? this.base.incident(id);
  }

  alarm(id: string): VideoAlarm | undefined {
    return this.alarms.get(id) ?? this.base.alarm(id);
  }

  alarmByRef(cameraId: string, externalRef: string): VideoAlarm | undefined {
    for (const a of this.alarms.values()) if (a.cameraId === cameraId && a.externalRef === externalRef) return a;
    return this.base.alarmByRef(cameraId, externalRef);
  }

  candidates(report: ParsedNewIncident): Iterable<string> {
    return this.base.candidates(report);
  }

  /** the record of an idempotency key: known before this batch, or claimed by it */
  claimOf(key: string): Idempotency | undefined {
    return this.base.keys.get(key) ?? this.idempotency.find((c) => c.key === key);
  }

  /** the index the next write will have: audit rows point at it */
  get nextIndex(): number {
    return this.writes.length;
  }

  decide(decision: Decision): void {
    this.incidents.set(decision.incident.id, decision.incident);
    this.writes.push({ kind: 'incident', decision });
  }

  changeAlarm(alarm: VideoAlarm, type: 'raised' | 'confirmed' | 'dismissed'): void {
    this.alarms.set(alarm.id, alarm);
    this.writes.push({ kind: 'alarm', alarm, type });
  }

  /** incidents written by this batch (their final states) */
  finalIncidents(): Incident[] {
    const out = new Map<string, Incident>();
    for (const w of this.writes) if (w.kind === 'incident') out.set(w.decision.incident.id, w.decision.incident);
    return [...out.values()];
  }

  finalAlarms(): VideoAlarm[] {
    const out = new Map<string, VideoAlarm>();
    for (const w of this.writes) if (w.kind === 'alarm') out.set(w.alarm.id, w.alarm);
    return [...out.values()];
  }
}
