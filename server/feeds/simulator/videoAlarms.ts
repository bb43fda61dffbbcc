/**
 * The simulated video platform and the duty operators who work its confirm queue: every video-AI
 * arrival and every false detection is raised as an alarm; an operator confirms the real ones a
 * few minutes later (they become cases and go through the loop) and dismisses the false ones with
 * a reason. Precision then comes out near the published 70–92 %.
 */
import type { CameraAlarmType } from '@shared/schemas/camera';
import type { VideoAlarmDecision, VideoAlarmReport } from '@shared/schemas/videoAlarm';
import { createRng } from '../../lib/rng';
import type { Arrival, FalseAlarm } from './arrivals';

const MINUTE = 60_000;

/** false detections carry SIM-FA- so that a restarted simulator knows to dismiss them */
export const FALSE_ALARM_PREFIX = 'SIM-FA-';

const DISMISS_REASONS = ['现场核实无此情况，误报', '识别对象为正常停放车辆', '光线变化导致误识别', '画面遮挡，误报'] as const;

export function alarmReportOf(a: Arrival): VideoAlarmReport | null {
  if (a.input.source !== 'video_ai' || !a.camera) return null;
  const rng = createRng(`${a.key}/alarm`);
  return {
    cameraId: a.camera.id,
    alarmType: a.camera.alarm,
    confidence: Math.round(rng.float(0.62, 0.98) * 100) / 100,
    at: a.at,
    externalRef: a.input.externalRef ?? a.key,
    category: a.input.category,
    ...(a.input.subcategory ? { subcategory: a.input.subcategory } : {}),
    title: a.input.title,
  };
}

export function falseAlarmReportOf(f: FalseAlarm): VideoAlarmReport {
  const rng = createRng(`${f.cameraId}/${f.at}/false`);
  return {
    cameraId: f.cameraId,
    alarmType: f.type satisfies CameraAlarmType,
    confidence: Math.round(rng.float(0.5, 0.9) * 100) / 100,
    at: f.at,
    externalRef: `${FALSE_ALARM_PREFIX}${f.cameraId}-${f.at}`,
  };
}

/** how long the duty operator takes to look at an alarm */
export function decisionDelay(seed: string): number {
  return createRng(`${seed}/decide`).int(1, 6) * MINUTE;
}

export function confirmOf(a: Arrival): VideoAlarmDecision {
  return { action: 'confirm', severity: a.input.severity, note: '视频复核属实' };
}

export function dismissOf(seed: string): VideoAlarmDecision {
  return { action: 'dismiss', note: createRng(`${seed}/dismiss`).pick(DISMISS_REASONS) };
}
