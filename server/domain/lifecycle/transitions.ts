/**
 * The closed loop's table lives in shared/lifecycle.ts (consoles offer exactly what the hub takes);
 * this module adds the hub's side: the next stage of a command, or a refusal that names the
 * action, the stage and what is allowed instead.
 */
import { HubError } from '@shared/errors';
import { allowedActions, flagRefusal, isOpenStage, isStageAction, STAGE_TRANSITIONS } from '@shared/lifecycle';
import type { Incident, IncidentAction, Stage } from '@shared/schemas/incident';

export { allowedActions, FLAG_ACTIONS, isOpenStage, isStageAction, STAGE_TRANSITIONS, type FlagAction, type StageAction } from '@shared/lifecycle';

/** The stage after `action`, or ILLEGAL_TRANSITION naming the action and the current stage. */
export function nextStageOrThrow(incident: Incident, action: IncidentAction): Stage {
  if (isStageAction(action)) {
    const t = STAGE_TRANSITIONS[action];
    if (t.from.includes(incident.stage)) return t.to;
    const hint = isOpenStage(incident.stage) ? `; ${action} is allowed only when it is ${t.from.join(' or ')}` : '';
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
