/**
 * Where patrols stand (hub/patrolPlaces.ts) on the generated district: the grid kept for each
 * patrol, with lookups skipped while a fix stays in the box around its last lookup, is the grid
 * a fresh lookup of every fix gives (the independent recomputation), through random walks that
 * cross grid and street borders; the visitors of a region are those a scan finds.
 */
import { describe, expect, it } from 'vitest';
import type { Patrol } from '@shared/schemas/patrol';
import { generateCity } from '../../server/geo/generateCity';
import { createGeoContext } from '../../server/hub/createGeoContext';
import { PatrolPlaces } from '../../server/hub/patrolPlaces';
import { PositionTracker } from '../../server/hub/positionTracker';

const geo = createGeoContext(generateCity({ seed: 'places', scale: 'district' }));
const grids = geo.regions.filter((r) => r.level === 'grid');

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

describe('patrol places', () => {
  it('a margin’s box never hides a change of grid: random walks against a lookup of every fix', () => {
    const rnd = rng(4);
    const n = 300;
    const patrolsByIdx = Array.from({ length: n }, (_, idx) => ({ idx, gridCode: grids[idx % grids.length]!.code }) as Patrol);
    const tracker = new PositionTracker(n);
    const places = new PatrolPlaces(geo, tracker, () => patrolsByIdx);
    const [x0, y0, x1, y1] = geo.get(geo.rootCode)!.bbox;
    const at = new Float64Array(n).fill(1);
    const pos = patrolsByIdx.map((p) => [...geo.get(p.gridCode)!.center] as [number, number]);
    let lookups = 0;
    let crossings = 0;
    for (let tick = 0; tick < 300; tick++) {
      const moved: number[] = [];
      for (let idx = 0; idx < n; idx++) {
        if (rnd() < 0.3) continue;
        // mostly a few metres, now and then a jump anywhere over the district (and a little beyond)
        const jump = rnd() < 0.01;
        const p = pos[idx]!;
        if (jump) {
          p[0] = x0 - 0.01 + rnd() * (x1 - x0 + 0.02);
          p[1] = y0 - 0.01 + rnd() * (y1 - y0 + 0.02);
        } else {
          p[0] += (rnd() - 0.5) * 4e-4;
          p[1] += (rnd() - 0.5) * 4e-4;
        }
        tracker.update(idx, p[0], p[1], (at[idx]! += 1));
        moved.push(idx);
      }
      tracker.drainDirty();
      crossings += places.settle(moved).length;
      for (let idx = 0; idx < n; idx++) {
        if (Number.isNaN(tracker.get(idx)?.lng ?? NaN)) continue;
        lookups++;
        expect(places.standGrid(idx)).toBe(geo.locate(pos[idx]![0], pos[idx]![1]));
      }
    }
    expect(crossings).toBeGreaterThan(n); // the walks did cross borders
    expect(lookups).toBeGreaterThan(0);
    // the visitors of every street and the district, against a scan
    for (const region of geo.regions.filter((r) => r.level !== 'grid' && r.level !== 'community')) {
      const scan: number[] = [];
      for (let idx = 0; idx < n; idx++) {
        const stand = geo.locate(pos[idx]![0], pos[idx]![1]);
        if (stand && geo.isWithin(stand, region.code) && !geo.isWithin(patrolsByIdx[idx]!.gridCode, region.code)) scan.push(idx);
      }
      expect(places.visitorsIn(region.code)).toEqual(scan);
    }
  });

  it('reports a crossing once, with where it came from and where it went', () => {
    const [g1, g2] = grids.filter((g) => geo.locate(g.center[0], g.center[1]) === g.code);
    const patrolsByIdx = [{ idx: 0, gridCode: g1!.code } as Patrol];
    const tracker = new PositionTracker(1);
    const places = new PatrolPlaces(geo, tracker, () => patrolsByIdx);
    tracker.update(0, g1!.center[0], g1!.center[1], 1);
    expect(places.settle([0])).toEqual([{ idx: 0, from: null, to: g1!.code }]);
    tracker.update(0, g1!.center[0] + 1e-7, g1!.center[1], 2);
    expect(places.settle([0])).toEqual([]);
    expect(places.isAway(0)).toBe(false);
    tracker.update(0, g2!.center[0], g2!.center[1], 3);
    expect(places.settle([0])).toEqual([{ idx: 0, from: g1!.code, to: g2!.code }]);
    expect(places.isAway(0)).toBe(true);
    tracker.update(0, 0.5, 0.5, 4); // outside every grid
    expect(places.settle([0])).toEqual([{ idx: 0, from: g2!.code, to: null }]);
    expect(places.isAway(0)).toBe(false);
  });
});
