import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { encodePositionsFrame, FRAME_COMPLETE } from '@shared/binary/positionsFrame';
import type { Patrol } from '@shared/schemas/patrol';
import { applyPositionsFrame, applySnapshot } from '../../web/src/stores/dispatch';
import { usePatrolsStore } from '../../web/src/stores/patrols';
import { GLIDE_MAX_MS, PatrolGlide } from '../../web/src/map/glide';
import { FIX_STALE_MS, patrolDetails } from '../../web/src/map/details';
import { snapshot, T0 } from './helpers/fixtures';

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

describe('glide between fixes', () => {
  it('moves from the shown position to the new fix over the time between the fixes', () => {
    const g = new PatrolGlide();
    g.moved(3, 121.0, 29.0, 121.01, 29.0, 2000, 1_000);
    const out: [number, number] = [0, 0];
    g.positionOf(3, 121.01, 29.0, 1_000, out);
    expect(out).toEqual([121.0, 29.0]);
    g.positionOf(3, 121.01, 29.0, 2_000, out);
    expect(out[0]).toBeCloseTo(121.005, 9);
    g.positionOf(3, 121.01, 29.0, 3_000, out);
    expect(out).toEqual([121.01, 29.0]);
  });

  it('caps the glide, and jumps after a long silence or a long way', () => {
    const g = new PatrolGlide();
    g.moved(0, 121.0, 29.0, 121.001, 29.0, 60_000, 0);
    const out: [number, number] = [0, 0];
    g.positionOf(0, 121.001, 29.0, GLIDE_MAX_MS, out);
    expect(out[0]).toBe(121.001);
    g.moved(1, 121.0, 29.0, 121.5, 29.0, 1000, 0); // 50 km in a second: a jump
    g.positionOf(1, 121.5, 29.0, 10, out);
    expect(out[0]).toBe(121.5);
    g.moved(2, NaN, NaN, 121.5, 29.0, 1000, 0); // first fix: nothing to glide from
    g.positionOf(2, 121.5, 29.0, 10, out);
    expect(out[0]).toBe(121.5);
  });

  it('a fix the store got elsewhere (a snapshot) is shown as it is', () => {
    const g = new PatrolGlide();
    g.moved(0, 121.0, 29.0, 121.001, 29.0, 1000, 0);
    const out: [number, number] = [0, 0];
    g.positionOf(0, 121.7, 29.7, 500, out);
    expect(out).toEqual([121.7, 29.7]);
  });

  it('says whether a marker is still between fixes', () => {
    const g = new PatrolGlide();
    const lng = Float64Array.from([121.001, NaN]);
    const lat = Float64Array.from([29.0, NaN]);
    g.moved(0, 121.0, 29.0, 121.001, 29.0, 1000, 0);
    expect(g.shown(lng, lat, 500).gliding).toBe(true);
    expect(g.shown(lng, lat, 500).lng[0]).toBeCloseTo(121.0005, 9);
    expect(Number.isNaN(g.shown(lng, lat, 500).lng[1])).toBe(true);
    expect(g.shown(lng, lat, 1000).gliding).toBe(false);
  });
});

describe('the patrols store reads version-2 frames', () => {
  it('takes fix times to the millisecond and glides from the previous fix', () => {
    applySnapshot(snapshot(), T0);
    const patrols = usePatrolsStore();
    applyPositionsFrame(encodePositionsFrame(1, T0, [{ idx: 2, lng: 121.6, lat: 29.9, status: 'on_duty', at: T0 - 1_234 }]), T0);
    expect(patrols.fixAt[2]).toBe(T0 - 1_234);
    applyPositionsFrame(encodePositionsFrame(2, T0 + 1_000, [{ idx: 2, lng: 121.601, lat: 29.9, status: 'on_duty', at: T0 - 234 }]), T0 + 1_000);
    expect(patrols.fixAt[2]).toBe(T0 - 234);
    expect(patrols.lng[2]).toBeCloseTo(121.601, 6);
    // halfway through the 1,000 ms between the fixes
    const shown = patrols.shownPositions(T0 + 1_500);
    expect(shown.lng[2]).toBeCloseTo(121.6005, 6);
    expect(shown.gliding).toBe(true);
    expect(patrols.shownPositions(T0 + 2_000).lng[2]).toBeCloseTo(121.601, 6);
  });

  it('a complete frame does not take a wall back to an older fix', () => {
    applySnapshot(snapshot(), T0);
    const patrols = usePatrolsStore();
    applyPositionsFrame(encodePositionsFrame(1, T0, [{ idx: 2, lng: 121.6, lat: 29.9, status: 'on_duty', at: T0 }]), T0);
    applyPositionsFrame(encodePositionsFrame(2, T0, [{ idx: 2, lng: 121.5, lat: 29.9, status: 'responding', at: T0 - 5_000 }], FRAME_COMPLETE), T0);
    expect(patrols.lng[2]).toBeCloseTo(121.6, 6);
    expect(patrols.patrolStatus(2)).toBe('responding'); // the status is the hub's current one
  });
});

describe('patrol details show the age of the fix', () => {
  const p = { id: 'p1', name: '张伟', role: 'police', kind: 'worker', gridCode: 'g1', status: 'on_duty', fixAt: null } as unknown as Patrol;
  const row = (d: ReturnType<typeof patrolDetails>, label: string) => d.rows.find((r) => r.label === label);

  it('in seconds, and as a warning when the terminal went silent', () => {
    expect(row(patrolDetails(p, { lang: 'zh', now: T0 }, 'on_duty', T0 - 12_400), '定位')?.value).toBe('12秒前');
    const stale = row(patrolDetails(p, { lang: 'en', now: T0 }, 'on_duty', T0 - FIX_STALE_MS - 1000), 'Last fix');
    expect(stale).toMatchObject({ value: '5m 1s ago', alert: true });
    expect(row(patrolDetails(p, { lang: 'zh', now: T0 }), '定位')).toBeUndefined();
  });
});
