import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { encodePositionsFrame } from '@shared/binary/positionsFrame';
import { applyDelta, applyPositionsFrame, applySnapshot, applyStatsFrame, applySubscribeResult } from '../../web/src/stores/dispatch';
import { HEAT_WINDOW_MS, TICKER_CAP, useIncidentsStore } from '../../web/src/stores/incidents';
import { useLiveStore } from '../../web/src/stores/live';
import { usePatrolsStore } from '../../web/src/stores/patrols';
import { useCamerasStore } from '../../web/src/stores/cameras';
import { useStatsStore } from '../../web/src/stores/stats';
import { camera, incident, patrol, reported, snapshot, statistics, T0, updated } from './helpers/fixtures';

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

describe('snapshot then deltas', () => {
  it('a snapshot fills every store and sets the sequence number', () => {
    useLiveStore().setConnected(true, T0);
    applySnapshot(snapshot(), T0);
    const live = useLiveStore();
    expect(live.seq).toBe(100);
    expect(live.region?.code).toBe('330200');
    expect(live.regions.get('330203001')?.name).toBe('南门街道');
    expect(live.status).toBe('live');
    expect(useIncidentsStore().byId.size).toBe(2);
    expect(useIncidentsStore().openList().map((i) => i.id)).toEqual(['E1']);
    expect(usePatrolsStore().byIdx[2]?.id).toBe('P2');
    expect(useCamerasStore().byId.size).toBe(3);
    expect(useStatsStore().stats?.intake.total).toBe(57);
  });

  it('applies deltas in order and bumps the version counters', () => {
    applySnapshot(snapshot(), T0);
    const incidents = useIncidentsStore();
    const v0 = incidents.version;
    const e3 = incident('E3', { reportedAt: T0, updatedAt: T0 });
    expect(applyDelta(reported(e3, 101), T0)).toBe(true);
    const e3b = { ...e3, stage: 'registered' as const, version: 2, updatedAt: T0 + 1000 };
    expect(applyDelta(updated(e3b, 102, 'register'), T0)).toBe(true);
    expect(incidents.byId.get('E3')?.stage).toBe('registered');
    expect(incidents.version).toBe(v0 + 2);
    expect(useLiveStore().seq).toBe(102);
    expect(incidents.ticker[0]?.entry.type).toBe('register');
    expect(incidents.ticker[1]?.entry.type).toBe('reported');
  });

  it('ignores deltas whose seq is not newer (replays, stale)', () => {
    applySnapshot(snapshot(), T0);
    const e1 = incident('E1', { stage: 'registered', version: 2 });
    expect(applyDelta(updated(e1, 100, 'register'), T0)).toBe(false); // already in the snapshot
    expect(applyDelta(updated(e1, 50, 'register'), T0)).toBe(false);
    expect(useIncidentsStore().byId.get('E1')?.stage).toBe('reported');
    expect(applyDelta(updated(e1, 105, 'register'), T0)).toBe(true);
    expect(applyDelta(updated({ ...e1, stage: 'reported', version: 1 }, 104, 'register'), T0)).toBe(false);
    expect(useIncidentsStore().byId.get('E1')?.stage).toBe('registered');
  });

  it('routes camera and patrol deltas', () => {
    applySnapshot(snapshot(), T0);
    applyDelta({ type: 'camera:updated', seq: 101, camera: camera('C1', { status: 'video_lost', statusSince: T0 }) }, T0);
    applyDelta({ type: 'patrol:updated', seq: 102, patrol: patrol(7, { status: 'responding' }) }, T0);
    expect(useCamerasStore().faults().map((c) => c.id)).toEqual(['C1', 'C2', 'C3']);
    const patrols = usePatrolsStore();
    expect(patrols.byIdx[7]?.id).toBe('P7');
    expect(patrols.patrolStatus(7)).toBe('responding');
    expect(patrols.lng.length).toBeGreaterThanOrEqual(8);
  });

  it('resume applies the missed deltas and takes the new seq', () => {
    applySnapshot(snapshot(), T0);
    const e4 = incident('E4');
    applySubscribeResult({ mode: 'resume', fromSeq: 100, seq: 140, deltas: [reported(e4, 120)] }, T0);
    expect(useIncidentsStore().byId.has('E4')).toBe(true);
    expect(useLiveStore().seq).toBe(140);
  });
});

