/**
 * The tally of units per region, kept as units change, gives for every region what the reference
 * definitions (patrolFigures, cameraFigures) give from the region's units as they are now.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Camera } from '@shared/schemas/camera';
import type { Patrol } from '@shared/schemas/patrol';
import { cameraFigures, patrolFigures } from '../../server/domain/stats';
import { generateCity } from '../../server/geo/generateCity';
import { createGeoContext } from '../../server/hub/createGeoContext';
import { RosterTally } from '../../server/hub/rosterTally';

const geo = createGeoContext(generateCity({ seed: 'tally', scale: 'district' }));
const grids = geo.descendants(geo.rootCode).filter((r) => r.level === 'grid').slice(0, 12);
const regions = [geo.rootCode, ...new Set(grids.flatMap((g) => geo.path(g.code)))];

const PATROL_STATUSES = ['on_duty', 'responding', 'off_duty', 'offline'] as const;
const CAMERA_STATUSES = ['online', 'offline', 'video_lost', 'fault'] as const;

// a unit is replaced by another of the same id: new status, alarm, or grid (an unknown grid too)
const change = fc.record({
  camera: fc.boolean(),
  id: fc.integer({ min: 0, max: 15 }),
  grid: fc.integer({ min: 0, max: grids.length }),
  status: fc.integer({ min: 0, max: 3 }),
  alarm: fc.boolean(),
  remove: fc.boolean(),
});

function gridOf(k: number): string {
  return grids[k]?.code ?? '990000000000000';
}

describe('RosterTally', () => {
  it('matches patrolFigures and cameraFigures of every region after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 80 }), (changes) => {
        const tally = new RosterTally(geo);
        const patrols = new Map<number, Patrol>();
        const cameras = new Map<number, Camera>();
        for (const c of changes) {
          if (c.camera) {
            const next = c.remove ? undefined : ({ id: `C${c.id}`, gridCode: gridOf(c.grid), status: CAMERA_STATUSES[c.status], alarm: c.alarm ? { type: 'crowd', at: 1 } : null } as unknown as Camera);
            tally.camera(cameras.get(c.id), next);
            if (next) cameras.set(c.id, next);
            else cameras.delete(c.id);
          } else {
            const next = c.remove ? undefined : ({ id: `P${c.id}`, gridCode: gridOf(c.grid), status: PATROL_STATUSES[c.status] } as unknown as Patrol);
            tally.patrol(patrols.get(c.id), next);
            if (next) patrols.set(c.id, next);
            else patrols.delete(c.id);
          }
        }
        for (const code of regions) {
          const inside = <U extends { gridCode: string }>(units: Iterable<U>) => [...units].filter((u) => geo.get(u.gridCode) && geo.path(u.gridCode).includes(code));
          expect(tally.figures(code)).toEqual({ patrols: patrolFigures(inside(patrols.values())), cameras: cameraFigures(inside(cameras.values())) });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a region without units has no rates, not zero ones', () => {
    const figures = new RosterTally(geo).figures(geo.rootCode);
    expect(figures.patrols.onDutyRate).toBeNull();
    expect(figures.cameras.onlineRate).toBeNull();
  });
});
