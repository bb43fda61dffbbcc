/** The seven-step closed loop as a state machine over an append-only log. Pure, no I/O. */
export { applyCommand, type CommandContext, type CommandOrigin } from './commands';
export { defaultSlaPolicy } from './defaultPolicy';
export { assigneeIn, deadlineIn, initialIncidentIn, pausedMsIn, rejectionIn, type EntryData } from './entryData';
export { commandTime, FUTURE_TOLERANCE_MS, LIVE_REPORT_MAX_AGE_MS, refuseStaleReport } from './eventTime';
export { evolve, replay } from './evolve';
export { detectOverdue, SLA_ACTOR } from './overdue';
export { maskPhone, reportIncident, type ReportContext } from './report';
export { joinedReportIn, joinReport, splitReport, type SplitContext } from './fusion';
export {
  allowedActions,
  FLAG_ACTIONS,
  isOpenStage,
  isStageAction,
  nextStageOrThrow,
  STAGE_TRANSITIONS,
  type FlagAction,
  type StageAction,
} from './transitions';
export type { Decision, EntryDraft } from './types';
