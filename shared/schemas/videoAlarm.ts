import { z } from 'zod';
import { Actor, EpochMs, Id, Latitude, Longitude, RegionCode, TimeInput } from './common';
import { CameraAlarmType } from './camera';
import { CategoryCode, Severity, SubcategoryCode } from './incident';
import { RegionPath } from './region';

/**
 * AI video alarms wait for a person (published precision of such detections is 70–92 %): an alarm
 * enters the confirm queue, and an operator confirms it (it becomes a case, or joins an open one
 * by duplicate fusion) or dismisses it as a false alarm with a reason. Precision per alarm type =
 * confirmed ÷ decided over seven days.
 */
export const VIDEO_ALARM_STATUSES = ['pending', 'confirmed', 'dismissed'] as const;
export const VideoAlarmStatus = z.enum(VIDEO_ALARM_STATUSES);
export type VideoAlarmStatus = z.infer<typeof VideoAlarmStatus>;

/** What a video platform sends: POST /api/video-alarms. */
export const VideoAlarmReport = z.strictObject({
  cameraId: Id,
  alarmType: CameraAlarmType,
  /** the detector's confidence, 0–1 */
  confidence: z.number().min(0).max(1),
  /** the platform's snapshot of the detection (http or https), shown to the operator as it is */
  snapshotUrl: z.url({ protocol: /^https?$/ }).max(500).optional(),
  /** when it was detected; defaults to the hub's time */
  at: TimeInput.optional(),
  /** the platform's own alarm id: the same id twice is one alarm */
  externalRef: z.string().min(1).max(80).optional(),
  /** the case it would become; derived from the alarm type when absent */
  category: CategoryCode.optional(),
  subcategory: SubcategoryCode.optional(),
  title: z.string().trim().min(1).max(120).optional(),
});
export type VideoAlarmReport = z.input<typeof VideoAlarmReport>;

export const VideoAlarm = z.object({
  id: Id,
  cameraId: Id,
  cameraName: z.string(),
  alarmType: CameraAlarmType,
  confidence: z.number().min(0).max(1),
  snapshotUrl: z.string().nullable(),
  at: EpochMs,
  location: z.object({ lng: Longitude, lat: Latitude }),
  gridCode: RegionCode,
  regionPath: RegionPath,
  category: CategoryCode,
  subcategory: SubcategoryCode.nullable(),
  title: z.string(),
  externalRef: z.string().nullable(),
  status: VideoAlarmStatus,
  decidedBy: Actor.nullable(),
  decidedAt: EpochMs.nullable(),
  /** why it was dismissed, or the operator's note on confirming */
  reason: z.string().nullable(),
  /** the case it became or joined */
  incidentId: Id.nullable(),
  version: z.number().int().min(1),
});
export type VideoAlarm = z.infer<typeof VideoAlarm>;

/** An operator's decision: socket `videoAlarm:decide` or POST /api/video-alarms/:id/decision. */
export const VideoAlarmDecision = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('confirm'),
    /** the case's grade; 1 (一般) when absent */
    severity: Severity.optional(),
    category: CategoryCode.optional(),
    title: z.string().trim().min(1).max(120).optional(),
    note: z.string().trim().max(500).optional(),
  }),
  z.strictObject({
    action: z.literal('dismiss'),
    note: z.string({ error: 'Dismissing an alarm needs a reason (note).' }).trim().min(1, 'Dismissing an alarm needs a reason (note).').max(500),
  }),
]);
export type VideoAlarmDecision = z.input<typeof VideoAlarmDecision>;

export const VideoAlarmDecisionRequest = z.strictObject({ alarmId: Id, decision: z.unknown() });
export type VideoAlarmDecisionRequest = { alarmId: string; decision: VideoAlarmDecision };

/** Precision of the AI per alarm type over the last seven days: confirmed ÷ decided. */
export const AiPrecision = z.object({
  from: EpochMs,
  to: EpochMs,
  byType: z.array(
    z.object({
      alarmType: CameraAlarmType,
      confirmed: z.number().int().min(0),
      dismissed: z.number().int().min(0),
      pending: z.number().int().min(0),
      /** confirmed ÷ (confirmed + dismissed); null while nothing was decided */
      precision: z.number().min(0).max(1).nullable(),
    }),
  ),
  pending: z.number().int().min(0),
});
export type AiPrecision = z.infer<typeof AiPrecision>;
