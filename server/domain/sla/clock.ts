/**
 * The SLA clock of the current stage: pause, resume, overdue.
 *
 * While paused (waiting for a citizen, for a court, …) the stage's deadline does not run. The
 * deadline is not touched when the pause starts; on resume it moves by the paused duration,
 * measured on the clock the limit uses: a weekend spent paused moves a working-hours deadline by
 * nothing, and a natural-clock deadline by the whole weekend. The case's own due time (closeBy)
 * moves by the same amount: waiting for the resident is not the department's delay.
 */
import type { Deadline, Incident, TimedStage } from '@shared/schemas/incident';
import { addWorkingTime, workingTimeBetween } from './calendar';
import { resolveLimit, type SlaPolicy } from './policy';

type ClockState = Pick<Incident, 'deadline' | 'sla'>;

/**
 * Overdue at `now`: the current deadline lies before `now`. While paused time stands still at
 * the pause, so a case is overdue during a pause only if it already was when the pause began.
 */
export function isOverdue(incident: ClockState, now: number): boolean {
  if (!incident.deadline) return false;
  const clockTime = incident.sla.pausedAt ?? now;
  return incident.deadline.dueAt < clockTime;
}

export interface Resumption {
  deadline: Deadline;
  /** duration of this pause on the limit's clock (working ms for working-time limits) */
  pausedMs: number;
  /** the case's due time moved by the same pause on the same clock (null when it has none) */
  closeBy: number | null;
}

/** The deadline after resuming at `resumedAt`. Requires a paused clock and a current deadline. */
export function resumeDeadline(
  incident: Pick<Incident, 'category' | 'subcategory' | 'severity' | 'fastTrack' | 'deadline' | 'sla' | 'closeBy'>,
  resumedAt: number,
  policy: SlaPolicy,
): Resumption {
  const { deadline } = incident;
  const pausedAt = incident.sla.pausedAt;
  if (!deadline || pausedAt === null) throw new Error('resumeDeadline needs a paused clock and a deadline');
  const { clock } = resolveLimit(incident, deadline.stage as TimedStage, policy);
  const closeBy = incident.closeBy ?? null;
  if (clock === 'natural') {
    const pausedMs = Math.max(0, resumedAt - pausedAt);
    return { deadline: { stage: deadline.stage, dueAt: deadline.dueAt + pausedMs }, pausedMs, closeBy: closeBy === null ? null : closeBy + pausedMs };
  }
  const pausedMs = Math.max(0, workingTimeBetween(pausedAt, resumedAt, policy.calendar));
  return {
    deadline: { stage: deadline.stage, dueAt: addWorkingTime(deadline.dueAt, pausedMs, policy.calendar) },
    pausedMs,
    closeBy: closeBy === null ? null : addWorkingTime(closeBy, pausedMs, policy.calendar),
  };
}
