/**
 * The simulated city's roster and arrival model: counts, determinism, GB/T 28181 ids, the
 * hour-of-day profile and the source / category / severity mixes. Pure, seeded, no hub.
 */
import { describe, expect, it } from 'vitest';
import type { RegionWithGeometry } from '@shared/schemas/region';
import { pointInMultiPolygon } from '../../server/domain/regions/pointInPolygon';
import { generateCity } from '../../server/geo/generateCity';
import { createRng } from '../../server/lib/rng';
import { arrivalsForMinute, DUPLICATE_SHARE, INVALID_SHARE, type Arrival } from '../../server/feeds/simulator/arrivals';
import { buildCaseEnv, buildCaseEnvInSlices } from '../../server/feeds/simulator/cases';
import { CATEGORY_MIX, SEVERITY_MIX, SOURCE_MIX } from '../../server/feeds/simulator/content';
import { parseGbDeviceId } from '../../server/feeds/simulator/gbId';
import { personName } from '../../server/feeds/simulator/names';
import { dailyVolume, expectedPerMinute, HOURLY_PROFILE, poisson } from '../../server/feeds/simulator/profile';
import { generateRoster, generateRosterInSlices } from '../../server/feeds/simulator/roster';
import { PatrolFleet } from '../../server/feeds/simulator/patrolFleet';
import { defaultSlaPolicy } from '../../server/domain/lifecycle';
import { buildWorld, buildWorldInSlices } from '../../server/feeds/simulator/world';

const T0 = Date.UTC(2026, 10, 25, 3, 0); // Wed 2026-11-25 11:00 at +08:00
const MINUTE = 60_000;
const DAY = 86_400_000;

const cities = new Map<string, RegionWithGeometry[]>();
function city(scale: 'district' | 'city'): RegionWithGeometry[] {
  let c = cities.get(scale);
  if (!c) cities.set(scale, (c = generateCity({ seed: 'unit', scale })));
  return c;
}

