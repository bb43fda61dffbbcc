/**
 * The figures leaders read (DOMAIN.md), for one region and one time window, computed from the log.
 * Every formula is written down in docs/statistics.md. Cases are added one at a time to an
 * accumulator, so the same code serves the cases held in memory and a window read from the store
 * in pages; the rosters are counted separately.
 */
import { INCIDENT_SOURCES, TIMED_STAGES, type TimedStage } from '@shared/schemas/incident';
import type { GridRisk, Statistics, StageDuration } from '@shared/schemas/stats';
import { addTally, emptyTally, replayCase, resetTally, type CaseEnd, type Durations, type RegionSinks, type Tally } from './caseReplay';
import { rate, summariseDurations } from './figures';
import { rankUnits } from './ranking';
import { RiskTally } from './risk';
import { cameraFigures, patrolFigures } from './rosters';
import type { IncidentRecord, StatsInput } from './types';

export const HOUR_MS = 3_600_000;
/** a window wider than this many buckets is refused: it would be a mistake, not a chart */
export const MAX_BUCKETS = 24 * 400;

export type WindowOptions = Omit<StatsInput, 'incidents' | 'patrols' | 'cameras'>;

/** A window's figures, one case at a time. */
export interface StatsAccumulator {
  add(record: IncidentRecord): void;
  /**
   * the figures, and the risk map as of the window's end; the rosters' figures (on duty, online)
   * are the units' now, counted by the caller (rosters.ts, or the hub's tally kept as units change)
   */
  finish(rosters: Pick<Statistics, 'patrols' | 'cameras'>): { stats: Statistics; risk: GridRisk };
}

export function computeStatistics(input: StatsInput): Statistics {
  return computeWindow(input).stats;
}

export function computeWindow(input: StatsInput): { stats: Statistics; risk: GridRisk } {
  const acc = createStatsAccumulator(input);
  for (const record of input.incidents) acc.add(record);
  return acc.finish({ patrols: patrolFigures(input.patrols), cameras: cameraFigures(input.cameras) });
}

export function createStatsAccumulator(options: WindowOptions): StatsAccumulator {
  const { window, calendar } = options;
  const asOf = Math.min(options.asOf ?? window.to, window.to);
  const bucketMs = options.hourBucketMs ?? HOUR_MS;
  if (!(window.from < window.to)) throw new RangeError('The statistics window must have from < to.');
  if (!(bucketMs > 0)) throw new RangeError('hourBucketMs must be positive.');
  const buckets = Math.ceil((window.to - window.from) / bucketMs);
  if (buckets > MAX_BUCKETS) throw new RangeError(`The window spans ${buckets} buckets; at most ${MAX_BUCKETS} are allowed.`);

  const durations = (): Durations => ({ clock: [], working: [] });
  const sinks: RegionSinks = {
    intake: {
      total: 0,
      reports: 0,
      repeats: 0,
      reportsBySource: Object.fromEntries(INCIDENT_SOURCES.map((s) => [s, 0])),
      bySource: Object.fromEntries(INCIDENT_SOURCES.map((s) => [s, 0])),
      byCategory: {},
      bySeverity: { '1': 0, '2': 0, '3': 0, '4': 0 },
      byHour: new Array<number>(buckets).fill(0),
    },
    hotline: { responseDue: 0, respondedOnTime: 0, callbacks: 0, contacted: 0, resolved: 0, satisfied: 0, dissatisfied: 0 },
    stages: Object.fromEntries(TIMED_STAGES.map((s) => [s, durations()])) as Record<TimedStage, Durations>,
    timeToClose: durations(),
  };
  const region = emptyTally();
  const streets = new Map<string, Tally>(options.children.map((c) => [c.code, emptyTally()]));
  const departments = new Map<string, { name: string; tally: Tally }>();
  const risk = new RiskTally(asOf);
  const w = { from: window.from, to: window.to, asOf, bucketMs, calendar };
  const caseTally = emptyTally();
  const end: CaseEnd = { open: false, overdue: false, department: null };

  return {
    add({ incident, entries }) {
      // Exact shortcut: a case that ended before the window and has not changed since, or that
      // was reported after what is known, has no step in the window, is not open at its end, and
      // was due (if ever) before it. Most of what memory holds is such a case for "today".
      if (incident.reportedAt >= asOf || (incident.updatedAt < window.from && (incident.stage === 'closed' || incident.stage === 'rejected'))) return;
      resetTally(caseTally);
      replayCase(incident, entries, w, sinks, caseTally, end);
      addTally(region, caseTally);
      const street = streets.size > 0 ? streets.get(options.childOf(incident) ?? '') : undefined;
      if (street) addTally(street, caseTally);
      if (end.department) {
        let unit = departments.get(end.department.id);
        if (!unit) departments.set(end.department.id, (unit = { name: end.department.name, tally: emptyTally() }));
        addTally(unit.tally, caseTally);
      }
      if (end.open) risk.add(incident, end.overdue);
    },
    finish({ patrols, cameras }) {
      const stageDurations: Record<string, StageDuration> = {};
      for (const stage of TIMED_STAGES) stageDurations[stage] = summarise(sinks.stages[stage]);
      const h = sinks.hotline;
      const stats: Statistics = {
        regionCode: options.regionCode,
        window: { from: window.from, to: window.to },
        asOf,
        intake: sinks.intake,
        registered: region.registered,
        rejected: region.rejected,
        closed: region.closed,
        due: region.due,
        dueClosed: region.dueClosed,
        dueClosedOnTime: region.dueClosedOnTime,
        closureRate: rate(region.dueClosed, region.due),
        onTimeRate: rate(region.dueClosedOnTime, region.due),
        overdueInWindow: region.overdueInWindow,
        open: region.open,
        overdueOpen: region.overdueOpen,
        supervisedOpen: region.supervisedOpen,
        verifications: region.verifications,
        verificationFailures: region.verificationFailures,
        casesVerified: region.casesVerified,
        casesReworked: region.casesReworked,
        reworkRate: rate(region.casesReworked, region.casesVerified),
        stageDurations,
        timeToClose: summarise(sinks.timeToClose),
        hotline: {
          ...h,
          responseRate: rate(h.respondedOnTime, h.responseDue),
          resolutionRate: rate(h.resolved, h.contacted),
          satisfactionRate: rate(h.satisfied, h.contacted),
        },
        patrols,
        cameras,
        ranking: rankUnits(options.children.map(({ code, name }) => ({ code, name, tally: streets.get(code)! }))),
        departmentRanking: rankUnits([...departments].map(([code, { name, tally }]) => ({ code, name, tally }))),
      };
      // the risk map only when read: a large region's live figures discard it (its map is computed once, apart)
      let levels: GridRisk | null = null;
      return {
        stats,
        get risk() {
          return (levels ??= risk.levels());
        },
      };
    },
  };
}

function summarise(d: Durations): StageDuration {
  const clock = summariseDurations(d.clock);
  const working = summariseDurations(d.working);
  return { ...clock, workingMeanMs: working.meanMs, workingP90Ms: working.p90Ms };
}

