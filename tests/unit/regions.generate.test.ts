import { describe, expect, it } from 'vitest';
import { RegionWithGeometry, type RegionLevel } from '@shared/schemas/region';
import { multiPolygonAreaM2 } from '../../server/domain/regions/geo';
import { GridIndex } from '../../server/domain/regions/gridIndex';
import { pointInMultiPolygon } from '../../server/domain/regions/pointInPolygon';
import { RegionTree } from '../../server/domain/regions/regionTree';
import { planGrids } from '../../server/geo/allocation';
import { generateCity, SCALES } from '../../server/geo/generateCity';
import { loadNingbo } from '../../server/geo/ningbo';
import { createRng } from '../../server/lib/rng';

// generated once for the file: the city scale takes a few hundred milliseconds
const city = generateCity({ seed: 'unit', scale: 'city' });
const tree = new RegionTree(city);
const grids = city.filter((r) => r.level === 'grid');
const index = new GridIndex(grids);
const count = (level: RegionLevel): number => city.filter((r) => r.level === level).length;

function naiveLocate(lng: number, lat: number): string | null {
  // grids are sorted by code, so the first match is the lowest code, as in the index
  for (const g of grids) {
    if (lng < g.bbox[0] || lng > g.bbox[2] || lat < g.bbox[1] || lat > g.bbox[3]) continue;
    if (pointInMultiPolygon(lng, lat, g.polygons)) return g.code;
  }
  return null;
}

describe('generateCity at city scale', () => {
  it('has one city, the 10 real districts, 156 real streets and about 1,300 grids', () => {
    expect(count('city')).toBe(1);
    expect(count('district')).toBe(10);
    expect(count('street')).toBe(156);
    expect(count('grid')).toBeGreaterThan(1_200);
    expect(count('grid')).toBeLessThan(1_400);
    expect(count('community')).toBeGreaterThan(156);
    expect(tree.root.code).toBe('330200');
    expect(tree.get('330213')?.name).toBe('奉化区');
    expect(tree.has('330283')).toBe(false);
  });

  it('produces regions that satisfy the shared schema and form one tree', () => {
    for (const region of city) expect(RegionWithGeometry.safeParse(region).success).toBe(true);
    for (const g of grids) {
      expect(tree.parent(g.code)?.level).toBe('community');
      expect(tree.path(g.code)).toHaveLength(5);
      expect(g.code).toMatch(new RegExp(`^${g.parentCode}\\d{3}$`));
      expect(g.name).toMatch(/第\d+网格$/);
    }
    for (const street of tree.byLevel('street')) expect(tree.children(street.code).length).toBeGreaterThan(0);
    for (const community of tree.byLevel('community')) expect(tree.children(community.code).length).toBeGreaterThan(0);
  });

  it('marks districts and the city as surveyed and everything below as generated', () => {
    for (const region of city) expect(region.generated).toBe(!['city', 'district'].includes(region.level));
  });

  it('gives every grid closed, non-degenerate polygons and a centre inside itself', () => {
    for (const g of grids) {
      expect(multiPolygonAreaM2(g.polygons)).toBeGreaterThan(1);
      for (const polygon of g.polygons) {
        for (const ring of polygon) {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[0]).toEqual(ring[ring.length - 1]);
        }
      }
      expect(index.locate(g.center[0], g.center[1])).toBe(g.code);
    }
  });

  it('locates like a naive linear scan on thousands of random points', () => {
    const rng = createRng('agree');
    const box = tree.root.bbox;
    let found = 0;
    for (let i = 0; i < 5_000; i++) {
      const lng = rng.float(box[0], box[2]);
      const lat = rng.float(box[1], box[3]);
      const expected = naiveLocate(lng, lat);
      expect(index.locate(lng, lat)).toBe(expected);
      if (expected) found++;
    }
    expect(found).toBeGreaterThan(1_000); // the check is not vacuous: many points are on land
  });

  it('covers every district with its own grids (points in a district land in a grid of it)', () => {
    const rng = createRng('cover');
    let misses = 0;
    let tries = 0;
    for (const district of tree.byLevel('district')) {
      const shape = district as RegionWithGeometry;
      for (let hit = 0; hit < 200; ) {
        const lng = rng.float(shape.bbox[0], shape.bbox[2]);
        const lat = rng.float(shape.bbox[1], shape.bbox[3]);
        if (!pointInMultiPolygon(lng, lat, shape.polygons)) continue;
        hit++;
        tries++;
        const code = index.locate(lng, lat);
        if (code === null || !tree.isWithin(code, district.code)) misses++;
      }
    }
    // borders are rounded independently at the micro-degree, so allow a vanishing share
    expect(misses / tries).toBeLessThan(0.002);
  });

  it('makes grids in 街道 smaller than in 镇 and 乡, and gives 街道 more grids', () => {
    const kinds = new Map(loadNingbo().streets.map((s) => [s.code, s.kind]));
    const stats = { subdistrict: { area: 0, grids: 0, streets: 0 }, town: { area: 0, grids: 0, streets: 0 }, township: { area: 0, grids: 0, streets: 0 } };
    for (const street of tree.byLevel('street')) {
      const kind = kinds.get(street.code);
      if (!kind) throw new Error(`no kind for ${street.code}`);
      const streetGrids = tree.descendants(street.code).filter((r) => r.level === 'grid') as RegionWithGeometry[];
      stats[kind].streets++;
      stats[kind].grids += streetGrids.length;
      for (const g of streetGrids) stats[kind].area += multiPolygonAreaM2(g.polygons);
    }
    const meanArea = (k: keyof typeof stats) => stats[k].area / stats[k].grids;
    const gridsPerStreet = (k: keyof typeof stats) => stats[k].grids / stats[k].streets;
    expect(meanArea('subdistrict')).toBeLessThan(meanArea('town'));
    expect(meanArea('town')).toBeLessThan(meanArea('township'));
    expect(gridsPerStreet('subdistrict')).toBeGreaterThan(gridsPerStreet('township'));
  });
});