describe('roster', () => {
  it('has about 3.9 patrols and 2.3 cameras per grid at district scale (300 grids)', () => {
    const world = buildWorld(city('district'), 'seed-a');
    const { patrols, cameras } = generateRoster(world, T0);
    expect(world.grids).toHaveLength(300);
    expect(patrols.length).toBeGreaterThan(1_000);
    expect(patrols.length).toBeLessThan(1_350);
    expect(cameras.length).toBe(690);
  });

  it('has about 5,000 patrols and 3,000 cameras at city scale (~1,300 grids)', () => {
    const world = buildWorld(city('city'), 'seed-a');
    const { patrols, cameras } = generateRoster(world, T0);
    expect(patrols.length).toBeGreaterThan(4_500);
    expect(patrols.length).toBeLessThan(5_600);
    expect(cameras.length).toBeGreaterThan(2_800);
    expect(cameras.length).toBeLessThan(3_200);
    expect(patrols.filter((p) => p.kind === 'unit').length).toBeGreaterThan(200);
  });

  it('gives every grid a grid manager, and numbers patrols 0 … n−1 with unique ids', () => {
    const world = buildWorld(city('district'), 'seed-a');
    const { patrols } = generateRoster(world, T0);
    expect(patrols.map((p) => p.idx)).toEqual(patrols.map((_, i) => i));
    expect(new Set(patrols.map((p) => p.id)).size).toBe(patrols.length);
    const managed = new Set(patrols.filter((p) => p.role === 'grid_manager').map((p) => p.gridCode));
    expect(managed.size).toBe(world.grids.length);
  });

  it('is the same for the same seed and different for another seed', () => {
    const a = generateRoster(buildWorld(city('district'), 'seed-a'), T0);
    const b = generateRoster(buildWorld(city('district'), 'seed-a'), T0);
    const c = generateRoster(buildWorld(city('district'), 'seed-b'), T0);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(c.patrols.map((p) => p.name)).not.toEqual(a.patrols.map((p) => p.name));
    expect(c.cameras.map((p) => p.id)).not.toEqual(a.cameras.map((p) => p.id));
  });

  it('is the same generated in slices of time (the hub\'s start-up) as in one go, and so are the world, the case model and the fleet', async () => {
    const world = buildWorld(city('city'), 'seed-a');
    const worldSliced = await buildWorldInSlices(city('city'), 'seed-a');
    expect(JSON.stringify(worldSliced.grids.map(({ polygons: _p, ...g }) => g))).toBe(JSON.stringify(world.grids.map(({ polygons: _p, ...g }) => g)));
    expect([...worldSliced.incidentCdf]).toEqual([...world.incidentCdf]);
    const whole = generateRoster(world, T0);
    const sliced = await generateRosterInSlices(world, T0);
    expect(JSON.stringify(sliced)).toBe(JSON.stringify(whole));

    const envOptions = { world, patrols: whole.patrols, cameras: whole.cameras, policy: defaultSlaPolicy(), dailyVolume: 5_000, tzOffsetMinutes: 480 };
    const env = buildCaseEnv(envOptions);
    const envSliced = await buildCaseEnvInSlices(envOptions);
    expect(envSliced.arrivals.aiCameras.map((c) => c.id)).toEqual(env.arrivals.aiCameras.map((c) => c.id));
    expect([...envSliced.arrivals.workersByGrid].map(([g, ps]) => [g, ps.map((p) => p.id)])).toEqual([...env.arrivals.workersByGrid].map(([g, ps]) => [g, ps.map((p) => p.id)]));
    expect(env.arrivals.aiCameras.length).toBeGreaterThan(0);

    const fleet = new PatrolFleet(whole.patrols, world, 'seed-a', 480, T0, createRng('walk'), () => null);
    const fleetSliced = await PatrolFleet.inSlices(whole.patrols, world, 'seed-a', 480, T0, createRng('walk'), () => null);
    for (let t = T0; t < T0 + 60_000; t += 5_000) expect(JSON.stringify(fleetSliced.tick(t))).toBe(JSON.stringify(fleet.tick(t)));
  });

  it('names people with Chinese names of two or three characters', () => {
    const rng = createRng('names');
    for (let i = 0; i < 200; i++) expect(personName(rng)).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
  });

  it('puts each camera inside its grid and names it after its street', () => {
    const world = buildWorld(city('district'), 'seed-a');
    for (const c of generateRoster(world, T0).cameras) {
      const grid = world.byCode.get(c.gridCode)!;
      expect(pointInMultiPolygon(c.lng, c.lat, grid.polygons)).toBe(true);
      expect(c.name.startsWith(`${grid.streetName}·`)).toBe(true);
    }
  });

  it('gives cameras well-formed 20-digit GB/T 28181 ids with the district code and type 131/132', () => {
    const world = buildWorld(city('district'), 'seed-a');
    const { cameras } = generateRoster(world, T0);
    expect(new Set(cameras.map((c) => c.gbId)).size).toBe(cameras.length);
    for (const c of cameras) {
      expect(c.gbId).toMatch(/^\d{20}$/);
      const parts = parseGbDeviceId(c.gbId!);
      expect(parts).not.toBeNull();
      expect(parts!.areaCode).toBe('330203');
      expect(['131', '132']).toContain(parts!.type);
    }
  });

  it('starts with about 94 % of cameras online', () => {
    const { cameras } = generateRoster(buildWorld(city('city'), 'seed-a'), T0);
    const online = cameras.filter((c) => c.status === 'online').length / cameras.length;
    expect(online).toBeGreaterThan(0.92);
    expect(online).toBeLessThan(0.96);
  });
});

describe('arrival profile', () => {
  it('integrates to the daily volume over a day', () => {
    const daily = dailyVolume(1_300, 1);
    expect(daily).toBeCloseTo(1_500, 6);
    const start = Date.UTC(2026, 10, 24, 16, 0); // local midnight
    let sum = 0;
    for (let m = 0; m < 1440; m++) sum += expectedPerMinute(start + m * MINUTE, daily, 480);
    expect(sum / daily).toBeGreaterThan(0.995);
    expect(sum / daily).toBeLessThan(1.005);
  });

  it('is quiet at night and peaks mid-morning and in the afternoon', () => {
    expect(HOURLY_PROFILE[3]!).toBeLessThan(0.2);
    expect(HOURLY_PROFILE[10]!).toBeGreaterThan(1.5);
    expect(HOURLY_PROFILE[15]!).toBeGreaterThan(1.5);
    expect(HOURLY_PROFILE[12]!).toBeLessThan(HOURLY_PROFILE[10]!);
  });

  it('draws Poisson counts with the right mean', () => {
    const rng = createRng('poisson');
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += poisson(1.3, rng);
    expect(sum / 20_000).toBeCloseTo(1.3, 1);
  });
});

