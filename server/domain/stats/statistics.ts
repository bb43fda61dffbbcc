/**
 * The figures leaders read (DOMAIN.md), for one region and one time window, computed from the log.
 * Every formula is written down in docs/statistics.md. One pass over the incidents; the rosters are
 * counted separately.
 */
import { INCIDENT_SOURCES, TIMED_STAGES, type TimedStage } from '@shared/schemas/incident';
import type { Statistics, StageDuration } from '@shared/schemas/stats';
import { rate, summariseDurations } from './figures';
import { rankChildren } from './ranking';
import { cameraFigures, patrolFigures } from './rosters';
import { emptyTally, scanRecord, type Intake, type Tally } from './scanLog';
import type { StatsInput } from './types';

export const HOUR_MS = 3_600_000;
/** a window wider than this many buckets is refused: it would be a mistake, not a chart */
export const MAX_BUCKETS = 24 * 400;

export function computeStatistics(input: StatsInput): Statistics {
  const { window, asOf } = input;
  const bucketMs = input.hourBucketMs ?? HOUR_MS;
  if (!(window.from < window.to)) throw new RangeError('The statistics window must have from < to.');
  if (!(bucketMs > 0)) throw new RangeError('hourBucketMs must be positive.');
  const buckets = Math.ceil((window.to - window.from) / bucketMs);
  if (buckets > MAX_BUCKETS) throw new RangeError(`The window spans ${buckets} buckets; at most ${MAX_BUCKETS} are allowed.`);

  const intake: Intake = {
    total: 0,
    reports: 0,
    reportsBySource: Object.fromEntries(INCIDENT_SOURCES.map((s) => [s, 0])),
    bySource: Object.fromEntries(INCIDENT_SOURCES.map((s) => [s, 0])),
    byCategory: {},
    bySeverity: { '1': 0, '2': 0, '3': 0, '4': 0 },
    byHour: new Array<number>(buckets).fill(0),
  };
  const region = emptyTally();
  const childTallies = new Map<string, Tally>(input.children.map((c) => [c.code, emptyTally()]));
  const durations = Object.fromEntries(TIMED_STAGES.map((s) => [s, [] as number[]])) as Record<TimedStage, number[]>;
  const scanWindow = { from: window.from, to: window.to, asOf, bucketMs };

  for (const record of input.incidents) {
    const childCode = childTallies.size > 0 ? input.childOf(record.incident) : undefined;
    const child = childCode === undefined ? undefined : childTallies.get(childCode);
    scanRecord(record, scanWindow, { intake, region, child, durations });
  }

  const stageDurations: Record<string, StageDuration> = {};
  for (const stage of TIMED_STAGES) stageDurations[stage] = summariseDurations(durations[stage]);

  return {
    regionCode: input.regionCode,
    window: { from: window.from, to: window.to },
    asOf,
    intake,
    registered: region.registered,
    rejected: region.rejected,
    closed: region.closed,
    closedOnTime: region.closedOnTime,
    closureRate: rate(region.closed, region.registered),
    onTimeRate: rate(region.closedOnTime, region.closed),
    open: region.open,
    overdueOpen: region.overdueOpen,
    supervisedOpen: region.supervisedOpen,
    verifications: region.verifications,
    verificationFailures: region.verificationFailures,
    reworkRate: rate(region.verificationFailures, region.verifications),
    stageDurations,
    patrols: patrolFigures(input.patrols),
    cameras: cameraFigures(input.cameras),
    ranking: rankChildren(input.children, childTallies),
  };
}