describe('bounded collections', () => {
  it('the ticker keeps the newest 50 lines, newest first', () => {
    applySnapshot(snapshot({ incidents: [] }), T0);
    for (let i = 1; i <= 80; i++) applyDelta(reported(incident(`N${i}`, { reportedAt: T0, updatedAt: T0 }), 100 + i), T0);
    const ticker = useIncidentsStore().ticker;
    expect(ticker.length).toBe(TICKER_CAP);
    expect(ticker[0]?.incident.id).toBe('N80');
    expect(ticker[TICKER_CAP - 1]?.incident.id).toBe('N31');
  });

  it('heat takes new reports and drops points older than 7 days', () => {
    applySnapshot(snapshot(), T0);
    const incidents = useIncidentsStore();
    expect(incidents.heat.length).toBe(10);
    const later = T0 + 1.5 * 86_400_000; // the 6-day-old point is now 7.5 days old
    const e9 = incident('E9', { reportedAt: later, updatedAt: later, severity: 3 });
    const hv = incidents.heatVersion;
    incidents.applyDelta(reported(e9, 101), later);
    expect(incidents.heat).toEqual([121.55, 29.87, 1, T0 - 60_000, 1, 121.55, 29.87, 3, later, 1]);
    expect(incidents.heatVersion).toBeGreaterThan(hv);
    expect(incidents.pruneHeat(T0 - 60_000 + HEAT_WINDOW_MS + 1)).toBe(1);
    expect(incidents.heat).toEqual([121.55, 29.87, 3, later, 1]);
  });

  it('a report rejected later leaves the heat map', () => {
    applySnapshot(snapshot({ heat: [] }), T0);
    const e5 = incident('E5', { reportedAt: T0, updatedAt: T0 });
    applyDelta(reported(e5, 101), T0);
    expect(useIncidentsStore().heat.length).toBe(5);
    applyDelta(updated({ ...e5, stage: 'rejected', version: 2, rejectReason: 'duplicate' }, 102, 'reject'), T0);
    expect(useIncidentsStore().heat.length).toBe(0);
  });

  it('closed cases older than 24 h are pruned', () => {
    applySnapshot(snapshot(), T0);
    const incidents = useIncidentsStore();
    expect(incidents.prune(T0 + 23 * 3_600_000)).toBe(0);
    expect(incidents.prune(T0 + 24 * 3_600_000)).toBe(1);
    expect([...incidents.byId.keys()]).toEqual(['E1']);
  });
});

describe('lossy streams', () => {
  it('a positions frame lands in the typed arrays by idx', () => {
    applySnapshot(snapshot(), T0);
    const patrols = usePatrolsStore();
    const fv = patrols.fixVersion;
    const frame = encodePositionsFrame(7, T0, [
      { idx: 2, lng: 121.612345, lat: 29.901234, status: 'responding', at: T0 - 3000 },
      { idx: 999, lng: 121, lat: 29, status: 'on_duty', at: T0 }, // not in the roster: skipped
    ]);
    applyPositionsFrame(frame, T0);
    expect(patrols.lng[2]).toBeCloseTo(121.612345, 6);
    expect(patrols.lat[2]).toBeCloseTo(29.901234, 6);
    expect(patrols.patrolStatus(2)).toBe('responding');
    expect(patrols.fixAt[2]).toBe(T0 - 3000);
    expect(patrols.fixVersion).toBe(fv + 1);
    expect(patrols.unknownCount()).toBe(1);
  });

  it('patrols without a fix have NaN positions', () => {
    applySnapshot(snapshot(), T0);
    const patrols = usePatrolsStore();
    expect(Number.isNaN(patrols.lng[2])).toBe(true);
    expect(Number.isNaN(patrols.lng[1])).toBe(true); // a gap in idx
    expect(patrols.lng[0]).toBe(121.5);
  });

  it('a malformed frame is skipped without harm', () => {
    applySnapshot(snapshot(), T0);
    expect(() => applyPositionsFrame(new ArrayBuffer(3), T0)).not.toThrow();
  });

  it('stats frames replace the figures, but not with another region or an older frame', () => {
    applySnapshot(snapshot(), T0);
    const stats = useStatsStore();
    const fresh = statistics({ registered: 49 });
    expect(applyStatsFrame({ at: T0 + 2000, regionCode: '330200', stats: fresh, week: statistics(), risk: {}, areas: [] }, T0)).toBe(true);
    expect(stats.stats?.registered).toBe(49);
    expect(applyStatsFrame({ at: T0 + 4000, regionCode: '330203', stats: statistics({ registered: 1 }), week: statistics(), risk: {}, areas: [] }, T0)).toBe(false);
    expect(applyStatsFrame({ at: T0 + 1000, regionCode: '330200', stats: statistics({ registered: 2 }), week: statistics(), risk: {}, areas: [] }, T0)).toBe(false);
    expect(stats.stats?.registered).toBe(49);
  });

  it('the seven-day figures travel with the snapshot and the frames', () => {
    applySnapshot(snapshot({ week: statistics({ registered: 700 }) }), T0);
    const stats = useStatsStore();
    expect(stats.week?.registered).toBe(700);
    applyStatsFrame({ at: T0 + 2000, regionCode: '330200', stats: statistics(), week: statistics({ registered: 701 }), risk: {}, areas: [] }, T0);
    expect(stats.week?.registered).toBe(701);
  });

  it('the centre offset is read from the day window of the figures', () => {
    applySnapshot(snapshot(), T0);
    expect(useStatsStore().tzOffsetMinutes).toBe(480);
  });
});
