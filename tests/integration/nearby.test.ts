/**
 * GET /api/nearby against a real hub (port 0): the on-duty patrols nearest to a point or a case,
 * sorted by distance with their ETA, offline and off-duty patrols left out, a patrol that moved
 * since the index was built ranked where it is now, cameras that see the point vs direction
 * unknown, and the refusals (400 bad input, 404 unknown case).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '@shared/schemas/camera';
import { NearbyResponse } from '@shared/schemas/nearby';
import type { Patrol, PatrolKind, PatrolRole, PatrolStatus } from '@shared/schemas/patrol';
import { INGEST_HEADERS, grids, startTestHub, type TestHub } from './harness';

let t: TestHub;
const grid = grids()[0]!;
const [P_LNG, P_LAT] = grid.center;
const M_PER_DEG_LAT = 111_195;
/** a point `east` and `north` metres from P */
const near = (east: number, north: number): [number, number] => [P_LNG + east / (M_PER_DEG_LAT * Math.cos((P_LAT * Math.PI) / 180)), P_LAT + north / M_PER_DEG_LAT];

function patrol(idx: number, status: PatrolStatus, kind: PatrolKind, role: PatrolRole, at: [number, number] | null, now: number): Patrol {
  return { id: `np-${idx}`, idx, name: `巡查${idx}`, kind, role, gridCode: grid.code, status, statusSince: now, lng: at?.[0] ?? null, lat: at?.[1] ?? null, fixAt: at ? now : null };
}

function camera(id: string, at: [number, number], optics: Partial<Camera>, now: number): Camera {
  return { id, gbId: null, name: `点位${id}`, gridCode: grid.code, lng: at[0], lat: at[1], status: 'online', statusSince: now, alarm: null, owner: '公安', ...optics };
}

async function nearby(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.url}/api/nearby?${query}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  t = await startTestHub({ fusion: 'off' });
  const now = Date.now();
  await t.hub.loadRoster(
    [
      camera('c-sees', near(100, 0), { heading: 270, fovDeg: 60, rangeM: 150 }, now), // 100 m east, looking west
      camera('c-away', near(50, 0), { heading: 90, fovDeg: 60, rangeM: 150 }, now), // 50 m east, looking east
      camera('c-unknown', near(0, 80), {}, now), // 80 m north, direction unknown
      camera('c-far-unknown', near(0, 900), {}, now), // beyond the default 500 m
    ],
    [
      patrol(0, 'on_duty', 'worker', 'grid_manager', near(0, 100), now), // 100 m, on foot
      patrol(1, 'responding', 'worker', 'police', near(0, -200), now), // 200 m, e-bike
      patrol(2, 'on_duty', 'unit', 'police', near(300, 0), now), // 300 m, car
      patrol(3, 'offline', 'worker', 'grid_manager', near(0, 50), now), // nearest, but offline
      patrol(4, 'off_duty', 'worker', 'grid_manager', near(0, 60), now), // near, off duty
      patrol(5, 'on_duty', 'worker', 'assistant', null, now), // no fix yet
      patrol(6, 'on_duty', 'worker', 'assistant', near(0, 5_000), now), // outside the default 3 km
    ],
  );
});
afterAll(async () => {
  await t.close();
});

