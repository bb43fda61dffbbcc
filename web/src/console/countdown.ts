/**
 * The deadline of a case as the console counts it: in WORKING time (the limits are set in working
 * hours and days, DOMAIN.md), with the centre's business calendar from GET /api/calendar. Outside
 * working hours the countdown stands still, as the hub's own clock does. A paused clock (挂起)
 * does not count at all: its deadline is moved by the hub when it resumes.
 */
import { workingTimeBetween, type BusinessCalendar } from '@shared/calendar';
import type { Incident } from '@shared/schemas/incident';
import type { Lang } from '../format';

export type DeadlineState =
  | { kind: 'none' }
  | { kind: 'paused'; since: number }
  | { kind: 'running'; remainingMs: number }
  | { kind: 'overdue'; overdueMs: number };

/** `now` on the hub's clock (server time), not the desk's */
export function deadlineState(incident: Incident, now: number, cal: BusinessCalendar): DeadlineState {
  if (!incident.deadline) return { kind: 'none' };
  if (incident.sla.pausedAt !== null) return { kind: 'paused', since: incident.sla.pausedAt };
  const due = incident.deadline.dueAt;
  // Past the instant, or marked by the hub's sweeper: overdue even if no working time has passed
  // since (a limit that ran out at 17:30 is overdue at 19:00, by 0 working minutes).
  if (now >= due || incident.overdue) return { kind: 'overdue', overdueMs: Math.max(0, workingTimeBetween(due, now, cal)) };
  return { kind: 'running', remainingMs: workingTimeBetween(now, due, cal) };
}

export function isOverdueNow(incident: Incident, now: number): boolean {
  if (incident.overdue) return true;
  return !!incident.deadline && incident.sla.pausedAt === null && now >= incident.deadline.dueAt;
}

/**
 * Working time as hours and minutes, never days: a "day" of working time is 7.5 h, and "1天" on
 * screen would be read as 24 h. Under an hour the seconds show, so the operator sees it moving.
 */
export function fmtWorking(ms: number, lang: Lang): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (lang === 'zh') return h > 0 ? `${h}小时${pad(m)}分` : `${m}分${pad(sec)}秒`;
  return h > 0 ? `${h}h ${pad(m)}m` : `${m}m ${pad(sec)}s`;
}
