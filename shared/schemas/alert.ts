import { z } from 'zod';
import { Role } from './auth';
import { EpochMs, Id, Latitude, Longitude, RegionCode } from './common';

/**
 * Alerts (issue 16, docs/protocol.md "Alerts"): alarms that cannot be missed. A rule
 * (server/domain/rules) raises one for an especially serious case, a camera's AI alarm or a case
 * long overdue. It stays `waiting` until a person acknowledges it (audited); while it waits the hub
 * sounds it again every `repeatMs` (`alert:sounded`) and, after `escalateAfterMs`, escalates it to
 * the supervisors of its region. Reliable state: `alert:changed` deltas and the snapshot's `alerts`.
 */
export const ALERT_KINDS = ['case', 'camera_alarm', 'overdue'] as const;
export const AlertKind = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKind>;

export const Alert = z.object({
  id: Id,
  kind: AlertKind,
  ruleId: z.string(),
  ruleName: z.string(),
  /** the case it is about (for a camera alarm: the case it became, if any) */
  incidentId: Id.nullable(),
  /** the camera and its AI alarm, for a camera alarm */
  cameraId: Id.nullable(),
  videoAlarmId: Id.nullable(),
  title: z.string(),
  severity: z.number().int().min(1).max(4),
  regionPath: z.array(RegionCode),
  lng: Longitude,
  lat: Latitude,
  raisedAt: EpochMs,
  /** walls and consoles sound it (and again on every repeat) */
  sound: z.boolean(),
  /** while it waits it sounds again every repeatMs and escalates after escalateAfterMs (a rule's `repeat`) */
  repeat: z.boolean(),
  /** its card opens the cameras that see the place (a camera alarm: that camera) */
  openCameras: z.boolean(),
  /** roles told of it at once (supervisors are told on escalation in any case) */
  notifyRoles: z.array(Role),
  state: z.enum(['waiting', 'acknowledged']),
  /** when nobody acknowledged it in time and it went to the supervisors */
  escalatedAt: EpochMs.nullable(),
  acknowledgedAt: EpochMs.nullable(),
  acknowledgedBy: z.object({ username: z.string(), name: z.string() }).nullable(),
  note: z.string().max(500).nullable(),
  /** the focus the rule started, ended when this is acknowledged */
  focusId: Id.nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const AlertAckRequest = z.object({ alertId: Id, note: z.string().trim().max(500).optional() }).strict();
export type AlertAckRequest = z.infer<typeof AlertAckRequest>;

/** not reliable: an alert still waiting is sounded again (`repeat` counts from 1), or escalated */
export interface AlertSounded {
  alertId: string;
  at: number;
  repeat: number;
  escalated: boolean;
}

/** the hub's alert timing (ALERT_REPEAT_MS, ALERT_ESCALATE_MS) */
export interface AlertTiming {
  repeatMs: number;
  escalateAfterMs: number;
}
export const DEFAULT_ALERT_TIMING: AlertTiming = { repeatMs: 60_000, escalateAfterMs: 5 * 60_000 };
