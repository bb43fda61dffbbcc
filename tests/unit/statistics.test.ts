import { describe, expect, it } from 'vitest';
import type { Camera } from '@shared/schemas/camera';
import type { TimedStage } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import { Statistics } from '@shared/schemas/stats';
import { applyCommand } from '../../server/domain/lifecycle';
import { createBusinessCalendar, createSlaPolicy, natural, working } from '../../server/domain/sla';
import { compositeScore, computeStatistics, computeWindow, rankUnits, summariseDurations, type StatsInput } from '../../server/domain/stats';
import { emptyTally } from '../../server/domain/stats/caseReplay';
import { buildCase, type CaseSpec, type CaseStep } from '../support/statsCases';

/** Local time at +08:00 on Sunday 22 / Monday 23 / Tuesday 24 November 2026. */
const cst = (day: number, hh: number, mm = 0, month = 11) => Date.UTC(2026, month - 1, day, hh - 8, mm);
const MIN = 60_000;
const H = 60 * MIN;

// Every limit is one natural hour, so deadlines can be worked out by hand: a stage is due an hour
// after it was entered, and a case is due (closeBy) five hours after it was registered.
const hour = natural(1, 'hours');
const calendar = createBusinessCalendar(); // Mon–Fri 08:30–12:00, 13:30–17:30 at +08:00
const policy = createSlaPolicy(
  {
    defaultLimits: { reported: hour, registered: hour, dispatched: hour, handling: hour, handled: hour, verified: hour },
    categories: [{ code: 'sanitation' }, { code: 'traffic' }],
  },
  { calendar },
);

const record = (id: string, street: string, reported: { at: number; source: string; category: string; severity?: number }, steps: CaseStep[] = []) =>
  buildCase({ id, street, ...reported, steps } as CaseSpec, policy);

const LOOP = ['register', 'dispatch', 'accept', 'feedback', 'verify_pass', 'close'] as const;
/** the loop's steps on one day at the given local times (as many as times are given) */
const loop = (day: number, times: [number, number][]): CaseStep[] => times.map(([hh, mm], i) => [LOOP[i]!, cst(day, hh, mm)]);

// The worked example of docs/statistics.md: window Monday 00:00–24:00, known until Monday 18:00.
const A = record('A', 'S1', { at: cst(23, 9), source: 'patrol', category: 'sanitation' },
  loop(23, [[9, 30], [10, 0], [10, 30], [11, 0], [11, 30], [12, 0]]));
const B = record('B', 'S1', { at: cst(23, 9), source: 'hotline', category: 'sanitation', severity: 2 }, [
  ['register', cst(23, 10, 30)], ['dispatch', cst(23, 11)], ['accept', cst(23, 11, 10)], ['feedback', cst(23, 11, 20)],
  ['verify_fail', cst(23, 11, 30)], ['feedback', cst(23, 12)], ['verify_pass', cst(23, 12, 10)], ['close', cst(23, 12, 20)],
  ['evaluate', cst(23, 13)],
]);
const C = record('C', 'S2', { at: cst(23, 10), source: 'video_ai', category: 'traffic' }, [['reject', cst(23, 10, 10)]]);
const D = record('D', 'S2', { at: cst(23, 14), source: 'hotline', category: 'traffic' }, [
  ['register', cst(23, 14, 20)], ['dispatch', cst(23, 14, 40)], ['supervise', cst(23, 15)],
]);
const E = record('E', 'S1', { at: cst(22, 20), source: 'patrol', category: 'sanitation' },
  [...loop(22, [[20, 30], [21, 0], [21, 30], [22, 0], [22, 30]]), ['close', cst(23, 8)]]);
const F = record('F', 'S2', { at: cst(23, 17), source: 'sensor', category: 'sanitation' }, [['register', cst(23, 17, 10)]]);
const G = record('G', 'S2', { at: cst(23, 16), source: 'patrol', category: 'traffic' }, [['pause_sla', cst(23, 16, 30)]]);
const Hr = record('H', 'S1', { at: cst(23, 19), source: 'open311', category: 'sanitation' });
const I = record('I', 'S1', { at: cst(23, 23, 30), source: 'department', category: 'sanitation' }, [['register', cst(24, 0, 10)]]);
const J = record('J', 'S2', { at: cst(23, 7), source: 'patrol', category: 'sanitation' }, loop(23, [[7, 30], [8, 0], [8, 20]]));

