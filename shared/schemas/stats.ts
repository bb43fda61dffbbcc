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

const Rate = z.number().min(0).nullable(); // null when the denominator is zero

export const Counts = z.record(z.string(), z.number().int().min(0));

export const StageDuration = z.object({
  count: z.number().int().min(0),
  meanMs: z.number().min(0).nullable(),
  p90Ms: z.number().min(0).nullable(),
});
export type StageDuration = z.infer<typeof StageDuration>;

export const RankingRow = z.object({
  code: RegionCode,
  name: z.string(),
  registered: z.number().int().min(0),
  closed: z.number().int().min(0),
  closureRate: Rate,
  onTimeRate: Rate,
  overdueOpen: z.number().int().min(0),
  /** composite score 0–100, see docs/statistics.md */
  score: z.number().min(0).max(100),
  rank: z.number().int().min(1),
});
export type RankingRow = z.infer<typeof RankingRow>;

/** Every figure is defined in docs/statistics.md and computed from the event log. */
export const Statistics = z.object({
  regionCode: RegionCode,
  window: z.object({ from: EpochMs, to: EpochMs }),
  /** the instant "open" and "overdue" are evaluated at */
  asOf: EpochMs,
  intake: z.object({
    /** cases opened in the window */
    total: z.number().int().min(0),
    /** reports taken in the window, those joined to an open case included (duplicate fusion): ≥ total */
    reports: z.number().int().min(0).optional(),
    reportsBySource: Counts.optional(),
    bySource: Counts,
    byCategory: Counts,
    bySeverity: Counts,
    /** intake per hour bucket across the window, oldest first */
    byHour: z.array(z.number().int().min(0)),
  }),
  registered: z.number().int().min(0),
  rejected: z.number().int().min(0),
  closed: z.number().int().min(0),
  closedOnTime: z.number().int().min(0),
  closureRate: Rate,
  onTimeRate: Rate,
  open: z.number().int().min(0),
  overdueOpen: z.number().int().min(0),
  supervisedOpen: z.number().int().min(0),
  verifications: z.number().int().min(0),
  verificationFailures: z.number().int().min(0),
  reworkRate: Rate,
  stageDurations: z.record(z.string(), StageDuration),
  patrols: z.object({
    total: z.number().int().min(0),
    onShift: z.number().int().min(0),
    onDuty: z.number().int().min(0),
    responding: z.number().int().min(0),
    onDutyRate: Rate,
  }),
  cameras: z.object({
    total: z.number().int().min(0),
    online: z.number().int().min(0),
    offline: z.number().int().min(0),
    videoLost: z.number().int().min(0),
    fault: z.number().int().min(0),
    alarming: z.number().int().min(0),
    onlineRate: Rate,
  }),
  /** child regions (streets for a city or district) ranked; empty at community and grid level */
  ranking: z.array(RankingRow),
});
export type Statistics = z.infer<typeof Statistics>;

/** Risk level of every grid in the client's region that is not green. */
export const GridRisk = z.record(RegionCode, RiskLevel);
export type GridRisk = z.infer<typeof GridRisk>;
