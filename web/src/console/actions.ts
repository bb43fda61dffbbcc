/**
 * The steps the console offers and the command bodies it sends. Offered = what the case's stage
 * and flags allow (shared/lifecycle) ∩ what the role may do ∩ the user's region (shared/access):
 * the same tables the hub checks, so a button never leads to a refusal the console could have
 * foreseen. Bodies never carry `actor` or `at`: the hub takes both from the session and its clock.
 */
import { roleAllows, withinRegion } from '@shared/access';
import { allowedActions } from '@shared/lifecycle';
import type { User } from '@shared/schemas/auth';
import { IncidentCommand, type Assignee, type Evaluation, type Incident, type IncidentAction } from '@shared/schemas/incident';

/**
 * One key per action, shown on its button; pause and resume share z because only one is ever
 * offered. Written in display order (the loop's steps first, then the flags): being a Record over
 * every action, it is also the complete list the buttons are ordered by (ACTION_ORDER).
 */
export const ACTION_KEYS: Readonly<Record<IncidentAction, string>> = {
  register: 'r',
  reject: 'x',
  dispatch: 'd',
  accept: 'a',
  hand_back: 'b',
  redispatch: 'm',
  feedback: 'h',
  verify_pass: 'p',
  verify_fail: 'f',
  close: 'c',
  evaluate: 'e',
  supervise: 's',
  pause_sla: 'z',
  resume_sla: 'z',
  split: 'u',
  note: 'n',
};

/** display order of the buttons */
const ACTION_ORDER = Object.keys(ACTION_KEYS) as readonly IncidentAction[];

/** what a step needs before it is sent: nothing, a reason, a rejection, an assignee, which joined report, or the resident's answer */
export type DialogKind = 'none' | 'reason' | 'reject' | 'assignee' | 'split' | 'evaluate';

export const ACTION_DIALOG: Readonly<Record<IncidentAction, DialogKind>> = {
  register: 'none',
  reject: 'reject',
  dispatch: 'assignee',
  hand_back: 'reason',
  redispatch: 'assignee',
  accept: 'none',
  feedback: 'none',
  verify_pass: 'none',
  verify_fail: 'reason',
  close: 'none',
  evaluate: 'evaluate',
  supervise: 'none',
  pause_sla: 'reason',
  resume_sla: 'none',
  split: 'split',
  note: 'reason',
};

/** steps whose reason the hub requires: those whose command in the shared schema has a required note */
export const REASON_REQUIRED: ReadonlySet<IncidentAction> = new Set(IncidentCommand.options.filter((o) => !o.shape.note.isOptional()).map((o) => o.shape.action.value));

export function offeredActions(incident: Incident, user: User | null): IncidentAction[] {
  if (!user || user.disabled) return [];
  if (!withinRegion(user.regionCode, incident.regionPath)) return [];
  const allowed = new Set(allowedActions(incident));
  return ACTION_ORDER.filter((a) => allowed.has(a) && roleAllows(user.role, a));
}

/** the offered action bound to a key press, if any */
export function actionForKey(key: string, offered: readonly IncidentAction[]): IncidentAction | null {
  const k = key.toLowerCase();
  return offered.find((a) => ACTION_KEYS[a] === k) ?? null;
}

export interface CommandInput {
  note?: string;
  reason?: 'invalid' | 'duplicate';
  duplicateOf?: string;
  assignee?: Assignee;
  /** the report_joined entry to split off */
  reportSeq?: number;
  /** the resident's answer at the callback (回访) */
  evaluation?: Evaluation;
}

/**
 * The body of `incident:command` for one step, with `expectedVersion` so that a view that went
 * stale is refused (VERSION_CONFLICT) instead of acting on a case that moved on.
 */
export function buildCommand(action: IncidentAction, incident: Incident, input: CommandInput = {}): IncidentCommand {
  const expectedVersion = incident.version;
  const text = input.note?.trim() ?? '';
  const optionalNote = text ? { note: text } : {};
  switch (action) {
    case 'reject':
      return {
        action,
        reason: input.reason ?? 'invalid',
        ...(input.reason === 'duplicate' && input.duplicateOf?.trim() ? { duplicateOf: input.duplicateOf.trim() } : {}),
        note: text,
        expectedVersion,
      };
    case 'dispatch':
      return { action, assignee: requireAssignee(action, input), ...optionalNote, expectedVersion };
    case 'redispatch':
      return { action, assignee: requireAssignee(action, input), note: text, expectedVersion };
    case 'split':
      if (input.reportSeq === undefined) throw new Error('split needs the joined report (reportSeq)');
      return { action, reportSeq: input.reportSeq, note: text, expectedVersion };
    case 'evaluate':
      if (!input.evaluation) throw new Error('evaluate needs the resident\'s answer (evaluation)');
      return { action, evaluation: input.evaluation, ...optionalNote, expectedVersion };
    case 'hand_back':
    case 'verify_fail':
    case 'pause_sla':
    case 'note':
      return { action, note: text, expectedVersion };
    default:
      return { action, ...optionalNote, expectedVersion };
  }
}

function requireAssignee(action: IncidentAction, input: CommandInput): Assignee {
  if (!input.assignee) throw new Error(`${action} needs an assignee`);
  return input.assignee;
}
