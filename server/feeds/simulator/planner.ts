/**
 * The life of one case through the closed loop, planned ahead as timed commands. Every delay is
 * drawn relative to the stage's own time limit (from the SLA policy the hub uses): most steps
 * land well inside it, about one case in eight misses one limit (超期), urgent cases run on the
 * fast track, ~8 % fail verification once (返工), hotline cases sometimes wait for the citizen
 * (SLA paused), serious and overdue cases are put under supervision (督办).
 *
 * The centre's own steps (register, dispatch, close) are taken by duty operators round the clock;
 * departments and on-site verification work on the limit's clock (office hours for working-time
 * limits). Pure: the same subject, state and rng give the same plan.
 */
import type { Actor } from '@shared/schemas/common';
import type { Assignee, IncidentAction, IncidentSource, Severity, Stage, TimedStage } from '@shared/schemas/incident';
import { addWorkingTime, deadlineFor, resolveLimit, workingTimeBetween, type SlaPolicy } from '../../domain/sla';
import type { Rng } from '../../lib/rng';
import type { Evaluation } from '@shared/schemas/incident';
import { departmentActor, departmentFor, type OperatorPool, type VerifierIndex } from './actors';
import type { Fate } from './arrivals';
import type { GridInfo } from './world';

export const LATE_SHARE = 0.18;
/** of the cases late in handling, the hard ones (疑难案件) that run past the case's own due time */
export const HARD_CASE_SHARE = 0.6;
export const REWORK_SHARE = 0.08;
export const HOTLINE_PAUSE_SHARE = 0.15;
const MINUTE = 60_000;

export interface PlanStep {
  at: number;
  action: IncidentAction;
  actor: Actor;
  assignee?: Assignee;
  reason?: 'invalid' | 'duplicate';
  /** key of the arrival this one repeats (resolved to an incident id when sent) */
  duplicateOfKey?: string;
  note?: string;
  /** the resident's answer at a callback (回访) */
  evaluation?: Evaluation;
}

export interface PlanSubject {
  category: string;
  subcategory: string | null;
  severity: Severity;
  fastTrack: boolean;
  source: IncidentSource;
  grid: GridInfo;
  fate: Fate;
  duplicateOfKey: string | null;
}

/** where the case stands when planning starts (a new report, or an open case adopted after a restart) */
export interface PlanState {
  stage: Stage;
  enteredAt: number;
  reworkCount: number;
  assignee: Assignee | null;
  supervised: boolean;
  /** when its SLA clock was paused, if it is */
  pausedAt: number | null;
}

export interface PlanContext {
  policy: SlaPolicy;
  operators: OperatorPool;
  verifiers: VerifierIndex;
}

const LATE_STAGES: readonly TimedStage[] = ['handling', 'dispatched', 'handled', 'registered'];
const LATE_WEIGHTS = [0.65, 0.15, 0.12, 0.08];

