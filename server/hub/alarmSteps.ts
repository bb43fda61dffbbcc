/**
 * The two steps of an AI video alarm inside a batch: raised by a platform (idempotent on the
 * platform's own id), and decided by a person or, in the simulator, a trusted origin. A confirm
 * hands back the report of the case it becomes; the batch takes it like any report (fusion too).
 */
import { randomBytes } from 'node:crypto';
import { HubError } from '@shared/errors';
import type { Camera } from '@shared/schemas/camera';
import type { ParsedNewIncident } from '@shared/schemas/incident';
import { VideoAlarmDecision, VideoAlarmReport, type VideoAlarm } from '@shared/schemas/videoAlarm';
import { parseOrThrow } from '@shared/validate';
import type { CommandOrigin } from '../domain/lifecycle';
import { decideAlarm, raiseAlarm } from '../domain/videoAlarms';
import { actorOf, auditOfAlarmDecision, auditOfAlarmRaised, type Audited, type Principal } from './audit';
import { authorise, authoriseRegion } from './authorise';
import type { Batch } from './batch';
import type { GeoContext } from './geoContext';

export type AlarmSteps =
  /**
   * `id`: trusted sources (the simulator, imports) may name the alarm so a later step can decide it;
   * `source`: who sent it over HTTP (a platform's key, or a person), named by its audit row
   */
  | { kind: 'alarm_raise'; input: unknown; id?: string; within?: string; source?: Audited }
  | { kind: 'alarm_decide'; alarmId: string; input: unknown; origin?: CommandOrigin; by?: Principal };

interface RaiseDeps {
  geo: GeoContext;
  clock: () => number;
  cameras: ReadonlyMap<string, Camera>;
}

/** readable and unique without a counter: VA-<time base36>-<6 hex> */
const newAlarmId = (at: number) => `VA-${at.toString(36)}-${randomBytes(3).toString('hex')}`;

export function raiseAlarmStep(batch: Batch, step: Extract<AlarmSteps, { kind: 'alarm_raise' }>, deps: RaiseDeps): void {
  const report = parseOrThrow(VideoAlarmReport, step.input, 'video alarm');
  const camera = deps.cameras.get(report.cameraId);
  if (!camera) throw new HubError('UNKNOWN_CAMERA', `No camera has the id ${report.cameraId}; the alarm was not taken.`);
  if (step.within && !deps.geo.path(camera.gridCode).includes(step.within)) {
    throw new HubError('FORBIDDEN_REGION', `Camera ${camera.id} lies outside the region this key may send for (${step.within}); the alarm was not taken.`);
  }
  const known = report.externalRef ? batch.alarmByRef(camera.id, report.externalRef) : undefined;
  if (known) {
    batch.alarmOutcomes.push({ alarm: known, incident: null, created: false });
    return;
  }
  const now = deps.clock();
  const alarm = raiseAlarm(report, { id: step.id ?? newAlarmId(report.at ?? now), camera, regionPath: deps.geo.path(camera.gridCode), now });
  if (step.source) batch.audit.push({ ...auditOfAlarmRaised(step.source, alarm, now), eventIndex: batch.nextIndex });
  batch.changeAlarm(alarm, 'raised');
  batch.alarmOutcomes.push({ alarm, incident: null, created: true });
}

/** decides the alarm; on confirm, returns the alarm and the report the caller turns into a case */
export function decideAlarmStep(batch: Batch, step: Extract<AlarmSteps, { kind: 'alarm_decide' }>, now: number): { alarm: VideoAlarm; report: ParsedNewIncident } | null {
  const decision = parseOrThrow(VideoAlarmDecision, step.input, 'alarm decision');
  const actor = step.by ? actorOf(step.by.user) : step.origin?.actor;
  if (!actor) throw new HubError('INTERNAL', 'An alarm decision reached the hub without an actor.');
  if (step.by) authorise(step.by, 'alarm:decide');
  const alarm = batch.alarm(step.alarmId);
  if (!alarm) throw new HubError('NOT_FOUND', `No video alarm has the id ${step.alarmId}.`);
  if (step.by) authoriseRegion(step.by, alarm.regionPath, `decide alarm ${alarm.id}`);
  const decided = decideAlarm(alarm, decision, actor, step.origin?.at ?? now);
  if (step.by) batch.audit.push({ ...auditOfAlarmDecision(step.by, alarm, `alarm_${decision.action}`, decided.alarm.decidedAt!, decision.note ?? null), eventIndex: batch.nextIndex });
  if (!decided.report) {
    batch.changeAlarm(decided.alarm, 'dismissed');
    batch.alarmOutcomes.push({ alarm: decided.alarm, incident: null });
    return null;
  }
  return { alarm: decided.alarm, report: decided.report };
}
