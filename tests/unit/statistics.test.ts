import { describe, expect, it } from 'vitest';
import type { Actor } from '@shared/schemas/common';
import { IncidentCommand, NewIncident, type IncidentAction, type TimedStage } from '@shared/schemas/incident';
import type { Camera } from '@shared/schemas/camera';
import type { Patrol } from '@shared/schemas/patrol';
import { Statistics } from '@shared/schemas/stats';
import { applyCommand, detectOverdue, reportIncident, type EntryDraft } from '../../server/domain/lifecycle';
import { createSlaPolicy, natural } from '../../server/domain/sla';
import { compositeScore, computeStatistics, rankChildren, summariseDurations, type IncidentRecord, type StatsInput } from '../../server/domain/stats';

/** Local time at +08:00 on Sunday 22 / Monday 23 / Tuesday 24 November 2026. */
const cst = (day: number, hh: number, mm = 0) => Date.UTC(2026, 10, day, hh - 8, mm);
const MIN = 60_000;
const H = 60 * MIN;

// Every limit is one natural hour, so deadlines can be worked out by hand.
const hour = natural(1, 'hours');
const policy = createSlaPolicy({
  defaultLimits: { reported: hour, registered: hour, dispatched: hour, handling: hour, handled: hour, verified: hour },
  categories: [{ code: 'sanitation' }, { code: 'traffic' }],
});

type Step = [IncidentAction | 'sweep', number, Record<string, unknown>?];

function record(id: string, street: string, reported: { at: number; source: string; category: string; severity?: number }, steps: Step[] = []): IncidentRecord {
  const input = NewIncident.parse({
    source: reported.source, category: reported.category, severity: reported.severity ?? 1, title: id,
    location: { lng: 121.5, lat: 29.8 }, reporter: { kind: 'patrol', id: 'p-1' }, reportedAt: reported.at,
  });
  let d = reportIncident(input, { id, gridCode: `${street}-G1`, regionPath: ['D1', street, `${street}-G1`], now: reported.at, policy });
  const entries: EntryDraft[] = [d.entry];
  for (const [action, at, extra] of steps) {
    const actor = action.startsWith('verify') ? { kind: 'operator', id: 'sup' } : { kind: 'operator', id: 'op' };
    const fields = action === 'dispatch' ? { assignee: { id: 'dept', name: 'Dept' } } : action === 'reject' ? { reason: 'invalid' } : {};
    const note = ['reject', 'verify_fail', 'pause_sla'].includes(action) ? { note: 'reason' } : {};
    d = action === 'sweep' ? detectOverdue(d.incident, at)! : applyCommand(d.incident, IncidentCommand.parse({ action, ...fields, ...note, ...extra }), { actor: actor as Actor, at }, { now: at, policy });
    entries.push(d.entry);
  }
  return { incident: d.incident, entries };
}

const LOOP = ['register', 'dispatch', 'accept', 'feedback', 'verify_pass', 'close'] as const;
/** the loop's steps on one day at the given local times (as many as times are given) */
const loop = (day: number, times: [number, number][]): Step[] => times.map(([hh, mm], i) => [LOOP[i]!, cst(day, hh, mm)]);

// The worked example of docs/statistics.md: window Monday 00:00–24:00, asOf Monday 18:00.
const A = record('A', 'S1', { at: cst(23, 9), source: 'patrol', category: 'sanitation' },
  loop(23, [[9, 30], [10, 0], [10, 30], [11, 0], [11, 30], [12, 0]]));