const patrols = (['on_duty', 'on_duty', 'responding', 'offline', 'off_duty', 'off_duty'] as const).map(
  (status, idx): Patrol => ({ id: `p${idx}`, idx, name: `P${idx}`, kind: 'worker', role: 'grid_manager', gridCode: 'S1-G1', status, statusSince: 0, lng: null, lat: null, fixAt: null }),
);
const cameras = (['online', 'online', 'online', 'offline', 'video_lost', 'fault'] as const).map(
  (status, i): Camera => ({ id: `c${i}`, gbId: null, name: `C${i}`, gridCode: 'S1-G1', lng: 121.5, lat: 29.8, status, statusSince: 0, alarm: i === 0 ? { type: 'garbage', at: 0 } : null, owner: 'city' }),
);

function input(over: Partial<StatsInput> = {}): StatsInput {
  return {
    regionCode: 'D1', window: { from: cst(23, 0), to: cst(24, 0) }, asOf: cst(23, 18), calendar,
    incidents: [A, B, C, D, E, F, G, Hr, I, J], patrols, cameras,
    children: [{ code: 'S1', name: 'Street 1' }, { code: 'S2', name: 'Street 2' }, { code: 'S3', name: 'Street 3' }],
    childOf: (incident) => incident.regionPath[1], ...over,
  };
}

