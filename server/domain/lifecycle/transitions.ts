/**
 * The closed loop as an explicit table: which action moves a case from which stage to which.
 * Flags (supervise, pause_sla, resume_sla) do not change the stage and are allowed in any open
 * stage, with the extra conditions in `flagRefusal`.
 */
import { HubError } from '@shared/errors';
import { TERMINAL_STAGES, type Incident, type IncidentAction, type Stage } from '@shared/schemas/incident';

export type StageAction = 'register' | 'reject' | 'dispatch' | 'accept' | 'feedback' | 'verify_pass' | 'verify_fail' | 'close';
export type FlagAction = Exclude<IncidentAction, StageAction>;

export const STAGE_TRANSITIONS: Readonly<Record<StageAction, { from: Stage; to: Stage }>> = {
  register: { from: 'reported', to: 'registered' },
  reject: { from: 'reported', to: 'rejected' },
  dispatch: { from: 'registered', to: 'dispatched' },
  accept: { from: 'dispatched', to: 'handling' },
  feedback: { from: 'handling', to: 'handled' },
  verify_pass: { from: 'handled', to: 'verified' },
  /** rework (返工): back to the department, with a fresh handling limit */
  verify_fail: { from: 'handled', to: 'handling' },
  close: { from: 'verified', to: 'closed' },
};

export const FLAG_ACTIONS: readonly FlagAction[] = ['supervise', 'pause_sla', 'resume_sla'];

export function isStageAction(action: string): action is StageAction {
  return Object.hasOwn(STAGE_TRANSITIONS, action);
}

export function isOpenStage(stage: Stage): boolean {
  return !TERMINAL_STAGES.includes(stage);
}

/** Why a flag action is refused in this state, or null when it is allowed. */
function flagRefusal(incident: Incident, action: FlagAction): string | null {
  if (!isOpenStage(incident.stage)) return `it is ${incident.stage}`;
  if (action === 'pause_sla' && incident.sla.pausedAt !== null) return 'its SLA clock is already paused';
  if (action === 'resume_sla' && incident.sla.pausedAt === null) return 'its SLA clock is not paused';
  return null;
}

/** Every action the incident accepts now (for consoles that grey out buttons). */
export function allowedActions(incident: Incident): IncidentAction[] {
  const out: IncidentAction[] = [];
  for (const [action, t] of Object.entries(STAGE_TRANSITIONS)) if (t.from === incident.stage) out.push(action as StageAction);
  for (const action of FLAG_ACTIONS) if (flagRefusal(incident, action) === null) out.push(action);
  return out;
}

/** The stage after `action`, or ILLEGAL_TRANSITION naming the action and the current stage. */
export function nextStageOrThrow(incident: Incident, action: IncidentAction): Stage {
  if (isStageAction(action)) {
    const t = STAGE_TRANSITIONS[action];
    if (t.from === incident.stage) return t.to;
    const hint = isOpenStage(incident.stage) ? `; ${action} is allowed only when it is ${t.from}` : '';
    throw illegal(incident, action, `it is ${incident.stage}${hint}`);
  }
  const refusal = flagRefusal(incident, action);
  if (refusal !== null) throw illegal(incident, action, refusal);
  return incident.stage;
}

function illegal(incident: Incident, action: IncidentAction, why: string): HubError {
  return new HubError('ILLEGAL_TRANSITION', `Cannot ${action} incident ${incident.id}: ${why}.`, {
    action,
    stage: incident.stage,
    allowed: allowedActions(incident),
  });
}
