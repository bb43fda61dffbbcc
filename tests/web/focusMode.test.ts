import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { PROTOCOL_VERSION } from '@shared/events';
import { applyDelta, applySnapshot } from '../../web/src/stores/dispatch';
import { holdsCase } from '../../web/src/stores/focusMode';
import { useLiveStore } from '../../web/src/stores/live';
import { useWallStore } from '../../web/src/stores/wall';
import { incident, REGIONS, snapshot, T0 } from './helpers/fixtures';
import { focus, focusChanged } from './helpers/coordination';

let subscribed: string[];
let standing: ReturnType<typeof focus>[];
let seq: number;

/** a transport answering every subscription at once with a snapshot carrying the focuses that stand */
function bindHub(): void {
  const live = useLiveStore();
  live.bindTransport({
    subscribe(code) {
      subscribed.push(code);
      const region = REGIONS.find((r) => r.code === code)!;
      // a district's snapshot holds only that district's cases: E5 lies in 江北区
      const incidents = code === '330205' ? [incident('E5', { regionPath: ['330200', '330205'] })] : [incident('E1')];
      applySnapshot(snapshot({ seq, region, regions: code === '330200' ? REGIONS : REGIONS.filter((r) => r.code === code || r.code === '330200'), incidents, focuses: standing, alerts: [] }));
    },
  });
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  localStorage.clear();
  subscribed = [];
  standing = [];
  seq = 100;
  bindHub();
  const live = useLiveStore();
  live.setConnected(true);
  live.hello({ protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'n', rootRegion: '330200', centreName: '', me: { signedIn: false, user: null, expiresAt: null, anonymous: 'read' } });
  applySnapshot(snapshot({ focuses: [], alerts: [] }));
  useWallStore().configure({ tourStepMs: 30_000, idleMs: 60_000, alarmAutoCloseMs: 600_000 });
});
afterEach(() => {
  useWallStore().dispose();
  vi.useRealTimers();
});

/** the hub starts (or ends) a focus: the delta to the wall, and what later snapshots carry */
function start(f: ReturnType<typeof focus>): void {
  standing = [...standing.filter((s) => s.id !== f.id), f];
  applyDelta(focusChanged(++seq, f));
}
function end(id: string): void {
  standing = standing.filter((s) => s.id !== id);
  applyDelta(focusChanged(++seq, null, id));
}

describe('focus mode on the wall', () => {
  it('halts the tour on a district that does not hold the case, goes home, and resumes the tour where it was', () => {
    const wall = useWallStore();
    wall.startTour();
    vi.advanceTimersByTime(60_000); // step 2: 江北区, which does not hold case E1 (海曙区)
    expect(wall.tour).toMatchObject({ step: 2, regionCode: '330205' });
    start(focus('F1'));
    expect(wall.caseFocusId).toBe('F1');
    expect(wall.tour.running).toBe(false);
    expect(useLiveStore().region?.code).toBe('330200');
    vi.advanceTimersByTime(300_000); // no tour step while in focus
    expect(useLiveStore().region?.code).toBe('330200');
    end('F1');
    expect(wall.caseFocusId).toBeNull();
    expect(wall.tour).toMatchObject({ running: true, paused: false, step: 2, regionCode: '330205' });
    expect(useLiveStore().region?.code).toBe('330205');
    vi.advanceTimersByTime(30_000);
    expect(wall.tour.step).toBe(0);
  });

  it('keeps a district on screen that holds the case, and returns to the district it showed', () => {
    const wall = useWallStore();
    useLiveStore().subscribe('330203'); // 海曙区 by hand, no tour
    subscribed = [];
    start(focus('F1', { regionCode: '330203' }));
    expect(subscribed).toEqual([]);
    expect(useLiveStore().region?.code).toBe('330203');
    end('F1');
    expect(wall.tour.running).toBe(false);
    expect(useLiveStore().region?.code).toBe('330203');
  });

  it('a focus replacing another keeps the original memory', () => {
    const wall = useWallStore();
    useLiveStore().subscribe('330205');
    start(focus('F1'));
    expect(useLiveStore().region?.code).toBe('330200');
    start(focus('F2', { startedAt: T0 + 1000 }));
    expect(wall.caseFocusId).toBe('F2');
    end('F2');
    expect(wall.caseFocusId).toBe('F1'); // the older focus still stands
    end('F1');
    expect(useLiveStore().region?.code).toBe('330205');
  });

  it('enters the focus a late wall finds in its first snapshot, and leaves it to its home region', () => {
    setActivePinia(createPinia());
    bindHub();
    const live = useLiveStore();
    live.setConnected(true);
    live.hello({ protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'n', rootRegion: '330200', centreName: '', me: { signedIn: false, user: null, expiresAt: null, anonymous: 'read' } });
    standing = [focus('F1')];
    applySnapshot(snapshot({ focuses: standing, alerts: [] }));
    const wall = useWallStore();
    expect(wall.caseFocusId).toBe('F1');
    wall.startTour(); // the ?tour=1 start after the first data: deferred to the focus's end
    expect(wall.tour.running).toBe(false);
    end('F1');
    expect(wall.tour).toMatchObject({ running: true, step: 0 });
    wall.dispose();
  });

  it('a resubscription snapshot during the focus keeps the focus and the memory', () => {
    const wall = useWallStore();
    wall.startTour();
    start(focus('F1'));
    useLiveStore().subscribe('330200'); // a reconnect: the same focus in the new snapshot
    expect(wall.caseFocusId).toBe('F1');
    expect(wall.focusMemory).toEqual({ tourStep: 0, region: '330200' });
  });

  it('stopping the tour during a focus means: return home, no tour, when it ends', () => {
    const wall = useWallStore();
    wall.startTour();
    start(focus('F1'));
    wall.toggleTour();
    end('F1');
    expect(wall.tour.running).toBe(false);
  });
});

describe('holdsCase', () => {
  const ctx = (path: string[] | null) => ({
    incidentPath: () => path,
    pathOf: (code: string) => (code.length === 6 && code !== '330200' ? ['330200', code] : code === '330200' ? ['330200'] : ['330200', code.slice(0, 6), code]),
    home: '330200',
  });
  it('by the case path when the case is known', () => {
    expect(holdsCase('330203', { incidentId: 'E1', regionCode: '330200' }, ctx(['330200', '330203']))).toBe(true);
    expect(holdsCase('330205', { incidentId: 'E1', regionCode: '330200' }, ctx(['330200', '330203']))).toBe(false);
  });
  it('by the focus and home regions when it is not', () => {
    expect(holdsCase('330200', { incidentId: 'X', regionCode: '330203' }, ctx(null))).toBe(true);
    expect(holdsCase('330203', { incidentId: 'X', regionCode: '330203' }, ctx(null))).toBe(true);
    expect(holdsCase('330205', { incidentId: 'X', regionCode: '330200' }, ctx(null))).toBe(false);
    expect(holdsCase(null, { incidentId: 'X', regionCode: '330200' }, ctx(null))).toBe(false);
  });
});
