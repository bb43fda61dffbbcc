/**
 * Duplicate fusion, pure: which open case a new report joins, per channel (patrol 100 m / 2 h,
 * hotline same address or 200 m / 24 h, video AI same camera and alarm type / 10 min), near and
 * far, in and out of the window; the join and the split as log entries that replay.
 */
import { describe, expect, it } from 'vitest';
import { NewIncident, type Incident, type IncidentLogEntry } from '@shared/schemas/incident';
import { createFusionPolicy, distanceM, findFusionMatch } from '../../server/domain/fusion';
import { evolve, joinReport, replay, splitReport, type EntryDraft } from '../../server/domain/lifecycle';
import { cst, H, policy, report } from './lifecycleSteps';

const fusion = createFusionPolicy();
const BASE = { lng: 121.55, lat: 29.87 };
/** a point `m` metres north of BASE */
const north = (m: number) => ({ lng: BASE.lng, lat: BASE.lat + m / 111_195 });

function reportOf(overrides: Record<string, unknown>) {
  return NewIncident.parse({
    source: 'patrol',
    category: 'sanitation',
    subcategory: '01-02',
    severity: 1,
    title: '暴露垃圾',
    location: BASE,
    reporter: { kind: 'patrol', id: 'p-99' },
    reportedAt: cst(23, 10),
    ...overrides,
  });
}

/** an open case at BASE reported at 09:00 on the 23rd, from `source` */
function openCase(overrides: Record<string, unknown> = {}): Incident {
  return report({ location: BASE, ...overrides }).incident;
}

describe('findFusionMatch', () => {
  it('measures distances in metres', () => {
    expect(distanceM(BASE.lng, BASE.lat, north(100).lng, north(100).lat)).toBeCloseTo(100, 0);
  });

  it('joins a patrol report within 100 m and 2 h of the case’s latest report, not beyond', () => {
    const c = openCase();
    expect(findFusionMatch(reportOf({ location: north(90), reportedAt: cst(23, 10, 59) }), cst(23, 10, 59), [c], fusion)?.incident.id).toBe(c.id);
    expect(findFusionMatch(reportOf({ location: north(120) }), cst(23, 10), [c], fusion)).toBeNull();
    expect(findFusionMatch(reportOf({ location: north(10) }), cst(23, 11, 1), [c], fusion)).toBeNull();
    expect(findFusionMatch(reportOf({ location: north(10), category: 'traffic' }), cst(23, 10), [c], fusion)).toBeNull();
    // same class, another kind of problem: not a duplicate; no subcategory on one side: may be
    expect(findFusionMatch(reportOf({ location: north(10), subcategory: '01-05' }), cst(23, 10), [c], fusion)).toBeNull();
    expect(findFusionMatch(reportOf({ location: north(10), subcategory: undefined }), cst(23, 10), [c], fusion)).not.toBeNull();
  });

  it('counts the window from the latest joined report, so a problem reported again and again stays one case', () => {
    let c = openCase();
    c = joinReport(c, reportOf({ reportedAt: cst(23, 10, 50) }), { now: cst(23, 10, 50), distanceM: 0 }).incident;
    expect(findFusionMatch(reportOf({ reportedAt: cst(23, 12, 40) }), cst(23, 12, 40), [c], fusion)).not.toBeNull();
  });

  it('joins a hotline call at the same address however far the geocoded points lie, or within 200 m in 24 h', () => {
    const c = openCase({ source: 'hotline', location: { ...BASE, address: '海曙区南门街道 解放南路 88 号' }, reporter: { kind: 'citizen' } });
    const call = (loc: object, at = cst(23, 20)) => reportOf({ source: 'hotline', reporter: { kind: 'citizen' }, location: loc, reportedAt: at });
    expect(findFusionMatch(call({ ...north(900), address: '海曙区南门街道解放南路88号' }), cst(23, 20), [c], fusion)).not.toBeNull();
    expect(findFusionMatch(call(north(190)), cst(23, 20), [c], fusion)).not.toBeNull();
    expect(findFusionMatch(call(north(260)), cst(23, 20), [c], fusion)).toBeNull();
    expect(findFusionMatch(call(north(10), cst(24, 9, 1)), cst(24, 9, 1), [c], fusion)).toBeNull();
  });

  it('joins a video-AI alarm only from the same camera with the same alarm type within 10 minutes', () => {
    const c = openCase({ source: 'video_ai', reporter: { kind: 'camera', id: 'cam-7' }, subcategory: '01-02' });
    const alarm = (o: Record<string, unknown>) => reportOf({ source: 'video_ai', reporter: { kind: 'camera', id: 'cam-7' }, reportedAt: cst(23, 9, 8), ...o });
    expect(findFusionMatch(alarm({}), cst(23, 9, 8), [c], fusion)).not.toBeNull();
    expect(findFusionMatch(alarm({ reporter: { kind: 'camera', id: 'cam-8' } }), cst(23, 9, 8), [c], fusion)).toBeNull();
    expect(findFusionMatch(alarm({ subcategory: '01-03' }), cst(23, 9, 8), [c], fusion)).toBeNull();
    expect(findFusionMatch(alarm({ reportedAt: cst(23, 9, 11) }), cst(23, 9, 11), [c], fusion)).toBeNull();
  });

  it('picks the nearest of several candidates, and honours a category’s override', () => {
    const far = { ...openCase(), id: 'FAR', location: north(80) };
    const near = { ...openCase(), id: 'NEAR', location: north(20) };
    expect(findFusionMatch(reportOf({}), cst(23, 10), [far, near], fusion)?.incident.id).toBe('NEAR');
    const strict = createFusionPolicy(new Map([['sanitation', { patrol: null, hotline: { radiusM: 500, windowMs: 48 * H } }]]));
    expect(findFusionMatch(reportOf({}), cst(23, 10), [near], strict)).toBeNull();
    expect(strict.maxRadiusM).toBe(500);
  });
});

