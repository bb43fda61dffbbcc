/**
 * The SLA clock of the current stage: pause, resume, overdue.
 *
 * While paused (waiting for a citizen, for a court, …) the stage's deadline does not run. The
 * deadline is not touched when the pause starts; on resume it moves by the paused duration,
 * measured on the clock the limit uses: a weekend spent paused moves a working-hours deadline by
 * nothing, and a natural-clock deadline by the whole weekend. The case's own due time (closeBy)
 * moves by the same amount: waiting for the resident is not the department's delay. A deadline
 * that had already passed when the pause began does not move.
 */
import type { Deadline, Incident, TimedStage } from '@shared/schemas/incident';
import { addWorkingTime, workingTimeBetween } from './calendar';
import { resolveLimit, type SlaPolicy, type SlaSubject } from './policy';

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
  const { pausedMs, move } = pauseShift(incident, deadline.stage as TimedStage, pausedAt, resumedAt, policy);
  const closeBy = incident.closeBy ?? null;
  return { deadline: { stage: deadline.stage, dueAt: move(deadline.dueAt) }, pausedMs, closeBy: closeBy === null ? null : move(closeBy) };
}

/**
 * The case's due time when a step of the loop ends a pause without a resume (the department
 * answers while the centre still waits): moved by the pause as a resume would, or null when the
 * clock is not paused or the case has no due time.
 */
export function closeByAfterPause(
  incident: Pick<Incident, 'category' | 'subcategory' | 'severity' | 'fastTrack' | 'stage' | 'sla' | 'closeBy'>,
  endedAt: number,
  policy: SlaPolicy,
): number | null {
  const pausedAt = incident.sla.pausedAt;
  if (pausedAt === null || incident.closeBy === null || incident.closeBy === undefined || !isTimedStage(incident.stage)) return null;
  return pauseShift(incident, incident.stage, pausedAt, endedAt, policy).move(incident.closeBy);
}

const isTimedStage = (stage: string): stage is TimedStage => stage !== 'closed' && stage !== 'rejected';

/**
 * How a pause from `pausedAt` to `endedAt` moves deadlines: by its length on the clock of the
 * stage's limit. A deadline that had passed before the pause began stays where it is: the case was
 * late before anyone waited, and a moved one would make it due (应结案) again in a later window.
 */
function pauseShift(subject: SlaSubject, stage: TimedStage, pausedAt: number, endedAt: number, policy: SlaPolicy): { pausedMs: number; move: (t: number) => number } {
  const { clock } = resolveLimit(subject, stage, policy);
  const pausedMs = Math.max(0, clock === 'natural' ? endedAt - pausedAt : workingTimeBetween(pausedAt, endedAt, policy.calendar));
  return { pausedMs, move: (t) => (t < pausedAt ? t : clock === 'natural' ? t + pausedMs : addWorkingTime(t, pausedMs, policy.calendar)) };
}
