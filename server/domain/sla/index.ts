/** SLA clocks: business calendar, time-limit policy, pause/resume and overdue. Pure, no I/O. */
export {
  addWorkingTime,
  CalendarConfigSchema,
  createBusinessCalendar,
  DEFAULT_CALENDAR_CONFIG,
  isWorkingDay,
  isWorkingTime,
  workingTimeBetween,
  WorkingWindowSchema,
  type BusinessCalendar,
  type CalendarConfig,
  type WorkingWindow,
} from './calendar';
export {
  describeLimit,
  FullStageLimitsSchema,
  limitToMs,
  natural,
  StageLimitsSchema,
  TimeLimitSchema,
  working,
  type FullStageLimits,
  type ResolvedLimit,
  type SlaClockKind,
  type StageLimits,
  type TimeLimit,
} from './limits';
export {
  caseDeadline,
  createSlaPolicy,
  DEFAULT_FAST_TRACK,
  deadlineFor,
  FastTrackRuleSchema,
  isFastTrack,
  resolveLimit,
  stageDeadline,
  type CategoryLimitsInput,
  type FastTrackRule,
  type SlaPolicy,
  type SlaSubject,
} from './policy';
export { isOverdue, resumeDeadline, type Resumption } from './clock';