export function planCase(subject: PlanSubject, state: PlanState, ctx: PlanContext, rng: Rng): PlanStep[] {
  const { policy, operators } = ctx;
  const steps: PlanStep[] = [];
  const late: TimedStage | null = rng.chance(LATE_SHARE) ? rng.weighted(LATE_STAGES, LATE_WEIGHTS) : null;
  let failOnce = state.reworkCount === 0 && rng.chance(REWORK_SHARE);
  const pause = subject.source === 'hotline' && rng.chance(HOTLINE_PAUSE_SHARE);
  let supervised = state.supervised;
  let assignee = state.assignee;
  let stage = state.stage;
  let t = state.enteredAt;
  let reworked = state.reworkCount > 0;

  /** when the step leaving `s` happens, entered at `from`; `f` is the share of the limit used */
  const leave = (s: TimedStage, from: number, f: number, officeClock: boolean): number => {
    const { clock, ms } = resolveLimit(subject, s, policy);
    if (late === s) {
      const due = deadlineFor(subject, s, from, policy).dueAt;
      // A hard case drags on for several times its handling limit and so misses the case's own due
      // time too (按期结案率 published around 75–90 %); other late stages are late by less than
      // the slack the later stages leave.
      const overrun = s === 'handling' && rng.chance(HARD_CASE_SHARE) ? rng.float(1, 6) : rng.float(0.05, 1.2);
      const lateAt = due + Math.round(ms * overrun) + rng.int(2, 30) * MINUTE;
      if (!supervised && rng.chance(0.6)) {
        // 督办 while the case is overdue, before its late step
        const at = due + Math.round((lateAt - due) * rng.float(0.2, 0.8));
        steps.push({ at, action: 'supervise', actor: operators.onDuty(at, rng), note: '超期未办结，予以督办' });
        supervised = true;
      }
      return lateAt;
    }
    if (officeClock && clock === 'working') return addWorkingTime(from, Math.round(f * ms), policy.calendar);
    return from + Math.round(f * ms);
  };
  const quick = subject.fastTrack ? 0.5 : 1;

  if (state.pausedAt !== null && stage !== 'closed' && stage !== 'rejected') {
    const resumeAt = Math.max(state.pausedAt, t) + rng.int(30, 600) * MINUTE;
    steps.push({ at: resumeAt, action: 'resume_sla', actor: operators.onDuty(resumeAt, rng), note: '市民已回复，恢复计时' });
    t = resumeAt;
  }

  for (let guard = 0; guard < 12; guard++) {
    switch (stage) {
      case 'reported': {
        if (subject.fate !== 'normal') {
          const at = t + rng.int(3, 45) * MINUTE;
          const dup = subject.fate === 'duplicate' && subject.duplicateOfKey !== null;
          const step: PlanStep = dup
            ? { at, action: 'reject', actor: operators.onDuty(at, rng), reason: 'duplicate', duplicateOfKey: subject.duplicateOfKey!, note: '重复上报，已并入原案件' }
            : { at, action: 'reject', actor: operators.onDuty(at, rng), reason: 'invalid', note: rng.pick(['经核实不属于受理范围', '信息不实，现场无此情况', '咨询类诉求，已当场答复']) };
          steps.push(step);
          return finish(steps);
        }
        const at = leave('reported', t, rng.float(0.05, 0.6) * quick, false);
        steps.push({ at, action: 'register', actor: operators.onDuty(at, rng), note: '经核实，予以立案' });
        if (!supervised && (subject.severity >= 3 ? rng.chance(0.7) : rng.chance(0.02))) {
          const s = at + rng.int(1, 20) * MINUTE;
          steps.push({ at: s, action: 'supervise', actor: operators.onDuty(s, rng), note: subject.severity >= 3 ? '重大事件，领导督办' : '群众反映强烈，予以督办' });
          supervised = true;
        }
        stage = 'registered';
        t = at;
        break;
      }
      case 'registered': {
        const at = leave('registered', t, rng.float(0.05, 0.7) * quick, false);
        assignee = departmentFor(subject.category, subject.grid, rng);
        steps.push({ at, action: 'dispatch', actor: operators.onDuty(at, rng), assignee, note: `派遣至${assignee.name}处置` });
        stage = 'dispatched';
        t = at;
        break;
      }
      case 'dispatched': {
        assignee ??= departmentFor(subject.category, subject.grid, rng);
        const at = leave('dispatched', t, rng.float(0.05, 0.7) * quick, true);
        steps.push({ at, action: 'accept', actor: departmentActor(assignee), note: '已接单' });
        stage = 'handling';
        t = at;
        break;
      }
      case 'handling': {
        assignee ??= departmentFor(subject.category, subject.grid, rng);
        const f = reworked ? rng.float(0.1, 0.5) : 0.12 + 0.83 * rng.next() ** 1.4;
        let at = leave('handling', t, f * quick, true);
        if (pause && !reworked && state.pausedAt === null) {
          const pauseAt = t + Math.round((at - t) * rng.float(0.1, 0.4)) + MINUTE;
          const resumeAt = pauseAt + rng.int(60, 36 * 60) * MINUTE;
          steps.push({ at: pauseAt, action: 'pause_sla', actor: operators.onDuty(pauseAt, rng), note: '等待市民补充材料，暂停计时' });
          steps.push({ at: resumeAt, action: 'resume_sla', actor: operators.onDuty(resumeAt, rng), note: '市民已回复，恢复计时' });
          const { clock } = resolveLimit(subject, 'handling', policy);
          const shifted = clock === 'working' ? addWorkingTime(at, Math.max(0, workingTimeBetween(pauseAt, resumeAt, policy.calendar)), policy.calendar) : at + (resumeAt - pauseAt);
          at = Math.max(shifted, resumeAt + rng.int(5, 120) * MINUTE);
        }
        steps.push({ at, action: 'feedback', actor: departmentActor(assignee), note: rng.pick(['已处置完毕', '已现场整改到位', '已清理完毕，现场恢复', '已约谈当事人并整改']) });
        stage = 'handled';
        t = at;
        break;
      }
      case 'handled': {
        const at = leave('handled', t, rng.float(0.1, 0.8) * quick, true);
        const verifier = ctx.verifiers.pick(subject.grid.code, subject.grid.streetCode, assignee?.id ?? null, rng) ?? operators.inspector(rng);
        if (failOnce) {
          steps.push({ at, action: 'verify_fail', actor: verifier, note: '现场核查未处置到位，退回重办' });
          failOnce = false;
          reworked = true;
          stage = 'handling';
        } else {
          steps.push({ at, action: 'verify_pass', actor: verifier, note: '现场核查已处置到位' });
          stage = 'verified';
        }
        t = at;
        break;
      }
      case 'verified': {
        const at = leave('verified', t, rng.float(0.05, 0.5) * quick, false);
        steps.push({ at, action: 'close', actor: operators.onDuty(at, rng), note: '核查通过，予以结案' });
        if (subject.source === 'hotline') steps.push(...planCallbacks(at, reworked || late !== null, ctx, rng.fork('callback')));
        return finish(steps);
      }
      case 'closed':
      case 'rejected':
        return finish(steps);
    }
  }
  return finish(steps);
}