describe('computeStatistics — the worked example', () => {
  const { stats, risk } = computeWindow(input());

  it('matches the shared schema', () => {
    expect(Statistics.safeParse(stats).error?.issues).toBeUndefined();
  });

  it('counts intake by source, category, severity and hour (reports in the window only)', () => {
    // E was reported on Sunday; H (19:00) and I (23:30) come after 18:00, the end of what is known
    expect(stats.intake.total).toBe(7);
    expect(stats.intake.bySource).toEqual({ patrol: 3, hotline: 2, video_ai: 1, sensor: 1, open311: 0, department: 0 });
    expect(stats.intake.byCategory).toEqual({ sanitation: 4, traffic: 3 });
    expect(stats.intake.bySeverity).toEqual({ '1': 6, '2': 1, '3': 0, '4': 0 });
    const hours = new Array(24).fill(0);
    Object.assign(hours, { 7: 1, 9: 2, 10: 1, 14: 1, 16: 1, 17: 1 });
    expect(stats.intake.byHour).toEqual(hours);
  });

  it('takes the closure and on-time rates over the cases due (应结案), never above 1', () => {
    expect(stats.registered).toBe(5); // A B D F J; E registered on Sunday, I on Tuesday
    expect(stats.rejected).toBe(1);
    expect(stats.closed).toBe(3); // close steps today: A B E
    // due today: A and B closed before their due time, E due at 01:30 (closed late at 08:00),
    // J due at 12:30 and still open; D (due 19:20) and F (22:10) are not due yet at 18:00
    expect([stats.due, stats.dueClosed, stats.dueClosedOnTime]).toEqual([4, 3, 2]);
    expect(stats.closureRate).toBe(0.75);
    expect(stats.onTimeRate).toBe(0.5);
  });

  it('evaluates open, overdue and supervised at the end of what is known', () => {
    expect(stats.open).toBe(4); // D F G J; H and I do not exist yet at 18:00
    expect(stats.overdueOpen).toBe(2); // D (due 15:40), J (09:20); F due 18:10; G paused before its deadline
    expect(stats.supervisedOpen).toBe(1);
    // missed a deadline today: B (registered 10:30, due 10:00), D (15:40), E (its own 01:30), J (09:20)
    expect(stats.overdueInWindow).toBe(4);
  });

  it('computes the rework rate per case', () => {
    expect([stats.verifications, stats.verificationFailures]).toEqual([3, 1]);
    expect([stats.casesVerified, stats.casesReworked]).toEqual([2, 1]); // A; B failed once
    expect(stats.reworkRate).toBe(0.5);
  });

  it('summarises stage durations of exits in the window, on the clock and in working time', () => {
    const expected: Record<TimedStage, [number, number, number]> = {
      reported: [6, 1_900_000, 90 * MIN], // 30 90 10 20 10 30
      registered: [4, 1_650_000, 30 * MIN], // 30 30 20 30
      dispatched: [3, 20 * MIN, 30 * MIN], // 30 10 20
      handling: [3, 1_400_000, 30 * MIN], // 30 10 30
      handled: [3, 1_000_000, 30 * MIN], // 30 10 10
      verified: [3, 12_200_000, 570 * MIN], // 30 10 570 (E: Sun 22:30 → Mon 08:00)
    };
    for (const [stage, [count, meanMs, p90Ms]] of Object.entries(expected)) {
      expect(stats.stageDurations[stage], stage).toMatchObject({ count, meanMs, p90Ms });
    }
    // J waited 07:00–07:30 before office hours: no working time; E's verification spanned the night
    expect(stats.stageDurations.reported!.workingMeanMs).toBe(Math.round(((30 + 90 + 10 + 20 + 10 + 0) * MIN) / 6));
    expect(stats.stageDurations.verified!.workingP90Ms).toBe(30 * MIN);
    // reported → closed: A 3 h, B 3 h 20 (of which 20 min in the lunch break), E 12 h overnight (no working time)
    expect(stats.timeToClose).toEqual({ count: 3, meanMs: 22_000_000, p90Ms: 12 * H, workingMeanMs: 2 * H, workingP90Ms: 3 * H });
  });

  it('gives 12345\'s three rates for hotline cases', () => {
    // B was accepted 10 min after dispatch; D's order (due 15:40) is still not accepted
    expect(stats.hotline).toMatchObject({ responseDue: 2, respondedOnTime: 1, responseRate: 0.5 });
    expect(stats.hotline).toMatchObject({ callbacks: 1, contacted: 1, resolved: 1, satisfied: 1, dissatisfied: 0, resolutionRate: 1, satisfactionRate: 1 });
  });

  it('counts patrols on shift and cameras online', () => {
    expect(stats.patrols).toEqual({ total: 6, onShift: 4, onDuty: 2, responding: 1, onDutyRate: 0.75 });
    expect(stats.cameras).toEqual({ total: 6, online: 3, offline: 1, videoLost: 1, fault: 1, alarming: 1, onlineRate: 0.5 });
  });

  it('ranks streets and handling departments by composite score', () => {
    const row = (code: string, name: string, registered: number, due: number, dueClosed: number, dueClosedOnTime: number, overdueOpen: number, score: number, rank: number) => ({
      code, name, registered, due, dueClosed, dueClosedOnTime,
      closureRate: due ? dueClosed / due : null, onTimeRate: due ? dueClosedOnTime / due : null, overdueOpen, score, rank,
    });
    expect(stats.ranking).toEqual([
      row('S3', 'Street 3', 0, 0, 0, 0, 0, 100, 1), // nothing due or open
      row('S1', 'Street 1', 2, 3, 3, 2, 0, 83.3, 2), // (40·1 + 40·⅔) ÷ 80
      row('S2', 'Street 2', 3, 1, 0, 0, 2, 10, 3), // (0 + 0 + 20·(1 − 2/4)) ÷ 100
    ]);
    // every dispatched case went to "Dept": A B E J due (3 closed, 2 on time), D and J open and overdue
    expect(stats.departmentRanking).toEqual([row('dept', 'Dept', 4, 4, 3, 2, 2, 50, 1)]);
  });

  it('colours the risk map as of the window end', () => {
    // S2-G1 at 18:00: D 1·(1 + 4/72) + 2, F 1 + 1/72, G 1 + 2/72, J 1·(1 + 11/72) + 2 = 8.25 → orange
    expect(risk).toEqual({ 'S2-G1': 3 });
  });
});

