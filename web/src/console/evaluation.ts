/**
 * The callback (回访) dialog's choices as a pure state: whether the resident was reached, whether
 * they consider the problem solved, and how satisfied they are — each picked explicitly (nothing
 * preset: a verdict nobody chose must never be recorded). Digit keys pick in one sweep: 1/2
 * reached or not, 3/4 solved or not, 5/6/7 satisfied, basically satisfied, dissatisfied; so a
 * typical call is "1 3 5 Enter". An unreachable resident is recorded as `{ contacted: false }`
 * alone (the hub counts it in neither rate, and the case may be called back again).
 */
import { SATISFACTION_LEVELS, type Evaluation, type Satisfaction } from '@shared/schemas/incident';

export interface EvaluationChoice {
  contacted: boolean | null;
  resolved: boolean | null;
  satisfaction: Satisfaction | null;
}

export const NO_CHOICE: EvaluationChoice = { contacted: null, resolved: null, satisfaction: null };

/** the digit that picks each option, as shown on it */
export const CONTACTED_KEYS = { true: '1', false: '2' } as const;
export const RESOLVED_KEYS = { true: '3', false: '4' } as const;
export const SATISFACTION_KEYS: Readonly<Record<Satisfaction, string>> = { satisfied: '5', basically_satisfied: '6', dissatisfied: '7' };

/** the choice after a digit key; null when the digit means nothing here */
export function pickByKey(choice: EvaluationChoice, key: string): EvaluationChoice | null {
  if (key === CONTACTED_KEYS.true) return { ...choice, contacted: true };
  if (key === CONTACTED_KEYS.false) return { ...choice, contacted: false };
  // solved and satisfaction are asked of a resident who was reached: a digit for them says so too
  if (key === RESOLVED_KEYS.true) return { ...choice, contacted: true, resolved: true };
  if (key === RESOLVED_KEYS.false) return { ...choice, contacted: true, resolved: false };
  const level = SATISFACTION_LEVELS.find((s) => SATISFACTION_KEYS[s] === key);
  return level ? { ...choice, contacted: true, satisfaction: level } : null;
}

/** what is still to be chosen before the answer can be sent, in the order the dialog asks */
export function missingChoice(choice: EvaluationChoice): 'contacted' | 'resolved' | 'satisfaction' | null {
  if (choice.contacted === null) return 'contacted';
  if (!choice.contacted) return null;
  if (choice.resolved === null) return 'resolved';
  if (choice.satisfaction === null) return 'satisfaction';
  return null;
}

/** the command's `evaluation`, or null while something is missing */
export function evaluationOf(choice: EvaluationChoice): Evaluation | null {
  if (missingChoice(choice) !== null) return null;
  if (!choice.contacted) return { contacted: false };
  return { contacted: true, resolved: choice.resolved!, satisfaction: choice.satisfaction! };
}