describe('join and split in the log', () => {
  it('a join counts the report by channel; the log replays to the same case', () => {
    const first = report({ location: BASE });
    const joined = joinReport(first.incident, reportOf({ source: 'hotline', reporter: { kind: 'citizen', phone: '13812345678' }, reportedAt: cst(23, 9, 30) }), { now: cst(23, 9, 30), distanceM: 12.4 });
    expect(joined.incident.reports).toEqual({ count: 2, bySource: { patrol: 1, hotline: 1 }, lastAt: cst(23, 9, 30) });
    expect(joined.incident.stage).toBe('reported');
    expect(joined.entry).toMatchObject({ type: 'report_joined', from: 'reported', to: 'reported', data: { distanceM: 12 } });
    expect(JSON.stringify(joined.entry)).not.toContain('13812345678'); // the phone is masked like the case's own
    expect(replay([first.entry, joined.entry])).toEqual(joined.incident);
  });

  it('a split gives the report a case of its own and takes it off the counts', () => {
    const first = report({ location: BASE });
    const joined = joinReport(first.incident, reportOf({ title: '另一处垃圾', reportedAt: cst(23, 9, 30) }), { now: cst(23, 9, 30), distanceM: 40 });
    const joinedEntry: IncidentLogEntry = { ...joined.entry, seq: 7 };
    const ctx = { newId: 'INC-2', gridCode: 'G-1', regionPath: ['330200', '330203', 'S-1', 'C-1', 'G-1'], now: cst(23, 11), policy, actor: { kind: 'operator' as const, id: 'op-1' }, note: '不是同一处' };
    const { original, created } = splitReport(joined.incident, joinedEntry, false, ctx);
    expect(original.incident.reports?.count).toBe(1);
    expect(original.entry).toMatchObject({ type: 'split', actor: { id: 'op-1' }, note: '不是同一处', data: { reportSeq: 7, newIncidentId: 'INC-2' } });
    expect(created.incident).toMatchObject({ id: 'INC-2', title: '另一处垃圾', stage: 'reported', reportedAt: cst(23, 9, 30) });
    expect(created.entry.data).toMatchObject({ splitFrom: { incidentId: first.incident.id, reportSeq: 7 } });
    expect(evolve(joined.incident, original.entry as EntryDraft)).toEqual(original.incident);
    expect(() => splitReport(joined.incident, joinedEntry, true, ctx)).toThrow(/already/);
    expect(() => splitReport(joined.incident, { ...first.entry, seq: 1 }, false, ctx)).toThrow(/not a report joined/);
  });
});
