/**
 * One case's log replayed up to the end of what is known (`asOf`): what it contributes to a
 * window's flows (steps taken in the window) and what it is at the window's end (open, overdue,
 * due, closed on time). Everything is read from the entries — their times and the deadlines they
 * carry — never from the sweeper's overdue flag, so any past window can be recomputed and gives
 * the same figures whenever it is asked for. docs/statistics.md defines every figure.
 */
import type { Incident, Stage, TimedStage } from '@shared/schemas/incident';
import { TERMINAL_STAGES, TIMED_STAGES } from '@shared/schemas/incident';
import { workingTimeBetween, type BusinessCalendar } from '../sla/calendar';
import { assigneeIn, closeByIn, deadlineIn, evaluationIn, joinedReportMetaIn, rejectionIn } from '../lifecycle/entryData';
import { isStageAction } from '../lifecycle/transitions';
import type { EntryDraft } from '../lifecycle/types';
import { increment } from './figures';

export interface ReplayWindow {
  from: number;
  to: number;
  /** entries at or after it are not known yet; stock figures are as of it */
  asOf: number;
  bucketMs: number;
  calendar: BusinessCalendar;
}

/** Counts kept for the region and for each ranked street and department. */
export interface Tally {
  registered: number;
  rejected: number;
  closed: number;
  due: number;
  dueClosed: number;
  dueClosedOnTime: number;
  overdueInWindow: number;
  open: number;
  overdueOpen: number;
  supervisedOpen: number;
  verifications: number;
  verificationFailures: number;
  casesVerified: number;
  casesReworked: number;
}

export const emptyTally = (): Tally => ({
  registered: 0,
  rejected: 0,
  closed: 0,
  due: 0,
  dueClosed: 0,
  dueClosedOnTime: 0,
  overdueInWindow: 0,
  open: 0,
  overdueOpen: 0,
  supervisedOpen: 0,
  verifications: 0,
  verificationFailures: 0,
  casesVerified: 0,
  casesReworked: 0,
});

/** field by field: called three times per case, so no key arrays or loops over properties */
export function addTally(into: Tally, add: Tally): void {
  into.registered += add.registered;
  into.rejected += add.rejected;
  into.closed += add.closed;
  into.due += add.due;
  into.dueClosed += add.dueClosed;
  into.dueClosedOnTime += add.dueClosedOnTime;
  into.overdueInWindow += add.overdueInWindow;
  into.open += add.open;
  into.overdueOpen += add.overdueOpen;
  into.supervisedOpen += add.supervisedOpen;
  into.verifications += add.verifications;
  into.verificationFailures += add.verificationFailures;
  into.casesVerified += add.casesVerified;
  into.casesReworked += add.casesReworked;
}

export function resetTally(t: Tally): void {
  t.registered = t.rejected = t.closed = t.due = t.dueClosed = t.dueClosedOnTime = t.overdueInWindow = 0;
  t.open = t.overdueOpen = t.supervisedOpen = t.verifications = t.verificationFailures = t.casesVerified = t.casesReworked = 0;
}

export interface Intake {
  total: number;
  reports: number;
  repeats: number;
  reportsBySource: Record<string, number>;
  bySource: Record<string, number>;
  byCategory: Record<string, number>;
  bySeverity: Record<string, number>;
  byHour: number[];
}

export interface Hotline {
  responseDue: number;
  respondedOnTime: number;
  callbacks: number;
  contacted: number;
  resolved: number;
  satisfied: number;
  dissatisfied: number;
}

export interface Durations {
  clock: number[];
  working: number[];
}

/** Region-wide sinks the replay writes into directly. */
export interface RegionSinks {
  intake: Intake;
  hotline: Hotline;
  stages: Record<TimedStage, Durations>;
  timeToClose: Durations;
}