describe('computeStatistics — window edges, pauses, repeats', () => {
  const only = (...incidents: StatsInput['incidents']) => computeStatistics(input({ incidents }));

  it('evaluates the state at an earlier end of knowledge from the log', () => {
    const stats = computeStatistics(input({ asOf: cst(23, 11, 15) }));
    expect([stats.open, stats.overdueOpen, stats.supervisedOpen]).toEqual([3, 1, 0]); // A handled, B handling, J handling (due 09:20)
    expect(stats.closed).toBe(1); // E at 08:00; A and B close later
  });

  it('does not depend on when the sweeper ran', () => {
    const swept = record('D', 'S2', { at: cst(23, 14), source: 'hotline', category: 'traffic' }, [
      ['register', cst(23, 14, 20)], ['dispatch', cst(23, 14, 40)], ['supervise', cst(23, 15)], ['sweep', cst(23, 17, 55)],
    ]);
    expect(computeStatistics(input({ incidents: [A, B, C, swept, E, F, G, Hr, I, J] }))).toEqual(computeStatistics(input()));
  });

  it('counts a case due at the first instant of a window and not at its end (half-open [from, to))', () => {
    // registered Monday 19:00 → due at midnight exactly; left open
    const atMidnight = record('M', 'S1', { at: cst(23, 18, 50), source: 'patrol', category: 'sanitation' }, [['register', cst(23, 19)]]);
    const monday = only(atMidnight); // window Monday, asOf 18:00: not even registered yet
    expect(monday.due).toBe(0);
    const mondayWhole = computeStatistics(input({ incidents: [atMidnight], asOf: cst(24, 0) }));
    expect([mondayWhole.due, mondayWhole.registered]).toEqual([0, 1]);
    const tuesday = computeStatistics(input({ incidents: [atMidnight], window: { from: cst(24, 0), to: cst(25, 0) }, asOf: cst(24, 9) }));
    expect([tuesday.due, tuesday.dueClosed, tuesday.closureRate, tuesday.overdueInWindow]).toEqual([1, 0, 0, 1]);
  });

  it('never raises a later window with a late case: it was due, and open, in the window of its due time', () => {
    // registered 09:00, due 14:00, closed Tuesday 10:00
    const late = record('L', 'S1', { at: cst(23, 8), source: 'patrol', category: 'sanitation' }, [
      ...loop(23, [[9, 0], [9, 30], [10, 0], [10, 30], [11, 0]]), ['close', cst(24, 10)],
    ]);
    const monday = computeStatistics(input({ incidents: [late], asOf: cst(24, 0) }));
    expect([monday.due, monday.dueClosed, monday.closed]).toEqual([1, 0, 0]);
    // a past window is as of its end: Tuesday's close does not reach back into Monday
    const mondayLater = computeStatistics(input({ incidents: [late], asOf: cst(24, 0) }));
    expect(mondayLater).toEqual(monday);
    const tuesday = computeStatistics(input({ incidents: [late], window: { from: cst(24, 0), to: cst(25, 0) }, asOf: cst(25, 0) }));
    expect([tuesday.due, tuesday.closed, tuesday.closureRate]).toEqual([0, 1, null]);
  });

  it('moves the due time by a pause, so waiting for the resident is not the department\'s delay', () => {
    // registered 09:00 (due 14:00), paused 10:00–13:00 → due 17:00; closed 16:00 on time
    const paused = record('P', 'S1', { at: cst(23, 8, 50), source: 'patrol', category: 'sanitation' }, [
      ['register', cst(23, 9)], ['dispatch', cst(23, 9, 30)], ['pause_sla', cst(23, 10)], ['resume_sla', cst(23, 13)],
      ['accept', cst(23, 13, 30)], ['feedback', cst(23, 14)], ['verify_pass', cst(23, 15)], ['close', cst(23, 16)],
    ]);
    expect(paused.incident.closeBy).toBe(cst(23, 17));
    const stats = computeStatistics(input({ incidents: [paused], asOf: cst(24, 0) }));
    expect([stats.due, stats.dueClosed, stats.dueClosedOnTime, stats.overdueInWindow]).toEqual([1, 1, 1, 0]);
    // still paused at its old due time: not due yet
    const stillPaused = record('Q', 'S1', { at: cst(23, 8, 50), source: 'patrol', category: 'sanitation' }, [
      ['register', cst(23, 9)], ['pause_sla', cst(23, 10)],
    ]);
    expect(computeStatistics(input({ incidents: [stillPaused], asOf: cst(24, 0) })).due).toBe(0);
  });

  it('does not count rejected reports as due, and counts repeats apart from cases', () => {
    const original = record('O', 'S1', { at: cst(23, 9), source: 'patrol', category: 'sanitation' }, [
      ['join', cst(23, 9, 10), { source: 'hotline' }], ['join', cst(23, 9, 20), { source: 'video_ai' }], ['register', cst(23, 9, 30)],
    ]);
    const dup = record('R', 'S1', { at: cst(23, 9, 15), source: 'hotline', category: 'sanitation' }, [
      ['reject', cst(23, 9, 25), { reason: 'duplicate', duplicateOf: 'O' }],
    ]);
    const stats = computeStatistics(input({ incidents: [original, dup], asOf: cst(24, 0) }));
    expect([stats.intake.total, stats.intake.reports, stats.intake.repeats]).toEqual([2, 4, 3]);
    expect(stats.intake.reportsBySource).toMatchObject({ patrol: 1, hotline: 2, video_ai: 1 });
    expect([stats.registered, stats.rejected, stats.due]).toEqual([1, 1, 1]); // O due at 14:30, open
  });

  it('keeps an imported due time as given', () => {
    const given = cst(23, 20);
    const imported = buildCase({ id: 'Y', street: 'S1', at: cst(23, 8), source: 'hotline', category: 'sanitation' }, policy);
    expect(imported.incident.closeBy).toBeUndefined();
    // the origin's closeBy is what an import passes on its register step
    const reg = applyCommand(imported.incident, { action: 'register' }, { actor: { kind: 'system', id: 'import' } as const, at: cst(23, 9), closeBy: given }, { now: cst(23, 9), policy });
    expect(reg.incident.closeBy).toBe(given);
    expect(reg.entry.data).toMatchObject({ closeBy: given });
  });

  it('gives null rates when nothing happened, and intake buckets of any width', () => {
    const stats = computeStatistics(input({ incidents: [], patrols: [], cameras: [], children: [], hourBucketMs: 6 * H }));
    expect(stats.intake.byHour).toEqual([0, 0, 0, 0]);
    expect([stats.closureRate, stats.onTimeRate, stats.reworkRate, stats.patrols.onDutyRate, stats.cameras.onlineRate]).toEqual([null, null, null, null, null]);
    expect(stats.hotline.responseRate).toBeNull();
    expect(stats.stageDurations.handling).toEqual({ count: 0, meanMs: null, p90Ms: null, workingMeanMs: null, workingP90Ms: null });
    expect(stats.ranking).toEqual([]);
    expect(stats.departmentRanking).toEqual([]);
  });

  it('refuses an empty window', () => {
    expect(() => computeStatistics(input({ window: { from: cst(23, 0), to: cst(23, 0) } }))).toThrow(RangeError);
  });
});