/**
 * 12345 calls the resident back after closing (回访): within a day or so; one in ten is not
 * reached at first and is tried again the next day. A case that was reworked or late leaves
 * residents less satisfied — the shares are of the order published by hotline centres (满意率
 * around 90 %).
 */
function planCallbacks(closedAt: number, troubled: boolean, ctx: PlanContext, rng: Rng): PlanStep[] {
  const steps: PlanStep[] = [];
  let at = closedAt + rng.int(30, 20 * 60) * MINUTE;
  if (rng.chance(0.1)) {
    steps.push({ at, action: 'evaluate', actor: ctx.operators.onDuty(at, rng), evaluation: { contacted: false }, note: '回访未接通' });
    if (rng.chance(0.3)) return steps;
    at += rng.int(20, 28) * 60 * MINUTE;
  }
  const resolved = rng.chance(troubled ? 0.8 : 0.95);
  const satisfaction = !resolved ? rng.weighted(['basically_satisfied', 'dissatisfied'] as const, [0.3, 0.7]) : rng.weighted(['satisfied', 'basically_satisfied', 'dissatisfied'] as const, troubled ? [0.6, 0.3, 0.1] : [0.85, 0.12, 0.03]);
  steps.push({ at, action: 'evaluate', actor: ctx.operators.onDuty(at, rng), evaluation: { contacted: true, resolved, satisfaction }, note: resolved ? '市民表示问题已解决' : '市民表示问题未解决' });
  return steps;
}

/** integer times, in order (flags are pushed before the stage step that follows them in time) */
function finish(steps: PlanStep[]): PlanStep[] {
  for (const s of steps) s.at = Math.round(s.at);
  return steps.sort((a, b) => a.at - b.at);
}

