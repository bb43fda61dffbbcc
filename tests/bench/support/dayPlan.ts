/**
 * One local day of the simulated city, planned with the simulator's own pure functions (the
 * arrivals of each minute, the plan of each case, the video platform's false detections), so that
 * the day replayed over the hub's public paths has the volume and the mix the simulator would have
 * produced: sources, categories, duplicates and invalid reports, rework, supervision, SLA pauses,
 * callbacks. Only what happens within the day is kept: a step planned after midnight is not sent.
 *
 * Built in the loader's process (dayReplayLoader.ts) from the same seed and scale as the hub, so
 * camera ids, patrol ids and grid codes match the roster the hub stored.
 */
import { createBusinessCalendar, isWorkingDay, type BusinessCalendar } from '@shared/calendar';
import type { Patrol } from '@shared/schemas/patrol';
import type { VideoAlarmDecision, VideoAlarmReport } from '@shared/schemas/videoAlarm';
import { defaultSlaPolicy } from '../../../server/domain/lifecycle';
import { generateCity, type CityScale } from '../../../server/geo/generateCity';
import { arrivalsForMinute, type Arrival } from '../../../server/feeds/simulator/arrivals';
import { buildCaseEnv, planArrival } from '../../../server/feeds/simulator/cases';
import type { PlanStep } from '../../../server/feeds/simulator/planner';
import { dailyVolume } from '../../../server/feeds/simulator/profile';
import { generateRoster } from '../../../server/feeds/simulator/roster';
import { alarmReportOf, confirmOf, decisionDelay, dismissOf, falseAlarmReportOf } from '../../../server/feeds/simulator/videoAlarms';
import { buildWorld } from '../../../server/feeds/simulator/world';

export const DAY_MS = 86_400_000;
const MINUTE = 60_000;

/** how a case enters: a report, or a video-AI detection a duty operator confirms a few minutes later */
export type CaseOpening = { kind: 'report'; at: number } | { kind: 'alarm'; at: number; report: VideoAlarmReport; decideAt: number; decision: VideoAlarmDecision };

/** a case of the day: how it enters, then its planned steps within the day, in time order */
export interface DayCase {
  key: string;
  arrival: Arrival;
  opening: CaseOpening;
  steps: PlanStep[];
}

/** a false detection: raised, then dismissed with a reason */
export interface DayFalseAlarm {
  at: number;
  report: VideoAlarmReport;
  decideAt: number;
  decision: VideoAlarmDecision;
}

export interface DayPlan {
  /** the day's first millisecond (local midnight) */
  from: number;
  /** the region tree's root (the province, or the city) */
  rootCode: string;
  cases: DayCase[];
  falseAlarms: DayFalseAlarm[];
  /** the roster the hub generated from the same seed: positions go to these patrols */
  patrols: Patrol[];
  /** [lng, lat] of each patrol's grid centre, by idx */
  homes: Float64Array;
  grids: number;
  /** what the simulator's arrival model expects in a day at this scale */
  expectedDailyVolume: number;
}

/**
 * Local midnight of the last working day before the one `now` falls in: departments take and
 * finish cases on office hours (the SLA calendar), so a Sunday replayed would close almost nothing.
 */
export function lastWorkingDayStart(now: number, calendar: BusinessCalendar = createBusinessCalendar()): number {
  const offset = calendar.offsetMs;
  let from = Math.floor((now + offset) / DAY_MS) * DAY_MS - offset - DAY_MS;
  for (let i = 0; i < 14 && !isWorkingDay(from + DAY_MS / 2, calendar); i++) from -= DAY_MS;
  return from;
}

export function planDay(opts: { seed: string; scale: CityScale; from: number; tzOffsetMinutes?: number }): DayPlan {
  const tz = opts.tzOffsetMinutes ?? 480;
  const to = opts.from + DAY_MS;
  const regions = generateCity({ seed: opts.seed, scale: opts.scale });
  const world = buildWorld(regions, opts.seed);
  const { patrols, cameras } = generateRoster(world, opts.from, tz);
  const env = buildCaseEnv({ world, patrols, cameras, policy: defaultSlaPolicy(), dailyVolume: dailyVolume(world.grids.length, 1), tzOffsetMinutes: tz });

  const cases: DayCase[] = [];
  const falseAlarms: DayFalseAlarm[] = [];
  // minute after minute from the start, as the simulator does: duplicates refer to recent arrivals
  for (let minute = opts.from / MINUTE; minute * MINUTE < to; minute++) {
    const { arrivals, falseAlarms: detections } = arrivalsForMinute(minute, env.arrivals);
    for (const arrival of arrivals) {
      const steps = planArrival(arrival, env).filter((s) => s.at < to);
      const alarm = alarmReportOf(arrival);
      const opening: CaseOpening = alarm
        ? { kind: 'alarm', at: arrival.at, report: alarm, decideAt: arrival.at + decisionDelay(arrival.key), decision: confirmOf(arrival) }
        : { kind: 'report', at: arrival.at };
      // a confirmed alarm's case starts when the operator confirms it: its steps come after that
      if (opening.kind === 'alarm' && arrival.fate !== 'invalid') for (const s of steps) s.at = Math.max(s.at, opening.decideAt);
      if (opening.kind === 'alarm' && arrival.fate === 'invalid') {
        // an invalid detection is dismissed at the desk, not rejected as a case (as the simulator does)
        falseAlarms.push({ at: arrival.at, report: alarm!, decideAt: opening.decideAt, decision: dismissOf(arrival.key) });
        continue;
      }
      cases.push({ key: arrival.key, arrival, opening, steps });
    }
    for (const f of detections) {
      const seed = `${f.cameraId}/${f.at}`;
      falseAlarms.push({ at: f.at, report: falseAlarmReportOf(f), decideAt: f.at + decisionDelay(seed), decision: dismissOf(seed) });
    }
  }
  const homes = new Float64Array(patrols.length * 2);
  for (const p of patrols) {
    const bbox = world.byCode.get(p.gridCode)?.bbox;
    if (!bbox) continue;
    homes[2 * p.idx] = (bbox[0] + bbox[2]) / 2;
    homes[2 * p.idx + 1] = (bbox[1] + bbox[3]) / 2;
  }
  const rootCode = regions.find((r) => r.parentCode === null)!.code;
  return { from: opts.from, rootCode, cases, falseAlarms, patrols, homes, grids: world.grids.length, expectedDailyVolume: env.arrivals.dailyVolume };
}

/** what a day holds: cases by how they enter, steps by action */
export function dayCounts(plan: DayPlan): { cases: number; reports: number; confirmedAlarms: number; falseAlarms: number; steps: number; byAction: Record<string, number> } {
  const byAction: Record<string, number> = {};
  let steps = 0;
  let reports = 0;
  for (const c of plan.cases) {
    if (c.opening.kind === 'report') reports++;
    for (const s of c.steps) {
      byAction[s.action] = (byAction[s.action] ?? 0) + 1;
      steps++;
    }
  }
  return { cases: plan.cases.length, reports, confirmedAlarms: plan.cases.length - reports, falseAlarms: plan.falseAlarms.length, steps, byAction };
}