/** What the replay says about the case at the window's end (besides its tally); one object reused for every case. */
export interface CaseEnd {
  /** open at asOf (exists and not closed or rejected) */
  open: boolean;
  overdue: boolean;
  /** the department handling it at asOf (patrols are people and are never ranked) */
  department: { id: string; name: string } | null;
}

const TIMED = new Set<string>(TIMED_STAGES);
const TERMINAL = new Set<string>(TERMINAL_STAGES);

/**
 * Replays `entries` (in log order) of `incident`, adding the case's window counts to `tally`
 * (which the caller resets), its region-wide flows to `sinks`, and its state at the window's end
 * to `end`. Allocates nothing per entry: it runs for every case of a region every few seconds.
 */
export function replayCase(incident: Incident, entries: readonly EntryDraft[], w: ReplayWindow, sinks: RegionSinks, tally: Tally, end: CaseEnd): void {
  const { from, to } = w;
  const hotline = incident.source === 'hotline';

  let exists = false;
  let stage: Stage = 'reported';
  let enteredAt = 0;
  let dueAt: number | null = null;
  let pausedAt: number | null = null;
  let supervised = false;
  let anyStageLate = false;
  let missedInWindow = false;
  let registered = false;
  let closeBy: number | undefined;
  let closedAt: number | undefined;
  /** when the clock stopped for the close: the close itself, or an earlier pause */
  let closeEnd = 0;
  let verified = false;
  let reworked = false;
  let department: CaseEnd['department'] = null;

  for (const e of entries) {
    const at = e.at;
    if (at >= w.asOf) continue;
    const flow = at >= from && at < to;
    if (e.type === 'reported') {
      exists = true;
      stage = 'reported';
      enteredAt = at;
      dueAt = deadlineIn(e.data)?.dueAt ?? null;
      if (flow) countIntake(sinks.intake, incident, at, w);
      continue;
    }
    if (isStageAction(e.type)) {
      const clockEnd = pausedAt ?? at;
      if (TIMED.has(stage)) {
        // left after its deadline (the clock's end: the pause if paused)?
        if (dueAt !== null && dueAt < clockEnd) {
          anyStageLate = true;
          if (dueAt >= from && dueAt < to) missedInWindow = true;
        }
        if (flow) {
          const d = sinks.stages[stage as TimedStage];
          d.clock.push(at - enteredAt);
          d.working.push(workingTimeBetween(enteredAt, at, w.calendar));
        }
        if (hotline && stage === 'dispatched') judgeResponse(e.type, dueAt, clockEnd, at, w, sinks.hotline);
      }
      switch (e.type) {
        case 'register':
          registered = true;
          if (flow) tally.registered++;
          break;
        case 'reject':
          if (flow) {
            tally.rejected++;
            if (rejectionIn(e.data)?.reason === 'duplicate') sinks.intake.repeats++;
          }
          break;
        case 'dispatch':
        case 'redispatch': {
          const assignee = assigneeIn(e.data);
          department = assignee && assignee.kind !== 'patrol' ? { id: assignee.id, name: assignee.name } : null;
          break;
        }
        case 'hand_back':
          department = null;
          break;
        case 'verify_pass':
        case 'verify_fail':
          if (flow) {
            tally.verifications++;
            verified = true;
            if (e.type === 'verify_fail') {
              tally.verificationFailures++;
              reworked = true;
            }
          }
          break;
        case 'close':
          closedAt = at;
          closeEnd = clockEnd;
          if (flow) {
            tally.closed++;
            sinks.timeToClose.clock.push(at - incident.reportedAt);
            sinks.timeToClose.working.push(workingTimeBetween(incident.reportedAt, at, w.calendar));
          }
          break;
      }
      // register sets the case's due time; a step that ended a pause carries it moved
      closeBy = closeByIn(e.data) ?? closeBy;
      stage = e.to;
      enteredAt = at;
      dueAt = deadlineIn(e.data)?.dueAt ?? null;
      pausedAt = null;
      if (TERMINAL.has(stage)) supervised = false;
      continue;
    }
    switch (e.type) {
      case 'report_joined':
        if (flow) {
          sinks.intake.reports++;
          sinks.intake.repeats++;
          increment(sinks.intake.reportsBySource, joinedReportMetaIn(e.data)?.source ?? incident.source);
        }
        break;
      case 'supervise':
      case 'overdue':
        supervised = true;
        break;
      case 'pause_sla':
        pausedAt = at;
        break;
      case 'resume_sla':
        pausedAt = null;
        dueAt = deadlineIn(e.data)?.dueAt ?? dueAt;
        closeBy = closeByIn(e.data) ?? closeBy;
        break;
      case 'evaluate':
        if (flow && hotline) countCallback(sinks.hotline, evaluationIn(e.data));
        break;
    }
  }

  end.open = false;
  end.overdue = false;
  end.department = department;
  if (!exists) return;

  const open = !TERMINAL.has(stage);
  const clockNow = pausedAt ?? w.asOf;
  if (open) {
    tally.open++;
    end.open = true;
    if (TIMED.has(stage) && dueAt !== null && dueAt < clockNow) {
      end.overdue = true;
      tally.overdueOpen++;
      if (dueAt >= from && dueAt < to) {
        missedInWindow = true;
        if (hotline && stage === 'dispatched') sinks.hotline.responseDue++;
      }
    }
    if (supervised) tally.supervisedOpen++;
  }
  if (verified) tally.casesVerified++;
  if (reworked) tally.casesReworked++;

  // 应结案: a registered case is due when it closes or its own due time passes, whichever is first.
  if (registered) {
    if (closedAt !== undefined) {
      const late = closeBy !== undefined ? closeBy < closeEnd : anyStageLate;
      const dueMoment = closeBy !== undefined && late ? closeBy : closedAt;
      if (dueMoment >= from && dueMoment < to) {
        tally.due++;
        tally.dueClosed++;
        if (!late) tally.dueClosedOnTime++;
        else if (closeBy !== undefined) missedInWindow = true;
      }
    } else if (closeBy !== undefined && closeBy < clockNow && closeBy >= from && closeBy < to) {
      tally.due++;
      missedInWindow = true;
    }
  }
  if (missedInWindow) tally.overdueInWindow++;
}