describe('arrivals', () => {
  const days = 7;
  const sample = (() => {
    let result: Arrival[] | undefined;
    return (): Arrival[] => {
      if (result) return result;
      const world = buildWorld(city('district'), 'seed-a');
      const { patrols, cameras } = generateRoster(world, T0);
      const env = buildCaseEnv({ world, patrols, cameras, policy: defaultSlaPolicy(), dailyVolume: dailyVolume(world.grids.length, 1), tzOffsetMinutes: 480 });
      result = [];
      const first = Math.floor((T0 - days * DAY) / MINUTE);
      for (let m = first; m < first + days * 1440; m++) result.push(...arrivalsForMinute(m, env.arrivals).arrivals);
      return result;
    };
  })();
  const share = (items: readonly Arrival[], pred: (a: Arrival) => boolean) => items.filter(pred).length / items.length;

  it('sum to the expected volume over a week (±5 %)', () => {
    const expected = dailyVolume(300, 1) * days;
    expect(sample().length / expected).toBeGreaterThan(0.95);
    expect(sample().length / expected).toBeLessThan(1.05);
  });

  it('follow the source mix (patrol ~45 %, hotline ~30 %, video AI ~12 % …) within 3 points', () => {
    for (const [source, expected] of SOURCE_MIX) {
      expect(Math.abs(share(sample(), (a) => a.input.source === source) - expected)).toBeLessThan(0.03);
    }
  });

  it('use categories that fit the source', () => {
    for (const [source, mix] of Object.entries(CATEGORY_MIX)) {
      const allowed = new Set(mix.map(([c]) => c));
      const duplicates = new Set(sample().filter((a) => a.fate === 'duplicate').map((a) => a.key));
      for (const a of sample()) if (a.input.source === source && !duplicates.has(a.key)) expect(allowed).toContain(a.input.category);
    }
    const video = sample().filter((a) => a.input.source === 'video_ai');
    expect(share(video, (a) => a.input.category === 'sanitation' || a.input.category === 'traffic')).toBeGreaterThan(0.6);
    expect(video.every((a) => a.camera !== null && a.input.reporter.kind === 'camera')).toBe(true);
  });

  it('follow the severity mix (1: 80 %, 2: 15 %, 3: 4 %, 4: 1 %) among valid reports', () => {
    const normal = sample().filter((a) => a.fate === 'normal');
    for (const [severity, expected] of SEVERITY_MIX) {
      expect(Math.abs(share(normal, (a) => a.input.severity === severity) - expected)).toBeLessThan(expected * 0.35 + 0.005);
    }
  });

  it('include invalid reports and duplicates of recent cases nearby', () => {
    const all = sample();
    expect(share(all, (a) => a.fate === 'invalid')).toBeCloseTo(INVALID_SHARE, 1);
    const dups = all.filter((a) => a.fate === 'duplicate');
    expect(dups.length / all.length).toBeGreaterThan(DUPLICATE_SHARE * 0.6);
    const byKey = new Map(all.map((a) => [a.key, a]));
    for (const d of dups) {
      const original = byKey.get(d.duplicateOfKey!)!;
      expect(original.input.category).toBe(d.input.category);
      expect(original.at).toBeLessThan(d.at);
      expect(Math.abs(original.input.location.lng - d.input.location.lng)).toBeLessThan(0.001);
    }
  });

  it('place every report inside its grid, with a Chinese title and a SIM- reference', () => {
    for (const a of sample()) {
      expect(pointInMultiPolygon(a.input.location.lng, a.input.location.lat, a.grid.polygons)).toBe(true);
      expect(a.input.title).toMatch(/[\u4e00-\u9fff]/);
      expect(a.input.title.length).toBeLessThanOrEqual(120);
      expect(a.input.externalRef).toMatch(/^SIM-/);
    }
  });

  it('are the same for the same seed and minute', () => {
    const world = buildWorld(city('district'), 'seed-a');
    const { patrols, cameras } = generateRoster(world, T0);
    const make = () => buildCaseEnv({ world, patrols, cameras, policy: defaultSlaPolicy(), dailyVolume: 5_000, tzOffsetMinutes: 480 });
    const m = Math.floor(T0 / MINUTE);
    const a = arrivalsForMinute(m, make().arrivals).arrivals.map((x) => x.input);
    const b = arrivalsForMinute(m, make().arrivals).arrivals.map((x) => x.input);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });
});
