/**
 * Triggers from the hub's own records, so the wiring stays one call: a case reported, an AI alarm
 * queued, an open case late on the centre's calendar.
 */
import type { BusinessCalendar } from '@shared/calendar';
import { isOpenStage } from '@shared/lifecycle';
import type { Incident } from '@shared/schemas/incident';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import type { OverdueTrigger, Trigger } from './match';
import { overdueWorkingHours } from './overdue';

export function caseTriggerOf(incident: Pick<Incident, 'category' | 'severity' | 'regionPath'>): Trigger {
  return { kind: 'case', category: incident.category, severity: incident.severity, regionPath: incident.regionPath };
}

export function cameraAlarmTriggerOf(alarm: Pick<VideoAlarm, 'alarmType' | 'regionPath'>): Trigger {
  return { kind: 'camera_alarm', type: alarm.alarmType, regionPath: alarm.regionPath };
}

/**
 * The case as an overdue trigger at `now`, or null when it is closed, has no deadline or is not
 * late. A paused clock (挂起) stands still: lateness counts only up to the pause.
 */
export function overdueTriggerOf(
  incident: Pick<Incident, 'category' | 'severity' | 'regionPath' | 'stage' | 'deadline' | 'sla' | 'overdue'>,
  now: number,
  calendar: BusinessCalendar,
): OverdueTrigger | null {
  if (!isOpenStage(incident.stage) || !incident.deadline) return null;
  const until = incident.sla.pausedAt !== null ? Math.min(now, incident.sla.pausedAt) : now;
  const hours = overdueWorkingHours(incident.deadline.dueAt, until, calendar);
  // marked overdue (its clock may be the natural one: late at night, 0 working hours late) or late in working time
  if (hours <= 0 && !incident.overdue) return null;
  return { kind: 'overdue', category: incident.category, severity: incident.severity, regionPath: incident.regionPath, overdueWorkingHours: hours };
}
