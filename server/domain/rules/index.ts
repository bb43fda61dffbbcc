/**
 * Trigger → action rules (issue 16 part 4, docs/rules.md), pure: the rules file's schema and the
 * shipped defaults, matching a trigger (a case reported, an AI camera alarm queued, a case overdue
 * by more than H working hours) against the rules, merging the matches into what one alert does,
 * the once-only bookkeeping of overdue rules, and loading the file at start (RulesError names the
 * bad rule). The hub raises the alerts, starts the focus and sounds; nothing here does I/O except
 * readRulesFile.
 */
export {
  ActionsSchema,
  CameraAlarmTriggerSchema,
  CaseTriggerSchema,
  MAX_OVERDUE_WORKING_HOURS,
  MAX_RULES,
  OverdueTriggerSchema,
  RuleId,
  RuleSchema,
  RulesFileSchema,
  TriggerSchema,
  type CameraAlarmTriggerCondition,
  type CaseTriggerCondition,
  type OverdueTriggerCondition,
  type Rule,
  type RuleActions,
  type RuleInput,
  type RulesFile,
  type RulesFileInput,
  type TriggerCondition,
} from './schema';
export { DEFAULT_RULES } from './defaults';
export { matchRules, mergeMatches, type MergedActions, type OverdueTrigger, type RuleMatch, type Trigger } from './match';
export { dueOverdueRules, firedOverdueKeys, overdueFiringKey, overdueThresholds, overdueWorkingHours } from './overdue';
export { cameraAlarmTriggerOf, caseTriggerOf, overdueTriggerOf } from './triggers';
export { loadRules, readRulesFile, RulesError, type KnownCodes } from './load';
