import { describe, expect, it } from 'vitest';
import type { LngLat } from '@shared/schemas/common';
import {
  bboxOfMultiPolygon,
  bufferBBox,
  centroid,
  distanceToMultiPolygonMeters,
  haversineMeters,
  interiorPoint,
  multiPolygonAreaM2,
  randomPointInPolygon,
} from '../../server/domain/regions/geo';
import { pointInMultiPolygon } from '../../server/domain/regions/pointInPolygon';
import { apportion } from '../../server/geo/allocation';
import { clipRingByHalfPlane } from '../../server/geo/clip';
import { douglasPeucker } from '../../server/geo/simplify';
import { createRng } from '../../server/lib/rng';

/** a "C" shape open to the east, whose centroid lies in the gap */
const cShape: LngLat[][][] = [
  [
    [
      [0, 0],
      [3, 0],
      [3, 1],
      [1, 1],
      [1, 2],
      [3, 2],
      [3, 3],
      [0, 3],
      [0, 0],
    ],
  ],
];

describe('geo helpers', () => {
  it('measures great-circle distances', () => {
    // one degree of latitude ≈ 111.2 km; Ningbo 三江口 to Beijing 天安门 ≈ 1,215 km
    expect(haversineMeters([121, 29], [121, 30])).toBeCloseTo(111_195, -1);
    expect(haversineMeters([121.549, 29.873], [116.397, 39.909]) / 1000).toBeCloseTo(1_215, -1);
    expect(haversineMeters([121, 29], [121, 29])).toBe(0);
  });

  it('measures areas on the local plane, holes subtracted', () => {
    const km = 1 / 111.195; // about a kilometre of latitude, in degrees
    const square: LngLat[] = [
      [0, 0],
      [km, 0],
      [km, km],
      [0, km],
      [0, 0],
    ];
    expect(multiPolygonAreaM2([[square]]) / 1e6).toBeCloseTo(1, 2);
    const hole = square.map(([x, y]) => [x / 2 + km / 4, y / 2 + km / 4] as LngLat).reverse();
    expect(multiPolygonAreaM2([[square, hole]]) / 1e6).toBeCloseTo(0.75, 2);
  });

  it('finds a centroid, and an interior point even when the centroid is outside', () => {
    const c = centroid(cShape);
    expect(pointInMultiPolygon(c[0], c[1], cShape)).toBe(false);
    const p = interiorPoint(cShape);
    expect(pointInMultiPolygon(p[0], p[1], cShape)).toBe(true);
  });

  it('computes and buffers bounding boxes', () => {
    expect(bboxOfMultiPolygon(cShape)).toEqual([0, 0, 3, 3]);
    const grown = bufferBBox([121, 29, 122, 30], 1_000);
    expect(grown[1]).toBeCloseTo(29 - 1_000 / 111_195, 6);
  });

  it('measures the distance from a point to a shape, zero inside', () => {
    expect(distanceToMultiPolygonMeters([0.5, 0.5], cShape)).toBe(0);
    expect(distanceToMultiPolygonMeters([2, 1.5], cShape)).toBeCloseTo(0.5 * 111_195 * Math.cos((1.5 * Math.PI) / 180), -2);
  });

  it('draws random points inside the shape, the same ones for the same seed', () => {
    const a = createRng('points');
    const b = createRng('points');
    for (let i = 0; i < 200; i++) {
      const p = randomPointInPolygon(cShape, a);
      expect(pointInMultiPolygon(p[0], p[1], cShape)).toBe(true);
      expect(randomPointInPolygon(cShape, b)).toEqual(p);
    }
  });
});

describe('rng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = createRng('seed');
    const b = createRng('seed');
    const c = createRng('other');
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    for (const v of seqA) expect(v >= 0 && v < 1).toBe(true);
  });

  it('draws integers in range, picks, weighted picks, normals and shuffles', () => {
    const rng = createRng('helpers');
    const counts = [0, 0, 0];
    for (let i = 0; i < 3_000; i++) {
      const n = rng.int(1, 3);
      expect(Number.isInteger(n) && n >= 1 && n <= 3).toBe(true);
      counts[n - 1]!++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
    for (let i = 0; i < 100; i++) expect(rng.weighted(['never', 'always'], [0, 1])).toBe('always');
    const normals = Array.from({ length: 4_000 }, () => rng.normal(10, 2));
    const mean = normals.reduce((s, v) => s + v, 0) / normals.length;
    expect(mean).toBeCloseTo(10, 0);
    expect(rng.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => rng.pick([])).toThrow(RangeError);
    expect(() => rng.weighted(['a'], [0])).toThrow(RangeError);
  });

  it('forks independent, reproducible streams', () => {
    const x = createRng('root').fork('streets').next();
    expect(createRng('root').fork('streets').next()).toBe(x);
    expect(createRng('root').fork('grids').next()).not.toBe(x);
  });
});

describe('generator building blocks', () => {
  it('splits a total by weight with a minimum per share', () => {
    expect(apportion([1, 1, 2], 8)).toEqual([2, 2, 4]);
    expect(apportion([100, 1], 10)).toEqual([9, 1]);
    expect(apportion([1, 1], 1)).toEqual([1, 1]);
    expect(apportion([3, 1, 1], 13).reduce((s, v) => s + v, 0)).toBe(13);
  });

  it('cuts a concave ring into separate pieces, never joined by a bridge', () => {
    // the C shape cut by x <= 2 keeps the spine and two arms: one piece; cut by x >= 2: two arms
    const ring = (cShape[0]?.[0] ?? []).slice(0, -1).map(([x, y]) => [x, y] as [number, number]);
    expect(clipRingByHalfPlane(ring, { nx: 1, ny: 0, d: 2 })).toHaveLength(1);
    const arms = clipRingByHalfPlane(ring, { nx: -1, ny: 0, d: -2 });
    expect(arms).toHaveLength(2);
    for (const arm of arms) expect(arm).toHaveLength(4);
  });

  it('simplifies a polyline within the tolerance and keeps its ends', () => {
    const line: [number, number][] = [
      [0, 0],
      [1, 0.01],
      [2, -0.01],
      [3, 5],
      [4, 6],
      [5, 7],
      [6, 8],
    ];
    expect(douglasPeucker(line, 0.1)).toEqual([
      [0, 0],
      [2, -0.01],
      [3, 5],
      [6, 8],
    ]);
  });
});