describe('the centre\'s calendar: a holiday week and a make-up Saturday', () => {
  // 2026: 1–7 October holidays (国庆), Saturday 10 October worked (调休); limits 1 working hour each
  const holidayCalendar = createBusinessCalendar({
    utcOffsetMinutes: 480,
    weekly: [[], ...Array.from({ length: 5 }, () => [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:30' }]), []],
    holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
    makeUpDays: ['2026-10-10'],
  });
  const wh = working(1, 'hours');
  const holidayPolicy = createSlaPolicy(
    { defaultLimits: { reported: wh, registered: wh, dispatched: wh, handling: wh, handled: wh, verified: wh }, categories: [{ code: 'sanitation' }] },
    { calendar: holidayCalendar },
  );
  const oct = (day: number, hh: number, mm = 0) => cst(day, hh, mm, 10);
  const stats = (incidents: StatsInput['incidents'], from: number, to: number, asOf = to) =>
    computeStatistics(input({ incidents, window: { from, to }, asOf, calendar: holidayCalendar }));

  it('runs the due time over the holidays: registered Wednesday 30 September 17:00, due Thursday 8 October 14:30', () => {
    const c = buildCase({ id: 'H1', street: 'S1', at: cst(30, 16, 50, 9), source: 'hotline', category: 'sanitation', steps: [['register', cst(30, 17, 0, 9)]] }, holidayPolicy);
    expect(c.incident.closeBy).toBe(oct(8, 14, 30)); // 30 min on the 30th, then 3 h 30 + 1 h on the 8th
    expect(stats([c], oct(1, 0), oct(8, 0)).due).toBe(0); // the holiday week asks nothing of anyone
    const thursday = stats([c], oct(8, 0), oct(9, 0));
    expect([thursday.due, thursday.dueClosed, thursday.overdueInWindow]).toEqual([1, 0, 1]);
  });

  it('counts the make-up Saturday as a working day, and working durations over the holiday as nothing', () => {
    // registered Friday 9 October 16:30: 1 h that day, then 3 h 30 + 30 min on the make-up Saturday → due 14:00
    const c = buildCase({
      id: 'H2', street: 'S1', at: oct(9, 16, 20), source: 'patrol', category: 'sanitation',
      steps: [['register', oct(9, 16, 30)], ['dispatch', oct(10, 9)], ['accept', oct(10, 9, 30)], ['feedback', oct(10, 11)], ['verify_pass', oct(10, 11, 30)], ['close', oct(10, 13, 45)]],
    }, holidayPolicy);
    expect(c.incident.closeBy).toBe(oct(10, 14));
    const saturday = stats([c], oct(10, 0), oct(11, 0));
    expect([saturday.due, saturday.dueClosed, saturday.dueClosedOnTime]).toEqual([1, 1, 1]);
    // Friday 16:30 → Saturday 09:00 spent registered: 16 h 30 on the clock, 1 h on Friday + 30 min on the make-up day worked
    expect(saturday.stageDurations.registered).toMatchObject({ count: 1, meanMs: 16.5 * H, workingMeanMs: 1.5 * H });
    const holiday = buildCase({ id: 'H3', street: 'S1', at: oct(1, 9), source: 'patrol', category: 'sanitation', steps: [['register', oct(2, 9)]] }, holidayPolicy);
    expect(stats([holiday], oct(1, 0), oct(3, 0)).stageDurations.reported).toMatchObject({ count: 1, meanMs: 24 * H, workingMeanMs: 0 });
  });
});

describe('helpers', () => {
  it('takes the nearest-rank p90', () => {
    expect(summariseDurations([5, 1, 4, 2, 3, 10, 9, 8, 7, 6])).toEqual({ count: 10, meanMs: 6, p90Ms: 9 });
    expect(summariseDurations([7])).toEqual({ count: 1, meanMs: 7, p90Ms: 7 });
  });

  it('breaks ties by cases closed among those due, then due, then code', () => {
    const tally = (due: number, dueClosed: number) => ({ ...emptyTally(), due, dueClosed, dueClosedOnTime: dueClosed });
    const rows = rankUnits([
      { code: 'b', name: 'b', tally: tally(2, 2) }, { code: 'a', name: 'a', tally: tally(2, 2) },
      { code: 'c', name: 'c', tally: tally(3, 3) }, { code: 'd', name: 'd', tally: tally(5, 3) },
    ]);
    // c, a and b all score 100; c closed more; a and b tie on everything but the code. d: (40·3/5 + 40·3/5) ÷ 80
    expect(rows.map((r) => [r.code, r.score, r.rank])).toEqual([['c', 100, 1], ['a', 100, 2], ['b', 100, 3], ['d', 60, 4]]);
    expect(compositeScore({ due: 4, dueClosed: 2, dueClosedOnTime: 1, open: 4, overdueOpen: 1 })).toBe(45); // (40·.5 + 40·.25 + 20·.75) ÷ 100
  });
});