describe('GET /api/nearby', () => {
  it('answers the on-duty and responding patrols nearest first with distance and ETA by mode; offline, off-duty and unfixed ones are left out', async () => {
    const { status, body } = await nearby(`lng=${P_LNG}&lat=${P_LAT}`);
    expect(status).toBe(200);
    const parsed = NearbyResponse.parse(body);
    expect(parsed.at).toEqual({ lng: P_LNG, lat: P_LAT });
    expect(parsed.incidentId).toBeNull();
    expect(parsed.patrols.map((p) => [p.id, p.status, p.mode])).toEqual([
      ['np-0', 'on_duty', 'foot'],
      ['np-1', 'responding', 'e_bike'],
      ['np-2', 'on_duty', 'car'],
    ]);
    const [foot, bike, car] = parsed.patrols;
    expect(foot!.distanceM).toBeGreaterThanOrEqual(99);
    expect(foot!.distanceM).toBeLessThanOrEqual(101);
    // distance × 1.3 at 4.5, 15 and 25 km/h
    expect(foot!.etaSec).toBeCloseTo((foot!.distanceM * 1.3) / (4.5 / 3.6), -1);
    expect(bike!.etaSec).toBeCloseTo((bike!.distanceM * 1.3) / (15 / 3.6), -1);
    expect(car!.etaSec).toBeCloseTo((car!.distanceM * 1.3) / (25 / 3.6), -1);
    expect(car!.kind).toBe('unit');
    // a wider radius reaches the patrol 5 km away; `patrols` caps the count
    expect(NearbyResponse.parse((await nearby(`lng=${P_LNG}&lat=${P_LAT}&radius=6000`)).body).patrols.map((p) => p.id)).toContain('np-6');
    expect(NearbyResponse.parse((await nearby(`lng=${P_LNG}&lat=${P_LAT}&patrols=1`)).body).patrols.map((p) => p.id)).toEqual(['np-0']);
  });

  it('lists the cameras that see the point, then those of unknown direction within the camera radius; one looking away is left out', async () => {
    const parsed = NearbyResponse.parse((await nearby(`lng=${P_LNG}&lat=${P_LAT}`)).body);
    expect(parsed.cameras.map((c) => [c.id, c.sees])).toEqual([
      ['c-sees', true],
      ['c-unknown', null],
    ]);
    expect(parsed.cameras[0]).toMatchObject({ heading: 270, fovDeg: 60, rangeM: 150 });
    expect(parsed.cameras[0]!.bearingDeg).toBeCloseTo(270, 0);
    const wide = NearbyResponse.parse((await nearby(`lng=${P_LNG}&lat=${P_LAT}&cameraRadius=1000`)).body);
    expect(wide.cameras.map((c) => c.id)).toEqual(['c-sees', 'c-unknown', 'c-far-unknown']);
  });

  it('ranks a patrol that moved since the index was built by where it is now', async () => {
    await nearby(`lng=${P_LNG}&lat=${P_LAT}`); // the index stands
    const [lng, lat] = near(10, 0);
    const res = await fetch(`${t.url}/api/positions`, {
      method: 'POST',
      headers: { ...INGEST_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ positions: [{ patrolId: 'np-2', lng, lat, at: Date.now() }] }),
    });
    expect(res.status).toBe(202);
    const parsed = NearbyResponse.parse((await nearby(`lng=${P_LNG}&lat=${P_LAT}`)).body);
    expect(parsed.patrols[0]).toMatchObject({ id: 'np-2', lng, lat });
    expect(parsed.patrols[0]!.distanceM).toBeLessThanOrEqual(11);
  });

  it('answers for a case at its location, and 404 NOT_FOUND for an unknown case', async () => {
    const [lng, lat] = near(0, 150);
    const { incident } = await t.hub.report({ source: 'hotline', category: 'dispute', severity: 2, title: '邻里纠纷', location: { lng, lat }, reporter: { kind: 'citizen' } });
    const parsed = NearbyResponse.parse((await nearby(`incident=${incident.id}`)).body);
    expect(parsed.at).toEqual({ lng, lat });
    expect(parsed.incidentId).toBe(incident.id);
    expect(parsed.patrols[0]!.id).toBe('np-0'); // 50 m from the case
    const missing = await nearby('incident=E20990101-99999');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('NOT_FOUND');
  });

  it('refuses bad input with 400 VALIDATION_FAILED naming the field', async () => {
    for (const [query, path] of [
      ['', 'lng'],
      [`lng=${P_LNG}`, 'lat'],
      [`lng=${P_LNG}&lat=95`, 'lat'],
      [`lng=abc&lat=${P_LAT}`, 'lng'],
      [`incident=E1&lng=${P_LNG}&lat=${P_LAT}`, 'incident'],
      [`lng=${P_LNG}&lat=${P_LAT}&patrols=51`, 'patrols'],
      [`lng=${P_LNG}&lat=${P_LAT}&radius=20001`, 'radius'],
      [`lng=${P_LNG}&lat=${P_LAT}&radius=-5`, 'radius'],
      [`lng=${P_LNG}&lat=${P_LAT}&lng=${P_LNG}`, 'lng'],
      [`lng=${P_LNG}&lat=${P_LAT}&k=3`, '(root)'],
    ] as const) {
      const { status, body } = await nearby(query);
      expect(status, query).toBe(400);
      expect(body.error, query).toBe('VALIDATION_FAILED');
      expect((body.details as { path: string }[]).map((d) => d.path), query).toContain(path);
    }
  });
});
