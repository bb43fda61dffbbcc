/**
 * When does an incident raise the alarm popup? A *newly reported* case of grade 3 (重大) or 4
 * (特别重大). Updates of an existing case never alarm, nor do cases from a snapshot, nor reports
 * that are already old when they reach the wall (missed during a long outage and replayed on
 * resume: they are in the lists, but sounding them now would be noise).
 */
import type { Incident } from '@shared/schemas/incident';
import type { Delta } from '@shared/schemas/live';

export const ALARM_MIN_SEVERITY = 3;
export const ALARM_MAX_AGE_MS = 10 * 60_000;

export function shouldAlarm(delta: Delta, serverNow: number): Incident | null {
  if (delta.type !== 'incident:reported') return null;
  const { incident } = delta;
  if (incident.severity < ALARM_MIN_SEVERITY) return null;
  if (incident.stage === 'rejected') return null;
  if (serverNow - incident.reportedAt > ALARM_MAX_AGE_MS) return null;
  return incident;
}
