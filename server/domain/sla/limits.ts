/**
 * Time limits (时限) of the timed stages. A limit runs either on the natural clock (every minute
 * counts: public order at night) or on the working clock of the business calendar (CJ/T 315
 * tables: "exposed garbage 4 working hours"). A working day is the calendar's `workingDayMs`
 * (7.5 h by default), so "20 working days" is 150 working hours: one unit for the clock, for
 * pauses and for fast-track shortening.
 */
import { z } from 'zod';
import { TIMED_STAGES, type TimedStage } from '@shared/schemas/incident';
import type { BusinessCalendar } from './calendar';

export const TIME_LIMIT_UNITS = ['minutes', 'hours', 'days'] as const;
export type SlaClockKind = 'natural' | 'working';

export const TimeLimitSchema = z.object({
  clock: z.enum(['natural', 'working']),
  amount: z.number().positive().max(100_000),
  unit: z.enum(TIME_LIMIT_UNITS),
});
export type TimeLimit = z.infer<typeof TimeLimitSchema>;

/** Limits of some timed stages (an override) … */
export const StageLimitsSchema = z.partialRecord(z.enum(TIMED_STAGES), TimeLimitSchema);
export type StageLimits = z.infer<typeof StageLimitsSchema>;
/** … and of every timed stage (the defaults). */
export const FullStageLimitsSchema = z.record(z.enum(TIMED_STAGES), TimeLimitSchema);
export type FullStageLimits = Record<TimedStage, TimeLimit>;

/** A limit reduced to milliseconds on one clock. */
export interface ResolvedLimit {
  clock: SlaClockKind;
  ms: number;
}

const MINUTE = 60_000;

export function limitToMs(limit: TimeLimit, cal: BusinessCalendar): number {
  switch (limit.unit) {
    case 'minutes':
      return Math.round(limit.amount * MINUTE);
    case 'hours':
      return Math.round(limit.amount * 60 * MINUTE);
    case 'days':
      return Math.round(limit.amount * (limit.clock === 'working' ? cal.workingDayMs : 1440 * MINUTE));
  }
}

export const natural = (amount: number, unit: TimeLimit['unit']): TimeLimit => ({ clock: 'natural', amount, unit });
export const working = (amount: number, unit: TimeLimit['unit']): TimeLimit => ({ clock: 'working', amount, unit });

/** "4 working hours", "30 natural minutes": for logs and docs */
export function describeLimit(limit: TimeLimit): string {
  return `${limit.amount} ${limit.clock} ${limit.amount === 1 ? limit.unit.slice(0, -1) : limit.unit}`;
}
