import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { encodePositionsFrame, FRAME_COMPLETE } from '@shared/binary/positionsFrame';
import { applyPatrolCrossing, applyPositionsMessage, applySnapshot } from '../../web/src/stores/dispatch';
import { usePatrolsStore } from '../../web/src/stores/patrols';
import { patrol, snapshot, T0 } from './helpers/fixtures';

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

// the fixture's snapshot holds patrol 0 (with a fix) and patrol 2 (offline, no fix)
const visitor = patrol(7, { gridCode: '330212001001001', lng: 121.52, lat: 29.81, fixAt: T0 - 1_000 });
const fix = (idx: number, lng: number, at = T0) => ({ idx, lng, lat: 29.8, status: 'on_duty' as const, at });

describe('patrols of other regions on the wall (patrols:crossed)', () => {
  it('a patrol that entered is shown with its fix and takes frames; one that left is gone from roster and map', () => {
    applySnapshot(snapshot(), T0);
    const patrols = usePatrolsStore();
    applyPositionsMessage([encodePositionsFrame(1, T0, [fix(7, 121.53)])], T0);
    expect(Number.isNaN(patrols.lng[7] ?? NaN)).toBe(true); // unknown before it entered: skipped
    applyPatrolCrossing({ regionCode: 'r', entered: [visitor], left: [] });
    expect(patrols.byIdx[7]?.id).toBe('P7');
    expect(patrols.lng[7]).toBeCloseTo(121.52, 6);
    applyPositionsMessage([encodePositionsFrame(2, T0 + 500, [fix(7, 121.54, T0 + 500)])], T0 + 500);
    expect(patrols.lng[7]).toBeCloseTo(121.54, 6);
    applyPatrolCrossing({ regionCode: 'r', entered: [], left: [7] });
    expect(patrols.byIdx[7]).toBeUndefined();
    expect(Number.isNaN(patrols.lng[7]!)).toBe(true);
    expect(patrols.byIdx[0]?.id).toBe('P0');
  });

  it('a complete message drops every patrol with a fix it leaves out, across all its frames', () => {
    applySnapshot(snapshot(), T0);
    const patrols = usePatrolsStore();
    applyPatrolCrossing({ regionCode: 'r', entered: [visitor], left: [] });
    // patrol 0 in the second frame of the message: listed; the visitor in neither: dropped
    applyPositionsMessage([encodePositionsFrame(3, T0, [], FRAME_COMPLETE), encodePositionsFrame(3, T0, [fix(0, 121.5)], FRAME_COMPLETE)], T0);
    expect(patrols.byIdx[7]).toBeUndefined();
    expect(patrols.byIdx[0]?.id).toBe('P0');
    // a patrol of the region without a fix is not in a complete frame, and stays on the roster
    expect(patrols.byIdx[2]?.id).toBe('P2');
  });

  it('a frame that is not complete drops nothing', () => {
    applySnapshot(snapshot(), T0);
    const patrols = usePatrolsStore();
    applyPatrolCrossing({ regionCode: 'r', entered: [visitor], left: [] });
    applyPositionsMessage([encodePositionsFrame(4, T0, [fix(0, 121.5)])], T0);
    expect(patrols.byIdx[7]?.id).toBe('P7');
  });
});