/**
 * 响应率 counts dispatch orders (派单) of hotline cases: each visit to `dispatched` is due for a
 * response (签收 accept, or 退单 hand_back) when it ends or its limit passes, whichever is first.
 * An order the centre re-dispatched before its limit is withdrawn, not due.
 */
function judgeResponse(exit: string, dueAt: number | null, clockEnd: number, at: number, w: ReplayWindow, h: Hotline): void {
  const late = dueAt !== null && dueAt < clockEnd;
  if (exit === 'redispatch' && !late) return;
  const dueMoment = late ? dueAt! : at;
  if (dueMoment < w.from || dueMoment >= w.to) return;
  h.responseDue++;
  if (!late && (exit === 'accept' || exit === 'hand_back')) h.respondedOnTime++;
}

function countCallback(h: Hotline, evaluation: ReturnType<typeof evaluationIn>): void {
  if (!evaluation) return;
  h.callbacks++;
  if (!evaluation.contacted) return;
  h.contacted++;
  if (evaluation.resolved) h.resolved++;
  if (evaluation.satisfaction === 'dissatisfied') h.dissatisfied++;
  else h.satisfied++;
}

function countIntake(intake: Intake, incident: Incident, at: number, w: ReplayWindow): void {
  intake.total++;
  intake.reports++;
  increment(intake.reportsBySource, incident.source);
  increment(intake.bySource, incident.source);
  increment(intake.byCategory, incident.category);
  increment(intake.bySeverity, String(incident.severity));
  const bucket = Math.floor((at - w.from) / w.bucketMs);
  if (bucket < intake.byHour.length) intake.byHour[bucket] = (intake.byHour[bucket] ?? 0) + 1;
}
