import { describe, expect, it } from 'vitest';
import { HubError } from '@shared/errors';
import type { Region, RegionLevel } from '@shared/schemas/region';
import { RegionTree } from '../../server/domain/regions/regionTree';

function region(code: string, level: RegionLevel, parentCode: string | null): Region {
  return { code, name: code, level, parentCode, center: [121.5, 29.8], bbox: [121, 29, 122, 30], generated: false };
}

/** a small city: 2 districts, 2 streets, 2 communities, 3 grids */
function smallCity(): Region[] {
  return [
    region('C', 'city', null),
    region('D1', 'district', 'C'),
    region('D2', 'district', 'C'),
    region('S1', 'street', 'D1'),
    region('S2', 'street', 'D2'),
    region('M1', 'community', 'S1'),
    region('M2', 'community', 'S2'),
    region('G1', 'grid', 'M1'),
    region('G2', 'grid', 'M1'),
    region('G3', 'grid', 'M2'),
  ];
}

function refusal(build: () => unknown): HubError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(HubError);
    return error as HubError;
  }
  throw new Error('expected the tree to be refused');
}

describe('RegionTree', () => {
  it('gives the path from the city down to a grid, inclusive', () => {
    const tree = new RegionTree(smallCity());
    expect(tree.path('G2')).toEqual(['C', 'D1', 'S1', 'M1', 'G2']);
    expect(tree.path('C')).toEqual(['C']);
    expect(tree.ancestors('G2')).toEqual(['M1', 'S1', 'D1', 'C']);
  });

  it('lists children, parent, root and regions by level', () => {
    const tree = new RegionTree(smallCity());
    expect(tree.root.code).toBe('C');
    expect(tree.children('M1').map((r) => r.code)).toEqual(['G1', 'G2']);
    expect(tree.children('G1')).toEqual([]);
    expect(tree.parent('S2')?.code).toBe('D2');
    expect(tree.parent('C')).toBeUndefined();
    expect(tree.byLevel('grid').map((r) => r.code)).toEqual(['G1', 'G2', 'G3']);
    expect(tree.ancestorAtLevel('G3', 'street')?.code).toBe('S2');
    expect(tree.count).toBe(10);
  });

  it('lists every descendant of a region and nothing else', () => {
    const tree = new RegionTree(smallCity());
    expect(tree.descendants('D1').map((r) => r.code)).toEqual(['S1', 'M1', 'G1', 'G2']);
    expect(tree.descendants('G1')).toEqual([]);
    expect(tree.descendants('C')).toHaveLength(9);
    expect(tree.subtreeCodes('S2')).toEqual(['S2', 'M2', 'G3']);
  });

  it('answers isWithin for the region itself, its ancestors, and not for siblings or unknown codes', () => {
    const tree = new RegionTree(smallCity());
    expect(tree.isWithin('G1', 'G1')).toBe(true);
    expect(tree.isWithin('G1', 'D1')).toBe(true);
    expect(tree.isWithin('G1', 'C')).toBe(true);
    expect(tree.isWithin('G1', 'D2')).toBe(false);
    expect(tree.isWithin('D1', 'G1')).toBe(false);
    expect(tree.isWithin('nope', 'C')).toBe(false);
  });

  it('reports an unknown code as UNKNOWN_REGION', () => {
    const tree = new RegionTree(smallCity());
    expect(tree.get('nope')).toBeUndefined();
    expect(tree.has('nope')).toBe(false);
    expect(() => tree.path('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_REGION' }));
  });

  it('refuses duplicate codes', () => {
    const error = refusal(() => new RegionTree([...smallCity(), region('G1', 'grid', 'M2')]));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('duplicate region code G1');
  });

  it('refuses an unknown parent', () => {
    const error = refusal(() => new RegionTree([...smallCity(), region('G9', 'grid', 'M9')]));
    expect(error.message).toContain('unknown parent M9');
  });

  it('refuses zero or several roots', () => {
    expect(refusal(() => new RegionTree([])).message).toContain('exactly one root');
    expect(refusal(() => new RegionTree([...smallCity(), region('C2', 'city', null)])).message).toContain('found 2');
  });

  it('refuses a cycle', () => {
    const regions = [...smallCity(), region('X1', 'street', 'X2'), region('X2', 'community', 'X1')];
    const error = refusal(() => new RegionTree(regions));
    expect(error.message).toContain('cycle');
    expect(error.message).toContain('X1');
  });

  it('refuses a child that is not below its parent level', () => {
    const error = refusal(() => new RegionTree([...smallCity(), region('S9', 'street', 'M1')]));
    expect(error.message).toContain('is not below its parent');
  });
});
