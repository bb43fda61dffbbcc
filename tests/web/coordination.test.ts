import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { applyDelta, applyFocusTrack, applySnapshot } from '../../web/src/stores/dispatch';
import { latestFocus, useCoordinationStore, waitingAlerts } from '../../web/src/stores/coordination';
import { useLiveStore } from '../../web/src/stores/live';
import { snapshot, T0 } from './helpers/fixtures';
import { alert, alertChanged, focus, focusChanged, track } from './helpers/coordination';

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  localStorage.clear();
  useLiveStore().setConnected(true);
});
afterEach(() => vi.useRealTimers());

describe('coordination store: focuses', () => {
  it('takes the focuses from the snapshot and shows the most recently started', () => {
    applySnapshot(snapshot({ focuses: [focus('F1', { startedAt: T0 - 60_000 }), focus('F2', { regionCode: '330203', startedAt: T0 })], alerts: [] }));
    const c = useCoordinationStore();
    expect(c.focuses.size).toBe(2);
    expect(c.current?.id).toBe('F2');
  });

  it("enters only a focus that reaches its home: the city wall is told of a district focus but keeps its tour", () => {
    applySnapshot(snapshot({ focuses: [], alerts: [] }));
    const c = useCoordinationStore();
    c.setHome('330200');
    const district = focus('F3', { regionCode: '330203', reaches: ['330203', '330203001', '330203001001', '330203001001001'] });
    applyDelta(focusChanged(101, district));
    expect(c.focuses.has('F3')).toBe(true);
    expect(c.current).toBeNull();
    c.setHome('330203');
    expect(c.current?.id).toBe('F3');
  });

  it('a focus:changed delta adds, replaces and ends a focus; repeating one changes nothing', () => {
    applySnapshot(snapshot({ focuses: [], alerts: [] }));
    const c = useCoordinationStore();
    applyDelta(focusChanged(101, focus('F1')));
    expect(c.current?.id).toBe('F1');
    const later = focus('F1', { timeline: [...focus('F1').timeline, { at: T0 + 5000, kind: 'step', actor: '网格员0', action: 'accept', text: null }] });
    applyDelta(focusChanged(102, later));
    expect(c.current?.timeline).toHaveLength(2);
    // the same delta again (a replay after a snapshot): dropped by its sequence number
    expect(applyDelta(focusChanged(102, later))).toBe(false);
    applyDelta(focusChanged(103, null, 'F1'));
    expect(c.current).toBeNull();
    // even past the sequence guard, an ended focus does not come back from an older copy
    expect(c.applyFocusDelta(focusChanged(104, focus('F1')) as never)).toBe(false);
    expect(c.current).toBeNull();
  });

  it('a snapshot replaces what deltas built (a focus ended while the wall was away is gone)', () => {
    applySnapshot(snapshot({ focuses: [], alerts: [] }));
    applyDelta(focusChanged(101, focus('F1')));
    applySnapshot(snapshot({ seq: 200, focuses: [focus('F3')], alerts: [] }));
    expect([...useCoordinationStore().focuses.keys()]).toEqual(['F3']);
  });

  it('keeps the latest track of a standing focus only', () => {
    applySnapshot(snapshot({ focuses: [focus('F1')], alerts: [] }));
    const c = useCoordinationStore();
    applyFocusTrack(track('F1', T0 + 2000, { P0: 800 }));
    applyFocusTrack(track('F1', T0 + 1000, { P0: 900 })); // late, older
    applyFocusTrack(track('F9', T0 + 3000, { P0: 10 })); // a focus this wall is not in
    expect(c.currentTrack?.responders[0]?.distanceM).toBe(800);
    applyDelta(focusChanged(101, null, 'F1'));
    expect(c.currentTrack).toBeNull();
  });

  it('latestFocus breaks a tie by id, so every wall picks the same', () => {
    expect(latestFocus([focus('A'), focus('B')])?.id).toBe('B');
    expect(latestFocus([])).toBeNull();
  });
});

describe('coordination store: alerts', () => {
  it('lists waiting alerts most severe first, then the longest waiting', () => {
    const list = waitingAlerts([
      alert('a', { severity: 3, raisedAt: T0 }),
      alert('b', { severity: 4, raisedAt: T0 + 5 }),
      alert('c', { severity: 3, raisedAt: T0 - 5 }),
      alert('d', { severity: 4, state: 'acknowledged', acknowledgedAt: T0 }),
    ]);
    expect(list.map((a) => a.id)).toEqual(['b', 'c', 'a']);
  });

  it('snapshot and deltas; an acknowledgement is final, a repeated delta changes nothing', () => {
    applySnapshot(snapshot({ focuses: [], alerts: [alert('A1')] }));
    const c = useCoordinationStore();
    expect(c.speaksAlerts).toBe(true);
    expect(c.waiting.map((a) => a.id)).toEqual(['A1']);
    applyDelta(alertChanged(101, alert('A2', { severity: 4 })));
    expect(c.waiting.map((a) => a.id)).toEqual(['A2', 'A1']);
    const acked = alert('A2', { severity: 4, state: 'acknowledged', acknowledgedAt: T0 + 1000, acknowledgedBy: { username: 'op1', name: '值班员甲' } });
    applyDelta(alertChanged(102, acked));
    expect(c.waiting.map((a) => a.id)).toEqual(['A1']);
    // an older copy that still waits, applied directly (past the sequence guard): ignored
    expect(c.applyAlertDelta(alertChanged(103, alert('A2', { severity: 4 })) as never)).toBeNull();
    expect(c.waiting.map((a) => a.id)).toEqual(['A1']);
  });

  it('forgets acknowledged alerts after an hour', () => {
    applySnapshot(snapshot({ focuses: [], alerts: [alert('A1', { state: 'acknowledged', acknowledgedAt: T0 })] }));
    const c = useCoordinationStore();
    c.prune(T0 + 3_000_000);
    expect(c.alerts.size).toBe(1);
    c.prune(T0 + 3_700_000);
    expect(c.alerts.size).toBe(0);
  });

  it('a hub without alerts in its snapshot keeps the old alarm rule', () => {
    applySnapshot(snapshot());
    expect(useCoordinationStore().speaksAlerts).toBe(false);
  });
});
