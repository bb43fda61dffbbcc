/**
 * The point index (kdbush + geokdbush in shards) against a naive scan of every point, on random
 * points; the stale-index ranking of moving patrols; cameras that see a point vs direction unknown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCameraIndexes, camerasSeeing, GeoPointIndex, haversineM, nearestMoving, sightOf, type CameraOptics } from '../../server/domain/nearby';
import { runToEnd } from '../../server/lib/slices';

interface Pt {
  lng: number;
  lat: number;
}

function build(points: readonly Pt[], shardSize?: number): GeoPointIndex {
  return runToEnd(
    GeoPointIndex.build(
      points.map((_, i) => i),
      points.map((p) => p.lng),
      points.map((p) => p.lat),
      shardSize,
    ),
  );
}

function naive(points: readonly Pt[], lng: number, lat: number, k: number, maxM: number, keep: (i: number) => boolean = () => true) {
  return points
    .map((p, id) => ({ id, distanceM: haversineM(lng, lat, p.lng, p.lat) }))
    .filter((h) => h.distanceM <= maxM && keep(h.id))
    .sort((a, b) => a.distanceM - b.distanceM || a.id - b.id)
    .slice(0, k);
}

// a city-sized box around Ningbo: about 50 × 45 km
const lngArb = fc.double({ min: 121.3, max: 121.8, noNaN: true });
const latArb = fc.double({ min: 29.7, max: 30.1, noNaN: true });
const pointArb = fc.record({ lng: lngArb, lat: latArb });

describe('GeoPointIndex', () => {
  it('finds the same k nearest within a radius as a scan of every point (random points, several shards)', () => {
    fc.assert(
      fc.property(
        fc.array(pointArb, { minLength: 0, maxLength: 600 }),
        pointArb,
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 100, max: 20_000 }),
        fc.integer({ min: 16, max: 256 }),
        (points, q, k, maxM, shardSize) => {
          const index = build(points, shardSize);
          const got = index.nearest(q.lng, q.lat, k, maxM);
          const want = naive(points, q.lng, q.lat, k, maxM);
          expect(got.map((h) => h.distanceM)).toEqual(want.map((h) => h.distanceM));
          expect(new Set(got.map((h) => h.id))).toEqual(new Set(want.map((h) => h.id)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('applies a filter the way a scan does, and answers every point within the radius for k = Infinity', () => {
    fc.assert(
      fc.property(fc.array(pointArb, { minLength: 1, maxLength: 400 }), pointArb, (points, q) => {
        const index = build(points, 64);
        const even = (id: number) => id % 2 === 0;
        expect(index.nearest(q.lng, q.lat, 7, 8_000, even).map((h) => h.id)).toEqual(naive(points, q.lng, q.lat, 7, 8_000, even).map((h) => h.id));
        expect(index.nearest(q.lng, q.lat, Infinity, 5_000).length).toBe(naive(points, q.lng, q.lat, Infinity, 5_000).length);
      }),
      { numRuns: 60 },
    );
  });

  it('an empty index answers nothing; shards are cut at the shard size', () => {
    expect(build([]).nearest(121.5, 29.9, 10, 3_000)).toEqual([]);
    const points = Array.from({ length: 100 }, (_, i) => ({ lng: 121.5 + i * 1e-4, lat: 29.9 }));
    expect(build(points, 32).shardCount).toBe(4);
  });
});

describe('nearestMoving', () => {
  it('ranks by where candidates are now, not where the index saw them, within the slack', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ lng: lngArb, lat: latArb, dLng: fc.double({ min: -0.002, max: 0.002, noNaN: true }), dLat: fc.double({ min: -0.002, max: 0.002, noNaN: true }), on: fc.boolean() }), {
          minLength: 1,
          maxLength: 300,
        }),
        pointArb,
        fc.integer({ min: 1, max: 15 }),
        (patrols, q, k) => {
          const index = build(patrols, 50);
          const now = patrols.map((p) => ({ lng: p.lng + p.dLng, lat: p.lat + p.dLat, on: p.on }));
          // how far any patrol moved since the "build", as the hub bounds it (age × top speed)
          const slackM = Math.max(0, ...patrols.map((p, i) => haversineM(p.lng, p.lat, now[i]!.lng, now[i]!.lat))) + 1;
          const got = nearestMoving(index, q.lng, q.lat, k, 10_000, slackM, (id) => (now[id]!.on ? now[id]! : null));
          const want = naive(now, q.lng, q.lat, k, 10_000, (id) => now[id]!.on);
          expect(got.map((h) => h.distanceM)).toEqual(want.map((h) => h.distanceM));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('camerasSeeing', () => {
  const here = { lng: 121.55, lat: 29.87 };
  // east of the point by about 50 m and 100 m, north by about 300 m
  const cameras: (CameraOptics & { id: string })[] = [
    { id: 'looks-west', lng: 121.5505, lat: 29.87, heading: 270, fovDeg: 60, rangeM: 100 },
    { id: 'looks-east', lng: 121.5505, lat: 29.87, heading: 90, fovDeg: 60, rangeM: 100 },
    { id: 'too-short', lng: 121.551, lat: 29.87, heading: 270, fovDeg: 60, rangeM: 50 },
    { id: 'unknown-near', lng: 121.551, lat: 29.87 },
    { id: 'unknown-far', lng: 121.55, lat: 29.8727 },
    { id: 'high-point', lng: 121.55, lat: 29.885, heading: 180, fovDeg: 60, rangeM: 2_500 },
  ];
  const indexes = runToEnd(buildCameraIndexes(cameras));
  const ask = (radiusM: number, limit = 10) => camerasSeeing(indexes, here.lng, here.lat, { radiusM, limit }, (i) => cameras[i]!);

  it('keeps high-point cameras apart in an index of their own', () => {
    expect(indexes.all.size).toBe(cameras.length);
    expect(indexes.longRange.size).toBe(1);
    expect(indexes.longestRangeM).toBe(2_500);
  });

  it('lists those that see the point first, then those of unknown direction, each nearest first; those looking away are left out', () => {
    const list = ask(500);
    expect(list.map((c) => [c.camera.id, c.sees])).toEqual([
      ['looks-west', true],
      ['high-point', true],
      ['unknown-near', null],
      ['unknown-far', null],
    ]);
    for (const c of list) expect(c.sees).toBe(sightOf(c.camera, here.lng, here.lat).sees);
  });

  it('lists unknown-direction cameras only within the radius, and at most `limit` of each kind', () => {
    expect(ask(200).map((c) => c.camera.id)).toEqual(['looks-west', 'high-point', 'unknown-near']);
    expect(ask(500, 1).map((c) => c.camera.id)).toEqual(['looks-west', 'unknown-near']);
  });
});
