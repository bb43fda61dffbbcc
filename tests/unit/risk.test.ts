import { describe, expect, it } from 'vitest';
import type { Incident, Severity, Stage } from '@shared/schemas/incident';
import { computeGridRisk, incidentRiskPoints, riskLevelOf } from '../../server/domain/stats';

const NOW = Date.UTC(2026, 10, 25, 2, 0);
const H = 3_600_000;
const DAY = 24 * H;

/** An open incident in a grid, `ageMs` old, due in an hour unless said otherwise. */
function open(gridCode: string, severity: Severity, ageMs = 0, over: Partial<Incident> = {}): Incident {
  const reportedAt = NOW - ageMs;
  return {
    id: `${gridCode}-${severity}-${ageMs}`, source: 'patrol', category: 'sanitation', subcategory: null, severity,
    title: 't', description: '', location: { lng: 121.5, lat: 29.8 }, gridCode, regionPath: ['D1', gridCode],
    stage: 'handling', reportedAt, stageEnteredAt: { reported: reportedAt }, deadline: { stage: 'handling', dueAt: NOW + H },
    sla: { pausedAt: null, pausedMs: 0 }, assignee: null, reporter: { kind: 'patrol' }, overdue: false, supervised: false,
    fastTrack: severity >= 3, reworkCount: 0, rejectReason: null, duplicateOf: null, externalRef: null, version: 1, updatedAt: reportedAt,
    ...over,
  };
}

describe('risk points', () => {
  it('weighs severity 1, 2, 4, 8 and doubles over three days of age', () => {
    expect(incidentRiskPoints(open('G1', 1), NOW)).toBe(1);
    expect(incidentRiskPoints(open('G1', 2), NOW)).toBe(2);
    expect(incidentRiskPoints(open('G1', 3), NOW)).toBe(4);
    expect(incidentRiskPoints(open('G1', 3, 1.5 * DAY), NOW)).toBe(6);
    expect(incidentRiskPoints(open('G1', 3, 3 * DAY), NOW)).toBe(8);
    expect(incidentRiskPoints(open('G1', 3, 30 * DAY), NOW)).toBe(8);
  });

  it('adds 2 when the case is overdue at asOf (counting pauses)', () => {
    const late = { deadline: { stage: 'handling' as const, dueAt: NOW - H } };
    expect(incidentRiskPoints(open('G1', 2, 0, late), NOW)).toBe(4);
    expect(incidentRiskPoints(open('G1', 2, 0, { ...late, sla: { pausedAt: NOW - 2 * H, pausedMs: 0 } }), NOW)).toBe(2);
  });

  it('maps totals to the five colours', () => {
    expect([0, 0.5, 2.99, 3, 5.99, 6, 9.99, 10, 50].map(riskLevelOf)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });
});

describe('computeGridRisk', () => {
  it('sums the open cases of each grid and lists only non-green grids', () => {
    const risk = computeGridRisk(
      [
        open('G-blue', 1), // 1
        open('G-yellow', 1), open('G-yellow', 1), open('G-yellow', 1), // 3
        open('G-orange', 3, 3 * DAY), // 8
        open('G-red', 3, 3 * DAY), open('G-red', 1, 3 * DAY), // 8 + 2 = 10
        open('G-yellow2', 2, 0, { deadline: { stage: 'handling', dueAt: NOW - 1 } }), // 2 + 2 = 4
      ],
      NOW,
    );
    expect(risk).toEqual({ 'G-blue': 1, 'G-yellow': 2, 'G-orange': 3, 'G-red': 4, 'G-yellow2': 2 });
  });

  it('turns a grid red for any open especially serious case', () => {
    expect(computeGridRisk([open('G1', 4)], NOW)).toEqual({ G1: 4 });
  });

  it('ignores closed and rejected cases and cases reported after asOf', () => {
    const ended = (stage: Stage) => open('G1', 4, DAY, { stage, deadline: null });
    expect(computeGridRisk([ended('closed'), ended('rejected'), open('G2', 4, -H)], NOW)).toEqual({});
  });
});
