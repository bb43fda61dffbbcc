import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { applyDelta, applySnapshot } from '../../web/src/stores/dispatch';
import { useLiveStore } from '../../web/src/stores/live';
import { useWallStore } from '../../web/src/stores/wall';
import { incident, reported, snapshot, T0, updated } from './helpers/fixtures';

let sounds: string[];

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  localStorage.clear();
  sounds = [];
  useWallStore().setAlarmSound((i) => sounds.push(i.id));
  useWallStore().configure({ alarmAutoCloseMs: 120_000 });
  useLiveStore().setConnected(true);
});
afterEach(() => vi.useRealTimers());

const serious = (id: string, severity: 3 | 4 = 3, over = {}) => incident(id, { severity, reportedAt: T0, updatedAt: T0, location: { lng: 121.6, lat: 29.9 }, ...over });

describe('alarm popup', () => {
  it('cases in a snapshot never alarm, however serious', () => {
    applySnapshot(snapshot({ incidents: [serious('S0', 4)] }));
    expect(useWallStore().alarm).toBeNull();
  });

  it('a new report of grade ≥ 3 alarms, flies the map there and sounds', () => {
    applySnapshot(snapshot());
    applyDelta(reported(serious('S1'), 101));
    const wall = useWallStore();
    expect(wall.alarm?.id).toBe('S1');
    expect(wall.focus).toMatchObject({ incidentId: 'S1', lng: 121.6, lat: 29.9 });
    expect(sounds).toEqual(['S1']);
  });

  it('grade 1–2 reports and updates of serious cases do not alarm', () => {
    applySnapshot(snapshot());
    applyDelta(reported(incident('L1', { severity: 2, reportedAt: T0 }), 101));
    applyDelta(updated({ ...serious('S2', 4), stage: 'registered', version: 2 }, 102, 'register'));
    expect(useWallStore().alarm).toBeNull();
    expect(sounds).toEqual([]);
  });

  it('a serious report that reaches the wall long after it happened (replayed on resume) does not alarm', () => {
    applySnapshot(snapshot());
    applyDelta(reported(serious('OLD', 4, { reportedAt: T0 - 30 * 60_000 }), 101));
    expect(useWallStore().alarm).toBeNull();
  });

  it('a replayed delta does not alarm twice', () => {
    applySnapshot(snapshot());
    const d = reported(serious('S3'), 101);
    applyDelta(d);
    useWallStore().acknowledge();
    applyDelta(d);
    expect(useWallStore().alarm).toBeNull();
    expect(sounds).toEqual(['S3']);
  });

  it('further alarms queue (most severe first) and show one after another', () => {
    applySnapshot(snapshot());
    applyDelta(reported(serious('A'), 101));
    applyDelta(reported(serious('B', 3), 102));
    applyDelta(reported(serious('C', 4), 103));
    const wall = useWallStore();
    expect(wall.alarm?.id).toBe('A');
    expect(wall.alarmQueue.map((i) => i.id)).toEqual(['C', 'B']);
    wall.acknowledge();
    expect(wall.alarm?.id).toBe('C');
    wall.acknowledge();
    expect(wall.alarm?.id).toBe('B');
    wall.acknowledge();
    expect(wall.alarm).toBeNull();
    expect(sounds).toEqual(['A', 'C', 'B']);
  });

  it('an unacknowledged alarm closes itself after a while', () => {
    applySnapshot(snapshot());
    applyDelta(reported(serious('S4'), 101));
    vi.advanceTimersByTime(119_000);
    expect(useWallStore().alarm?.id).toBe('S4');
    vi.advanceTimersByTime(2_000);
    expect(useWallStore().alarm).toBeNull();
  });
});
