/** The index of patrols and cameras by region agrees with a containment scan, and follows roster reloads. */
import { describe, expect, it } from 'vitest';
import { generateCity } from '../../server/geo/generateCity';
import { createGeoContext } from '../../server/hub/createGeoContext';
import { UnitIndex } from '../../server/hub/unitIndex';

const geo = createGeoContext(generateCity({ seed: 'unit', scale: 'district' }));
const grids = geo.descendants(geo.rootCode).filter((r) => r.level === 'grid');

describe('UnitIndex', () => {
  it('gives every region exactly the units a scan finds, as they are now', () => {
    const units = new Map<string, { id: string; gridCode: string; status: string }>();
    for (let k = 0; k < 500; k++) units.set(`u${k}`, { id: `u${k}`, gridCode: k % 50 === 0 ? 'nowhere' : grids[(k * 7919) % grids.length]!.code, status: 'a' });
    let version = 1;
    const index = new UnitIndex(geo, () => units.entries(), (id) => units.get(id), () => version);
    for (const region of [geo.get(geo.rootCode)!, ...geo.descendants(geo.rootCode)]) {
      const scan = [...units.values()].filter((u) => geo.isWithin(u.gridCode, region.code)).map((u) => u.id).sort();
      expect(index.inRegion(region.code).map((u) => u.id).sort()).toEqual(scan);
      expect(index.count(region.code)).toBe(scan.length);
    }
    expect(index.count('unknown-region')).toBe(0);
    // a status change replaces the object, not the grid: read as it is now without a rebuild
    units.set('u1', { ...units.get('u1')!, status: 'b' });
    const grid = units.get('u1')!.gridCode;
    expect(index.inRegion(grid).find((u) => u.id === 'u1')!.status).toBe('b');
    // a reloaded roster moves the version: the index is rebuilt
    units.set('new', { id: 'new', gridCode: grids[0]!.code, status: 'a' });
    expect(index.inRegion(grids[0]!.code).some((u) => u.id === 'new')).toBe(false);
    version++;
    expect(index.inRegion(grids[0]!.code).some((u) => u.id === 'new')).toBe(true);
  });
});
