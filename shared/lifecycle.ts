/**
 * The closed loop as an explicit table, shared so that a console offers exactly the steps the hub
 * will take: which action moves a case from which stages to which. Flags (supervise, pause and
 * resume the clock, split a joined report off, note, evaluate) do not change the stage; a note is
 * allowed in any stage, the callback (evaluate) on a closed case, the others in open stages only.
 */
import { TERMINAL_STAGES, type Incident, type IncidentAction, type Stage } from './schemas/incident';

export type StageAction = 'register' | 'reject' | 'dispatch' | 'hand_back' | 'redispatch' | 'accept' | 'feedback' | 'verify_pass' | 'verify_fail' | 'close';
export type FlagAction = Exclude<IncidentAction, StageAction>;

export const STAGE_TRANSITIONS: Readonly<Record<StageAction, { from: readonly Stage[]; to: Stage }>> = {
  register: { from: ['reported'], to: 'registered' },
  reject: { from: ['reported'], to: 'rejected' },
  dispatch: { from: ['registered'], to: 'dispatched' },
  /** 退单: the department returns a case it does not own, before or after accepting it */
  hand_back: { from: ['dispatched', 'handling'], to: 'registered' },
  /** 改派: the centre gives a dispatched case to someone else */
  redispatch: { from: ['dispatched', 'handling'], to: 'dispatched' },
  accept: { from: ['dispatched'], to: 'handling' },
  feedback: { from: ['handling'], to: 'handled' },
  verify_pass: { from: ['handled'], to: 'verified' },
  /** rework (返工): back to the department, with a fresh handling limit */
  verify_fail: { from: ['handled'], to: 'handling' },
  close: { from: ['verified'], to: 'closed' },
};

export const FLAG_ACTIONS: readonly FlagAction[] = ['supervise', 'pause_sla', 'resume_sla', 'note', 'split', 'evaluate'];

export function isStageAction(action: string): action is StageAction {
  return Object.hasOwn(STAGE_TRANSITIONS, action);
}

export function isOpenStage(stage: Stage): boolean {
  return !TERMINAL_STAGES.includes(stage);
}

/** Why a flag action is refused in this state, or null when it is allowed. */
export function flagRefusal(incident: Incident, action: FlagAction): string | null {
  if (action === 'note') return null;
  if (action === 'evaluate') {
    // the callback follows closing; once the resident has answered, the verdict stands
    if (incident.stage !== 'closed') return `it is ${incident.stage}; the callback (回访) follows closing`;
    return incident.evaluation?.contacted ? 'the resident has already been called back and answered' : null;
  }
  if (!isOpenStage(incident.stage)) return `it is ${incident.stage}`;
  if (action === 'split' && (incident.reports?.count ?? 1) < 2) return 'it has no joined report to split off';
  if (action === 'pause_sla' && incident.sla.pausedAt !== null) return 'its SLA clock is already paused';
  if (action === 'resume_sla' && incident.sla.pausedAt === null) return 'its SLA clock is not paused';
  return null;
}

/** Every action the incident's stage and flags allow now (roles and regions are checked apart: access.ts). */
export function allowedActions(incident: Incident): IncidentAction[] {
  const out: IncidentAction[] = [];
  for (const [action, t] of Object.entries(STAGE_TRANSITIONS)) if (t.from.includes(incident.stage)) out.push(action as StageAction);
  for (const action of FLAG_ACTIONS) if (flagRefusal(incident, action) === null) out.push(action);
  return out;
}