const B = record('B', 'S1', { at: cst(23, 9), source: 'hotline', category: 'sanitation', severity: 2 }, [
  ['register', cst(23, 10, 30)], ['dispatch', cst(23, 11)], ['accept', cst(23, 11, 10)], ['feedback', cst(23, 11, 20)],
  ['verify_fail', cst(23, 11, 30)], ['feedback', cst(23, 12)], ['verify_pass', cst(23, 12, 10)], ['close', cst(23, 12, 20)],
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

const patrols = (['on_duty', 'on_duty', 'responding', 'offline', 'off_duty', 'off_duty'] as const).map(
  (status, idx): Patrol => ({ id: `p${idx}`, idx, name: `P${idx}`, kind: 'worker', role: 'grid_manager', gridCode: 'S1-G1', status, statusSince: 0, lng: null, lat: null, fixAt: null }),
);
const cameras = (['online', 'online', 'online', 'offline', 'video_lost', 'fault'] as const).map(
  (status, i): Camera => ({ id: `c${i}`, gbId: null, name: `C${i}`, gridCode: 'S1-G1', lng: 121.5, lat: 29.8, status, statusSince: 0, alarm: i === 0 ? { type: 'garbage', at: 0 } : null, owner: 'city' }),
);

function input(over: Partial<StatsInput> = {}): StatsInput {
  return {
    regionCode: 'D1', window: { from: cst(23, 0), to: cst(24, 0) }, asOf: cst(23, 18),
    incidents: [A, B, C, D, E, F, G, Hr, I], patrols, cameras,
    children: [{ code: 'S1', name: 'Street 1' }, { code: 'S2', name: 'Street 2' }, { code: 'S3', name: 'Street 3' }],
    childOf: (incident) => incident.regionPath[1], ...over,
  };
}

describe('computeStatistics — the worked example', () => {
  const stats = computeStatistics(input());

  it('matches the shared schema', () => {
    expect(Statistics.safeParse(stats).error?.issues).toBeUndefined();
  });

  it('counts intake by source, category, severity and hour (reports in the window only)', () => {
    expect(stats.intake.total).toBe(8); // E was reported on Sunday
    expect(stats.intake.bySource).toEqual({ patrol: 2, hotline: 2, video_ai: 1, sensor: 1, open311: 1, department: 1 });
    expect(stats.intake.byCategory).toEqual({ sanitation: 5, traffic: 3 });
    expect(stats.intake.bySeverity).toEqual({ '1': 7, '2': 1, '3': 0, '4': 0 });
    const hours = new Array(24).fill(0);
    Object.assign(hours, { 9: 2, 10: 1, 14: 1, 16: 1, 17: 1, 19: 1, 23: 1 });
    expect(stats.intake.byHour).toEqual(hours);
  });

  it('counts transitions in the window and derives the closure and on-time rates', () => {
    expect(stats.registered).toBe(4); // A B D F; E registered on Sunday, I on Tuesday
    expect(stats.rejected).toBe(1);
    expect(stats.closed).toBe(3); // A B E
    expect(stats.closedOnTime).toBe(1); // B registered late, E verified late; only A kept every limit
    expect(stats.closureRate).toBe(0.75);
    expect(stats.onTimeRate).toBeCloseTo(1 / 3, 12);
  });

  it('evaluates open, overdue and supervised at asOf', () => {
    expect(stats.open).toBe(3); // D F G; H and I do not exist yet at 18:00
    expect(stats.overdueOpen).toBe(1); // D (due 15:40); F due 18:10; G paused before its deadline
    expect(stats.supervisedOpen).toBe(1);
  });

  it('computes the rework rate from verifications in the window', () => {
    expect([stats.verifications, stats.verificationFailures]).toEqual([3, 1]);
    expect(stats.reworkRate).toBeCloseTo(1 / 3, 12);
  });

  it('summarises stage durations of exits in the window (mean, nearest-rank p90)', () => {
    const expected: Record<TimedStage, [number, number | null, number | null]> = {
      reported: [5, 32 * MIN, 90 * MIN], // 30 90 10 20 10
      registered: [3, 1_600_000, 30 * MIN], // 30 30 20 → 26⅔ min
      dispatched: [2, 20 * MIN, 30 * MIN], // 30 10
      handling: [3, 1_400_000, 30 * MIN], // 30 10 30
      handled: [3, 1_000_000, 30 * MIN], // 30 10 10
      verified: [3, 12_200_000, 570 * MIN], // 30 10 570 (E: Sun 22:30 → Mon 08:00)
    };
    for (const [stage, [count, meanMs, p90Ms]] of Object.entries(expected)) {
      expect(stats.stageDurations[stage], stage).toEqual({ count, meanMs, p90Ms });
    }
  });

  it('counts patrols on shift and cameras online', () => {
    expect(stats.patrols).toEqual({ total: 6, onShift: 4, onDuty: 2, responding: 1, onDutyRate: 0.75 });
    expect(stats.cameras).toEqual({ total: 6, online: 3, offline: 1, videoLost: 1, fault: 1, alarming: 1, onlineRate: 0.5 });
  });

  it('ranks the child regions by composite score', () => {
    expect(stats.ranking).toEqual([
      // S3: nothing registered, closed or open → 100
      { code: 'S3', name: 'Street 3', registered: 0, closed: 0, closureRate: null, onTimeRate: null, overdueOpen: 0, score: 100, rank: 1 },
      // S1: (40·min(1, 3/2) + 40·1/3) / 80 = 66.7 (nothing open)
      { code: 'S1', name: 'Street 1', registered: 2, closed: 3, closureRate: 1.5, onTimeRate: 1 / 3, overdueOpen: 0, score: 66.7, rank: 2 },
      // S2: (40·0 + 20·(1 − 1/3)) / 60 = 22.2 (nothing closed)
      { code: 'S2', name: 'Street 2', registered: 2, closed: 0, closureRate: 0, onTimeRate: null, overdueOpen: 1, score: 22.2, rank: 3 },
    ]);
  });
});

describe('computeStatistics — window and asOf semantics', () => {
  it('evaluates the state at an earlier asOf from the log', () => {
    const stats = computeStatistics(input({ asOf: cst(23, 11, 15) }));
    expect([stats.open, stats.overdueOpen, stats.supervisedOpen]).toEqual([2, 0, 0]); // A handled, B handling
  });

  it('does not depend on when the sweeper ran', () => {
    const swept = record('D', 'S2', { at: cst(23, 14), source: 'hotline', category: 'traffic' }, [
      ['register', cst(23, 14, 20)], ['dispatch', cst(23, 14, 40)], ['supervise', cst(23, 15)], ['sweep', cst(23, 17, 55)],
    ]);
    expect(computeStatistics(input({ incidents: [A, B, C, swept, E, F, G, Hr, I] }))).toEqual(computeStatistics(input()));
    // a case closed late is late whether or not the sweeper ever marked it
    const lateUnswept = record('L', 'S1', { at: cst(23, 9), source: 'patrol', category: 'sanitation' }, loop(23, [[9, 30], [10, 0], [12, 0], [12, 10], [12, 20], [12, 30]]));
    expect(computeStatistics(input({ incidents: [lateUnswept] })).closedOnTime).toBe(0);
  });

  it('judges a stage left while paused by the time of the pause', () => {
    // reported 09:00 (due 10:00), paused 09:50, registered 11:00 while still paused → in time
    const paused = record('P', 'S1', { at: cst(23, 9), source: 'patrol', category: 'sanitation' }, [
      ['pause_sla', cst(23, 9, 50)], ...loop(23, [[11, 0], [11, 10], [11, 20], [11, 30], [11, 40], [11, 50]]),
    ]);
    expect(computeStatistics(input({ incidents: [paused] })).closedOnTime).toBe(1);
  });

  it('gives null rates when nothing happened, and intake buckets of any width', () => {
    const stats = computeStatistics(input({ incidents: [], patrols: [], cameras: [], children: [], hourBucketMs: 6 * H }));
    expect(stats.intake.byHour).toEqual([0, 0, 0, 0]);
    expect([stats.closureRate, stats.onTimeRate, stats.reworkRate, stats.patrols.onDutyRate, stats.cameras.onlineRate]).toEqual([null, null, null, null, null]);
    expect(stats.stageDurations.handling).toEqual({ count: 0, meanMs: null, p90Ms: null });
    expect(stats.ranking).toEqual([]);
  });

  it('refuses an empty window', () => {
    expect(() => computeStatistics(input({ window: { from: cst(23, 0), to: cst(23, 0) } }))).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('takes the nearest-rank p90', () => {
    expect(summariseDurations([5, 1, 4, 2, 3, 10, 9, 8, 7, 6])).toEqual({ count: 10, meanMs: 6, p90Ms: 9 });
    expect(summariseDurations([7])).toEqual({ count: 1, meanMs: 7, p90Ms: 7 });
  });

  it('breaks ties by cases closed, then registered, then code', () => {
    const tally = (registered: number, closed: number) => ({ registered, rejected: 0, closed, closedOnTime: closed, verifications: 0, verificationFailures: 0, open: 0, overdueOpen: 0, supervisedOpen: 0 });
    const rows = rankChildren(
      [{ code: 'b', name: 'b' }, { code: 'a', name: 'a' }, { code: 'c', name: 'c' }, { code: 'd', name: 'd' }],
      new Map([['a', tally(2, 2)], ['b', tally(2, 2)], ['c', tally(3, 3)], ['d', tally(5, 3)]]),
    );
    // c, a and b all score 100; c closed more; a and b tie on everything but the code. d: (40·3/5 + 40)/80
    expect(rows.map((r) => [r.code, r.score, r.rank])).toEqual([['c', 100, 1], ['a', 100, 2], ['b', 100, 3], ['d', 80, 4]]);
    expect(compositeScore({ registered: 4, closed: 2, closedOnTime: 1, open: 4, overdueOpen: 1 })).toBe(55); // (40·.5 + 40·.5 + 20·.75)/100
  });
});
