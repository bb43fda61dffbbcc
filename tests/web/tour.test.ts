import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { PROTOCOL_VERSION } from '@shared/events';
import { applyDelta, applySnapshot } from '../../web/src/stores/dispatch';
import { useLiveStore } from '../../web/src/stores/live';
import { useWallStore } from '../../web/src/stores/wall';
import { incident, REGIONS, reported, snapshot, T0 } from './helpers/fixtures';

let subscribed: string[];

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  localStorage.clear();
  subscribed = [];
  const live = useLiveStore();
  // a transport that answers every subscription with a snapshot of that region at once
  live.bindTransport({
    subscribe(code) {
      subscribed.push(code);
      applySnapshot(snapshot({ region: REGIONS.find((r) => r.code === code)!, regions: code === '330200' ? REGIONS : REGIONS.filter((r) => r.code === code || r.code === '330200') }));
    },
  });
  live.setConnected(true);
  live.hello({ protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'n', rootRegion: '330200', centreName: '宁波市社会治理指挥中心', me: { signedIn: false, user: null, expiresAt: null, anonymous: 'read' } });
  applySnapshot(snapshot());
  useWallStore().configure({ tourStepMs: 30_000, idleMs: 60_000, alarmAutoCloseMs: 600_000 });
});
afterEach(() => {
  useWallStore().dispose();
  vi.useRealTimers();
});

describe('briefing tour', () => {
  it('cycles the city and each district, emphasising one panel per step', () => {
    const wall = useWallStore();
    wall.startTour();
    expect(wall.tour).toMatchObject({ running: true, step: 0, total: 3, regionCode: '330200' });
    expect(wall.emphasis).toBe('IntakeBySource');
    vi.advanceTimersByTime(30_000);
    expect(wall.tour).toMatchObject({ step: 1, regionCode: '330203' });
    expect(useLiveStore().region?.code).toBe('330203');
    expect(wall.emphasis).toBe('IntakeByCategory');
    vi.advanceTimersByTime(30_000);
    expect(wall.tour).toMatchObject({ step: 2, regionCode: '330205' });
    vi.advanceTimersByTime(30_000);
    expect(wall.tour).toMatchObject({ step: 0, regionCode: '330200' });
    expect(subscribed).toEqual(['330203', '330205', '330200']);
  });

  it('pauses on interaction and resumes after the idle time', () => {
    const wall = useWallStore();
    wall.startTour();
    vi.advanceTimersByTime(10_000);
    wall.interact();
    expect(wall.tour).toMatchObject({ paused: true, pauseReason: 'interaction', step: 0 });
    vi.advanceTimersByTime(50_000);
    wall.interact(); // still busy: the idle clock restarts
    vi.advanceTimersByTime(59_000);
    expect(wall.tour.paused).toBe(true);
    expect(wall.tour.step).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(wall.tour.paused).toBe(false);
    vi.advanceTimersByTime(30_000);
    expect(wall.tour.step).toBe(1);
  });

  it('an alarm interrupts the tour until it is acknowledged and the room is quiet again', () => {
    const wall = useWallStore();
    wall.startTour();
    applyDelta(reported(incident('S', { severity: 4, reportedAt: T0, updatedAt: T0 }), 101));
    expect(wall.tour).toMatchObject({ paused: true, pauseReason: 'alarm' });
    vi.advanceTimersByTime(300_000);
    expect(wall.tour).toMatchObject({ paused: true, step: 0 });
    wall.acknowledge();
    vi.advanceTimersByTime(60_000);
    expect(wall.tour.paused).toBe(false);
    vi.advanceTimersByTime(30_000);
    expect(wall.tour.step).toBe(1);
  });

  it('stopping the tour returns to the home region and clears the emphasis', () => {
    const wall = useWallStore();
    wall.startTour();
    vi.advanceTimersByTime(30_000);
    wall.stopTour();
    expect(wall.emphasis).toBeNull();
    expect(useLiveStore().region?.code).toBe('330200');
    vi.advanceTimersByTime(120_000);
    expect(subscribed).toEqual(['330203', '330200']);
  });
});
