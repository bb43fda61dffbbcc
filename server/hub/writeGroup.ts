/**
 * The batches of one group commit (groupCommit.ts) as they are decided, in arrival order. Each
 * batch sees memory plus what the batches accepted before it changed — cases, alarms, idempotency
 * keys claimed, cases a duplicate may join — exactly as if each had been committed alone before
 * the next ran. A refused batch is simply never accepted: nothing of it is seen by later ones.
 * Once all are decided, `appendArgs` is the one store append for all of them: events in order,
 * the final state of each row, every key and audit row (each audit row still points at its own
 * batch's event) and the version memory held of each row before the group; only after it committed does `install` put them in memory and publish them.
 */
import type { Incident } from '@shared/schemas/incident';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import type { NewAuditRecord, NewEvent, StateChanges, StoredEvent } from '../store/types';
import { Batch, type BatchBase, type Idempotency, type Write } from './batch';
import type { DeltaStream } from './deltaStream';
import { FusionIndex } from './fusionIndex';
import type { IncidentProjection } from './incidentProjection';
import { logEntryOf, sharedIncident } from './sharedShapes';
import type { VideoAlarmBook } from './videoAlarmBook';

/** where a committed group goes: memory, the hub's fusion index, the delta stream */
export interface GroupSinks {
  projection: IncidentProjection;
  alarms: VideoAlarmBook;
  stream: DeltaStream;
  fusionIndex: FusionIndex;
}

export interface AcceptedBatch {
  batch: Batch;
  quiet: boolean;
  /** index of the batch's first event in the group's append */
  offset: number;
}

export interface GroupMemory {
  incident(id: string): Incident | undefined;
  alarm(id: string): VideoAlarm | undefined;
  alarmByRef(cameraId: string, externalRef: string): VideoAlarm | undefined;
}

export function eventOf(w: Write): NewEvent {
  if (w.kind === 'incident') {
    const { incident, entry } = w.decision;
    return { kind: 'incident', aggregateId: incident.id, type: entry.type, at: entry.at, actor: entry.actor, payload: entry };
  }
  const alarm = w.alarm;
  return {
    kind: 'video_alarm',
    aggregateId: alarm.id,
    type: w.type,
    at: w.type === 'raised' ? alarm.at : alarm.decidedAt!,
    actor: alarm.decidedBy ?? { kind: 'camera', id: alarm.cameraId },
    payload: alarm,
  };
}

export class WriteGroup {
  readonly accepted: AcceptedBatch[] = [];
  /** idempotency keys: the store's records (looked up once for the group) and those claimed in it */
  readonly keys = new Map<string, Idempotency>();
  private readonly incidents = new Map<string, Incident>();
  private readonly alarms = new Map<string, VideoAlarm>();
  private readonly alarmRefs = new Map<string, VideoAlarm>();
  /** cases changed in the group, for duplicate fusion (the hub's index learns them after commit) */
  private readonly fusion: FusionIndex;
  private events = 0;
  private readonly base: BatchBase;

  constructor(
    private readonly memory: GroupMemory,
    fusionRadiusM: number,
  ) {
    this.fusion = new FusionIndex(fusionRadiusM);
    this.base = {
      incident: (id) => this.incidents.get(id) ?? memory.incident(id),
      alarm: (id) => this.alarms.get(id) ?? memory.alarm(id),
      alarmByRef: (cameraId, ref) => this.alarmRefs.get(`${cameraId}|${ref}`) ?? memory.alarmByRef(cameraId, ref),
      candidates: (report) => this.fusion.candidates(report),
      keys: this.keys,
    };
  }

  /** a batch that sees memory and the batches accepted so far */
  newBatch(): Batch {
    return new Batch(this.base);
  }

  /** the batch was decided without refusal: it goes into the append, later batches see it */
  accept(batch: Batch, quiet: boolean): void {
    this.accepted.push({ batch, quiet, offset: this.events });
    this.events += batch.writes.length;
    for (const incident of batch.finalIncidents()) {
      this.incidents.set(incident.id, incident);
      this.fusion.update(incident);
    }
    for (const alarm of batch.finalAlarms()) {
      this.alarms.set(alarm.id, alarm);
      if (alarm.externalRef) this.alarmRefs.set(`${alarm.cameraId}|${alarm.externalRef}`, alarm);
    }
    for (const claim of batch.idempotency) this.keys.set(claim.key, claim);
  }

  get writes(): number {
    return this.events;
  }

  /** case numbers the accepted batches reserved */
  reservedIds(): string[] {
    return this.accepted.flatMap((a) => a.batch.reservedIds);
  }

  /** the one append: events, final states (the store keeps the last copy of a row), keys, audit */
  appendArgs(): [NewEvent[], StateChanges, Idempotency[], NewAuditRecord[]] {
    const events: NewEvent[] = [];
    const incidents: Incident[] = [];
    const videoAlarms: VideoAlarm[] = [];
    const idempotency: Idempotency[] = [];
    const audit: NewAuditRecord[] = [];
    for (const { batch, offset, quiet } of this.accepted) {
      // marked quiet in the log too: nodes following it install them without deltas as well
      for (const w of batch.writes) events.push(quiet ? { ...eventOf(w), quiet: true } : eventOf(w));
      incidents.push(...batch.finalIncidents());
      videoAlarms.push(...batch.finalAlarms());
      idempotency.push(...batch.idempotency);
      for (const row of batch.audit) audit.push(row.eventIndex === undefined ? row : { ...row, eventIndex: row.eventIndex + offset });
    }
    // the versions memory held before the group (null: a row it creates): the store refuses the
    // append if another hub node changed any of them meanwhile (StaleStateError)
    const expected = {
      incidents: [...new Set(incidents.map((i) => i.id))].map((id) => ({ id, version: this.memory.incident(id)?.version ?? null })),
      videoAlarms: [...new Set(videoAlarms.map((a) => a.id))].map((id) => ({ id, version: this.memory.alarm(id)?.version ?? null })),
    };
    return [events, { incidents, videoAlarms, expected }, idempotency, audit];
  }

  /** after the append committed: memory, then deltas in seq order (or, quiet, the seq only) */
  install(stored: readonly StoredEvent[], sinks: GroupSinks): void {
    for (const { batch, quiet, offset } of this.accepted) {
      batch.writes.forEach((w, i) => {
        const seq = stored[offset + i]!.seq;
        if (w.kind === 'alarm') {
          sinks.alarms.set(w.alarm);
          if (quiet) sinks.stream.advance(seq);
          else sinks.stream.publish({ delta: { type: 'videoAlarm:updated', seq, alarm: w.alarm }, path: w.alarm.regionPath, layer: 'incidents' });
          return;
        }
        const d = w.decision;
        // kept for MEMORY_DAYS: built on shared hidden classes, not spread (sharedShapes.ts)
        const entry = logEntryOf(d.entry, seq);
        const incident = sharedIncident(d.incident);
        sinks.projection.apply(incident, entry);
        sinks.fusionIndex.update(incident);
        if (quiet) {
          sinks.stream.advance(seq);
          return;
        }
        sinks.stream.publish({
          delta: d.entry.type === 'reported' ? { type: 'incident:reported', seq, incident, entry } : { type: 'incident:updated', seq, incident, entry },
          path: incident.regionPath,
          layer: 'incidents',
        });
      });
    }
  }
}