describe('generateCity determinism and scales', () => {
  const first = generateCity({ seed: 'same', scale: 'district' });

  it('gives identical output for the same seed', () => {
    expect(generateCity({ seed: 'same', scale: 'district' })).toEqual(first);
  });

  it('gives different polygons for a different seed, with the same real names and codes', () => {
    const other = generateCity({ seed: 'other', scale: 'district' });
    const streets = (rs: RegionWithGeometry[]) => rs.filter((r) => r.level === 'street');
    expect(streets(other).map((r) => [r.code, r.name])).toEqual(streets(first).map((r) => [r.code, r.name]));
    expect(streets(other).map((r) => r.polygons)).not.toEqual(streets(first).map((r) => r.polygons));
  });

  it('covers only 海曙区 with about 300 grids at district scale, under the city root', () => {
    const levels = new Map<string, number>();
    for (const r of first) levels.set(r.level, (levels.get(r.level) ?? 0) + 1);
    expect(levels.get('city')).toBe(1);
    expect(first.filter((r) => r.level === 'district').map((r) => r.code)).toEqual(['330203']);
    expect(levels.get('street')).toBe(17);
    expect(levels.get('grid')).toBeGreaterThan(250);
    expect(levels.get('grid')).toBeLessThan(350);
    expect(new RegionTree(first).path(first[first.length - 1]?.code ?? '')).toHaveLength(5);
  });

  it('plans about 61,000 grids at province scale, every real committee kept with at least one grid', () => {
    const source = loadNingbo();
    const plans = planGrids(
      source.streets.map((s) => ({ ...s, communities: source.communities.filter((c) => c.streetCode === s.code) })),
      SCALES.province.grids,
    );
    const communities = plans.flatMap((p) => p.communities);
    const total = communities.reduce((s, c) => s + c.grids, 0);
    expect(total).toBeGreaterThan(60_000);
    expect(total).toBeLessThan(62_000);
    expect(communities).toHaveLength(source.communities.length);
    expect(Math.min(...communities.map((c) => c.grids))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...communities.map((c) => c.grids))).toBeLessThan(1_000);
  });
});
