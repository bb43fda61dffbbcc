/**
 * AI video alarms, pure: raising one from a platform's report (the camera gives place and grid),
 * deciding it (confirm → the report of the case it becomes; dismiss → a false alarm with its
 * reason), and the AI's precision per alarm type (confirmed ÷ decided).
 */
import { HubError } from '@shared/errors';
import type { Camera, CameraAlarmType } from '@shared/schemas/camera';
import { CAMERA_ALARM_TYPES } from '@shared/schemas/camera';
import type { Actor } from '@shared/schemas/common';
import type { ParsedNewIncident } from '@shared/schemas/incident';
import type { AiPrecision, VideoAlarm, VideoAlarmDecision, VideoAlarmReport } from '@shared/schemas/videoAlarm';
import type { z } from 'zod';
import { refuseFuture } from '../lifecycle/eventTime';

type ParsedReport = z.output<typeof VideoAlarmReport>;
type ParsedDecision = z.output<typeof VideoAlarmDecision>;

/** the class of case each detection becomes unless the platform says otherwise (GB/T 30428.2 codes where one fits) */
export const ALARM_CASE: Readonly<Record<CameraAlarmType, { category: string; subcategory: string | null; zh: string }>> = {
  garbage: { category: 'sanitation', subcategory: '01-02', zh: '暴露垃圾' },
  street_vending: { category: 'sanitation', subcategory: null, zh: '占道经营' },
  illegal_parking: { category: 'traffic', subcategory: '03-05', zh: '机动车违停' },
  flooding: { category: 'municipal_facility', subcategory: null, zh: '路面积水' },
  intrusion: { category: 'safety_hazard', subcategory: null, zh: '区域入侵' },
  fire_smoke: { category: 'fire_safety', subcategory: null, zh: '疑似烟火' },
  crowd: { category: 'public_order', subcategory: '93-01', zh: '人员异常聚集' },
  fight: { category: 'public_order', subcategory: null, zh: '疑似打架斗殴' },
  other: { category: 'safety_hazard', subcategory: null, zh: '视频告警' },
};

export interface RaiseContext {
  id: string;
  camera: Camera;
  regionPath: string[];
  now: number;
}

export function raiseAlarm(report: ParsedReport, ctx: RaiseContext): VideoAlarm {
  const at = report.at ?? ctx.now;
  refuseFuture(at, ctx.now, 'report');
  const kind = ALARM_CASE[report.alarmType];
  return {
    id: ctx.id,
    cameraId: ctx.camera.id,
    cameraName: ctx.camera.name,
    alarmType: report.alarmType,
    confidence: report.confidence,
    snapshotUrl: report.snapshotUrl ?? null,
    at,
    location: { lng: ctx.camera.lng, lat: ctx.camera.lat },
    gridCode: ctx.camera.gridCode,
    regionPath: [...ctx.regionPath],
    category: report.category ?? kind.category,
    subcategory: report.subcategory ?? (report.category ? null : kind.subcategory),
    title: report.title ?? `视频识别：${ctx.camera.name}${kind.zh}`,
    externalRef: report.externalRef ?? null,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    reason: null,
    incidentId: null,
    version: 1,
  };
}

/** the decided alarm and, on confirm, the report of the case it becomes */
export function decideAlarm(alarm: VideoAlarm, decision: ParsedDecision, actor: Actor, now: number): { alarm: VideoAlarm; report: ParsedNewIncident | null } {
  if (alarm.status !== 'pending') {
    throw new HubError('ILLEGAL_TRANSITION', `Alarm ${alarm.id} was ${alarm.status} already${alarm.decidedBy ? ` by ${alarm.decidedBy.name ?? alarm.decidedBy.id}` : ''}.`, { status: alarm.status });
  }
  const decidedAt = Math.max(now, alarm.at);
  const decided: VideoAlarm = { ...alarm, decidedBy: { ...actor }, decidedAt, reason: decision.note ?? null, version: alarm.version + 1 };
  if (decision.action === 'dismiss') return { alarm: { ...decided, status: 'dismissed' }, report: null };
  const category = decision.category ?? alarm.category;
  const report: ParsedNewIncident = {
    source: 'video_ai',
    category,
    ...(category === alarm.category && alarm.subcategory ? { subcategory: alarm.subcategory } : {}),
    severity: decision.severity ?? 1,
    title: decision.title ?? alarm.title,
    description: `AI 告警（${ALARM_CASE[alarm.alarmType].zh}，置信度 ${Math.round(alarm.confidence * 100)}%）经人工确认${decision.note ? `：${decision.note}` : ''}`.slice(0, 2000),
    location: { ...alarm.location },
    reporter: { kind: 'camera', id: alarm.cameraId, name: alarm.cameraName.slice(0, 80) },
    reportedAt: alarm.at,
    externalRef: alarm.externalRef ?? alarm.id,
  };
  return { alarm: { ...decided, status: 'confirmed' }, report };
}

/** confirmed ÷ decided per alarm type, for alarms raised in [from, to) */
export function aiPrecision(alarms: Iterable<VideoAlarm>, from: number, to: number): AiPrecision {
  const tally = new Map<CameraAlarmType, { confirmed: number; dismissed: number; pending: number }>();
  let pending = 0;
  for (const a of alarms) {
    if (a.status === 'pending') pending++;
    if (a.at < from || a.at >= to) continue;
    const t = tally.get(a.alarmType) ?? { confirmed: 0, dismissed: 0, pending: 0 };
    t[a.status]++;
    tally.set(a.alarmType, t);
  }
  const byType = CAMERA_ALARM_TYPES.filter((type) => tally.has(type)).map((alarmType) => {
    const t = tally.get(alarmType)!;
    const decided = t.confirmed + t.dismissed;
    return { alarmType, ...t, precision: decided > 0 ? t.confirmed / decided : null };
  });
  return { from, to, byType, pending };
}
