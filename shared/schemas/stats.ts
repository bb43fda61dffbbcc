import { z } from 'zod';
import { EpochMs, RegionCode } from './common';

/** The five-colour risk map (五色图): 0 green, 1 blue, 2 yellow, 3 orange, 4 red. */
export const RISK_LEVELS = ['green', 'blue', 'yellow', 'orange', 'red'] as const;
export const RiskLevel = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const TimeWindow = z
  .object({ from: EpochMs, to: EpochMs })
  .refine((w) => w.from < w.to, { message: 'from must be before to' });
export type TimeWindow = z.infer<typeof TimeWindow>;

/** a share: 0 … 1, null when its denominator is zero (no basis for a rate) */
const Rate = z.number().min(0).max(1).nullable();
const Count = z.number().int().min(0);

/**
 * Below this many cases in a rate's denominator a wall shows the counts and "too few cases"
 * instead of a percentage: 2 of 3 read as 67 % from across the room is noise, not a figure.
 */
export const MIN_RATE_BASE = 10;

export const Counts = z.record(z.string(), Count);

/** durations of stage visits (or of whole cases), on the clock and in working time */
export const StageDuration = z.object({
  count: Count,
  meanMs: z.number().min(0).nullable(),
  p90Ms: z.number().min(0).nullable(),
  /** the same durations counted in working time of the centre's calendar (absent on older hubs) */
  workingMeanMs: z.number().min(0).nullable().optional(),
  workingP90Ms: z.number().min(0).nullable().optional(),
});
export type StageDuration = z.infer<typeof StageDuration>;

/** One ranked unit: a street (region code) or a handling department (its id). */
export const RankingRow = z.object({
  code: z.string().min(1).max(64),
  name: z.string(),
  registered: Count,
  /** cases due in the window (应结案) */
  due: Count,
  /** of those, closed by the end of the window, and closed by their due time */
  dueClosed: Count,
  dueClosedOnTime: Count,
  closureRate: Rate,
  onTimeRate: Rate,
  overdueOpen: Count,
  /** composite score 0–100, see docs/statistics.md */
  score: z.number().min(0).max(100),
  rank: z.number().int().min(1),
});
export type RankingRow = z.infer<typeof RankingRow>;

/** 12345's three rates (三率) for hotline cases, docs/statistics.md */
export const HotlineFigures = z.object({
  /**
   * dispatch orders (each visit to `dispatched`) of hotline cases due for the department's answer
   * in the window: ended, or past their limit, in it — an order re-dispatched before its limit is
   * withdrawn and not counted …
   */
  responseDue: Count,
  /** … and of those, answered within the limit: 签收 accept or 退单 hand_back */
  respondedOnTime: Count,
  responseRate: Rate,
  /** callbacks (回访) in the window; unreachable residents count here only */
  callbacks: Count,
  contacted: Count,
  resolved: Count,
  /** satisfied or basically satisfied */
  satisfied: Count,
  dissatisfied: Count,
  resolutionRate: Rate,
  satisfactionRate: Rate,
});
export type HotlineFigures = z.infer<typeof HotlineFigures>;

/** Every figure is defined in docs/statistics.md and computed from the event log. */
export const Statistics = z.object({
  regionCode: RegionCode,
  /** half-open: from inclusive, to exclusive */
  window: z.object({ from: EpochMs, to: EpochMs }),
  /** the end of what is known: entries before it count; stock figures (open, overdue) are as of it */
  asOf: EpochMs,
  intake: z.object({
    /** cases opened in the window (reports that did not join an open case) */
    total: Count,
    /** reports taken in the window, those joined to an open case included (duplicate fusion): ≥ total */
    reports: Count.optional(),
    /** repeats: reports joined to an open case plus reports rejected as duplicates, in the window */
    repeats: Count.optional(),
    reportsBySource: Counts.optional(),
    bySource: Counts,
    byCategory: Counts,
    bySeverity: Counts,
    /** intake per hour bucket across the window, oldest first */
    byHour: z.array(Count),
  }),
  registered: Count,
  rejected: Count,
  /** close steps in the window (a flow: some of these cases were due earlier) */
  closed: Count,
  /** cases due in the window (应结案): closed in it before their due time, or due time in it */
  due: Count,
  dueClosed: Count,
  dueClosedOnTime: Count,
  /** 结案率 = dueClosed ÷ due */
  closureRate: Rate,
  /** 按期结案率 = dueClosedOnTime ÷ due */
  onTimeRate: Rate,
  /** cases that missed a deadline (a stage's or their own) inside the window */
  overdueInWindow: Count,
  open: Count,
  overdueOpen: Count,
  supervisedOpen: Count,
  verifications: Count,
  verificationFailures: Count,
  /** cases verified in the window, and of them those that failed at least once in it */
  casesVerified: Count,
  casesReworked: Count,
  /** 返工率 = casesReworked ÷ casesVerified */
  reworkRate: Rate,
  stageDurations: z.record(z.string(), StageDuration),
  /** reported → closed, for cases closed in the window */
  timeToClose: StageDuration,
  hotline: HotlineFigures,
  patrols: z.object({
    total: Count,
    onShift: Count,
    onDuty: Count,
    responding: Count,
    onDutyRate: Rate,
  }),
  cameras: z.object({
    total: Count,
    online: Count,
    offline: Count,
    videoLost: Count,
    fault: Count,
    alarming: Count,
    onlineRate: Rate,
  }),
  /** child regions (streets for a city or district) ranked; empty at community and grid level */
  ranking: z.array(RankingRow),
  /** handling departments of the region's cases ranked (never individual workers or patrols) */
  departmentRanking: z.array(RankingRow),
});
export type Statistics = z.infer<typeof Statistics>;

/** Risk level of every grid in the client's region that is not green. */
export const GridRisk = z.record(RegionCode, RiskLevel);
export type GridRisk = z.infer<typeof GridRisk>;
