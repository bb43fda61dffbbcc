import { describe, expect, it } from 'vitest';
import type { BBox, LngLat } from '@shared/schemas/common';
import type { MultiPolygonCoords } from '@shared/schemas/region';
import { bboxOfMultiPolygon } from '../../server/domain/regions/geo';
import { GridIndex, type IndexedGrid } from '../../server/domain/regions/gridIndex';
import { pointInMultiPolygon, pointInPolygon, pointInRing } from '../../server/domain/regions/pointInPolygon';

/** an axis-aligned square as a closed counter-clockwise ring */
function square(x0: number, y0: number, size: number): LngLat[] {
  return [
    [x0, y0],
    [x0 + size, y0],
    [x0 + size, y0 + size],
    [x0, y0 + size],
    [x0, y0],
  ];
}

function grid(code: string, polygons: MultiPolygonCoords): IndexedGrid {
  return { code, polygons, bbox: bboxOfMultiPolygon(polygons) as BBox };
}

/** four unit squares meeting at (121, 30); the north-east one has a hole */
const quad: IndexedGrid[] = [
  grid('SW', [[square(120, 29, 1)]]),
  grid('SE', [[square(121, 29, 1)]]),
  grid('NW', [[square(120, 30, 1)]]),
  grid('NE', [[square(121, 30, 1), square(121.4, 30.4, 0.2).reverse()]]),
];

describe('point in polygon', () => {
  it('finds points inside and outside a ring, whether or not the ring is closed', () => {
    const ring = square(0, 0, 1);
    expect(pointInRing(0.5, 0.5, ring)).toBe(true);
    expect(pointInRing(1.5, 0.5, ring)).toBe(false);
    expect(pointInRing(0.5, 0.5, ring.slice(0, 4))).toBe(true);
  });

  it('treats a point in a hole as outside, and inside an island within the hole as inside', () => {
    const withHole = [square(0, 0, 10), square(4, 4, 2).reverse()];
    expect(pointInPolygon(5, 5, withHole)).toBe(false);
    expect(pointInPolygon(1, 1, withHole)).toBe(true);
    const islandInHole = [withHole, [square(4.5, 4.5, 1)]];
    expect(pointInMultiPolygon(5, 5, islandInHole)).toBe(true);
    expect(pointInMultiPolygon(4.2, 4.2, islandInHole)).toBe(false);
  });

  it('owns the lower and left edges of a polygon, not the upper and right ones', () => {
    const ring = square(0, 0, 1);
    expect(pointInRing(0, 0.5, ring)).toBe(true);
    expect(pointInRing(0.5, 0, ring)).toBe(true);
    expect(pointInRing(1, 0.5, ring)).toBe(false);
    expect(pointInRing(0.5, 1, ring)).toBe(false);
  });

  it('gives the same answer for an edge whichever way round it is stored', () => {
    const triangle: LngLat[] = [
      [0, 0],
      [3, 1],
      [0, 2],
    ];
    const reversed = triangle.slice().reverse();
    for (const [x, y] of [
      [1.5, 0.5],
      [1.5, 1.5],
      [2.9, 1],
      [0, 1],
    ] as const) {
      expect(pointInRing(x, y, reversed)).toBe(pointInRing(x, y, triangle));
    }
  });
});

describe('GridIndex.locate', () => {
  const index = new GridIndex(quad);

  it('finds the grid containing a point', () => {
    expect(index.locate(120.5, 29.5)).toBe('SW');
    expect(index.locate(121.5, 29.5)).toBe('SE');
    expect(index.locate(120.5, 30.5)).toBe('NW');
    expect(index.locate(121.2, 30.2)).toBe('NE');
  });

  it('gives a point on a shared vertical edge to the grid on its right', () => {
    expect(index.locate(121, 29.5)).toBe('SE');
    expect(index.locate(121, 30.5)).toBe('NE');
  });

  it('gives a point on a shared horizontal edge to the grid above it', () => {
    expect(index.locate(120.5, 30)).toBe('NW');
  });

  it('gives the vertex shared by four grids to exactly one of them, the north-east one', () => {
    expect(index.locate(121, 30)).toBe('NE');
    const owners = quad.filter((g) => pointInMultiPolygon(121, 30, g.polygons)).map((g) => g.code);
    expect(owners).toEqual(['NE']);
  });

  it('returns null in a hole, outside every grid, on the outer upper/right boundary, and for NaN', () => {
    expect(index.locate(121.5, 30.5)).toBeNull();
    expect(index.locate(119.5, 29.5)).toBeNull();
    expect(index.locate(122, 29.5)).toBeNull();
    expect(index.locate(121.5, 31)).toBeNull();
    expect(index.locate(Number.NaN, 30)).toBeNull();
  });

  it('lets the lower code win when two grids overlap', () => {
    const overlapping = new GridIndex([grid('B', [[square(0, 0, 2)]]), grid('A', [[square(1, 1, 2)]])]);
    expect(overlapping.locate(1.5, 1.5)).toBe('A');
    expect(overlapping.locate(0.5, 0.5)).toBe('B');
  });

  it('works with no grids at all', () => {
    expect(new GridIndex([]).locate(121, 30)).toBeNull();
  });
});

describe('GridIndex.nearestGrid', () => {
  const index = new GridIndex(quad);

  it('returns the containing grid at distance 0', () => {
    expect(index.nearestGrid(120.5, 29.5, 100)).toEqual({ code: 'SW', meters: 0 });
  });

  it('returns the grid with the nearest edge within the limit, else null', () => {
    // 0.001° of latitude south of SE ≈ 111 m
    const near = index.nearestGrid(121.5, 28.999, 200);
    expect(near?.code).toBe('SE');
    expect(near?.meters).toBeGreaterThan(100);
    expect(near?.meters).toBeLessThan(120);
    expect(index.nearestGrid(121.5, 28.999, 50)).toBeNull();
  });

  it('finds the grid around a hole for a point inside the hole', () => {
    expect(index.nearestGrid(121.5, 30.5, 20_000)?.code).toBe('NE');
  });
});
