/**
 * One pass over every incident's log: window counts, stage durations, on-time judgement, and the
 * state of each incident as of `asOf`. Everything is read from the entries (their times and the
 * deadlines they carry), never from the sweeper's overdue flag, so figures do not depend on when a
 * sweep happened and can be recomputed for any past window.
 */
import { TERMINAL_STAGES, TIMED_STAGES, type Stage, type TimedStage } from '@shared/schemas/incident';
import { deadlineIn, joinedReportMetaIn } from '../lifecycle/entryData';
import { isStageAction } from '../lifecycle/transitions';
import { increment } from './figures';
import type { IncidentRecord } from './types';

/** Counts kept for the whole region and for each ranked child region. */
export interface Tally {
  registered: number;
  rejected: number;
  closed: number;
  closedOnTime: number;
  verifications: number;
  verificationFailures: number;
  open: number;
  overdueOpen: number;
  supervisedOpen: number;
}

export const emptyTally = (): Tally => ({
  registered: 0,
  rejected: 0,
  closed: 0,
  closedOnTime: 0,
  verifications: 0,
  verificationFailures: 0,
  open: 0,
  overdueOpen: 0,
  supervisedOpen: 0,
});

export interface Intake {
  /** cases opened in the window */
  total: number;
  /** reports taken in the window: each case's own plus those joined to open cases (duplicate fusion) */
  reports: number;
  reportsBySource: Record<string, number>;
  bySource: Record<string, number>;
  byCategory: Record<string, number>;
  bySeverity: Record<string, number>;
  byHour: number[];
}

export interface ScanWindow {
  from: number;
  to: number;
  asOf: number;
  bucketMs: number;
}

export interface ScanSinks {
  intake: Intake;
  region: Tally;
  /** the child's tally, or undefined when the incident is not in a ranked child */
  child: Tally | undefined;
  durations: Record<TimedStage, number[]>;
}

const TIMED = new Set<string>(TIMED_STAGES);
const TERMINAL = new Set<string>(TERMINAL_STAGES);
const isTerminal = (stage: Stage) => TERMINAL.has(stage);

function bump(region: Tally, child: Tally | undefined, key: keyof Tally): void {
  region[key]++;
  if (child) child[key]++;
}

export function scanRecord(record: IncidentRecord, w: ScanWindow, sinks: ScanSinks): void {
  const { incident, entries } = record;
  const { region, child } = sinks;
  const count = (key: keyof Tally) => bump(region, child, key);

  // state of the current stage visit, replayed from the entries
  let stage: Stage = 'reported';
  let enteredAt = 0;
  let dueAt: number | null = null;
  let pausedAt: number | null = null;
  let supervised = false;
  let anyStageLate = false;
  // the same state as of `asOf` (the incident does not exist before its reported entry)
  let existsAsOf = false;
  let stageAsOf: Stage = 'reported';
  let dueAsOf: number | null = null;
  let pausedAsOf: number | null = null;
  let supervisedAsOf = false;

  for (const e of entries) {
    const at = e.at;
    const inWindow = at >= w.from && at < w.to;
    if (e.type === 'reported') {
      stage = 'reported';
      enteredAt = at;
      dueAt = deadlineIn(e.data)?.dueAt ?? null;
      if (inWindow) countIntake(sinks.intake, incident, at, w);
    } else if (isStageAction(e.type)) {
      if (TIMED.has(stage)) {
        // Left after its deadline? While paused the clock stood still at the pause.
        if (dueAt !== null && dueAt < (pausedAt ?? at)) anyStageLate = true;
        if (inWindow) sinks.durations[stage as TimedStage].push(at - enteredAt);
      }
      if (inWindow) {
        if (e.type === 'register') count('registered');
        else if (e.type === 'reject') count('rejected');
        else if (e.type === 'verify_pass') count('verifications');
        else if (e.type === 'verify_fail') {
          count('verifications');
          count('verificationFailures');
        } else if (e.type === 'close') {
          count('closed');
          if (!anyStageLate) count('closedOnTime');
        }
      }
      stage = e.to;
      enteredAt = at;
      dueAt = deadlineIn(e.data)?.dueAt ?? null;
      pausedAt = null;
      if (isTerminal(stage)) supervised = false;
    } else if (e.type === 'report_joined') {
      if (inWindow) {
        sinks.intake.reports++;
        increment(sinks.intake.reportsBySource, joinedReportMetaIn(e.data)?.source ?? incident.source);
      }
    } else if (e.type === 'supervise' || e.type === 'overdue') {
      supervised = true;
    } else if (e.type === 'pause_sla') {
      pausedAt = at;
    } else if (e.type === 'resume_sla') {
      pausedAt = null;
      dueAt = deadlineIn(e.data)?.dueAt ?? dueAt;
    }
    if (at <= w.asOf) {
      existsAsOf = true;
      stageAsOf = stage;
      dueAsOf = dueAt;
      pausedAsOf = pausedAt;
      supervisedAsOf = supervised;
    }
  }

  if (existsAsOf && !isTerminal(stageAsOf)) {
    count('open');
    if (dueAsOf !== null && dueAsOf < (pausedAsOf ?? w.asOf)) count('overdueOpen');
    if (supervisedAsOf) count('supervisedOpen');
  }
}

function countIntake(intake: Intake, incident: IncidentRecord['incident'], at: number, w: ScanWindow): void {
  intake.total++;
  intake.reports++;
  increment(intake.reportsBySource, incident.source);
  increment(intake.bySource, incident.source);
  increment(intake.byCategory, incident.category);
  increment(intake.bySeverity, String(incident.severity));
  const bucket = Math.floor((at - w.from) / w.bucketMs);
  if (bucket < intake.byHour.length) intake.byHour[bucket] = (intake.byHour[bucket] ?? 0) + 1;
}
