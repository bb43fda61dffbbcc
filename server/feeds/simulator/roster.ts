/**
 * The roster of the simulated city, generated once from the seed: the ground network (grid
 * workers of every role, plus patrol vehicles per street) and the sky network (video points with
 * GB/T 28181 ids, denser in urban streets). Per grid about 3.6 workers and 0.3 vehicles, and 2.3
 * video points: at 1,300 grids that is about 5,000 patrols and 3,000 cameras, the figures of a real
 * district (DOMAIN.md). Idx runs 0 … n−1 in grid order and never changes for a roster.
 */
import type { Camera, CameraStatus } from '@shared/schemas/camera';
import type { Patrol, PatrolRole } from '@shared/schemas/patrol';
import { randomPointInPolygon } from '../../domain/regions/geo';
import { pointInMultiPolygon } from '../../domain/regions/pointInPolygon';
import { createRng, type Rng } from '../../lib/rng';
import { ITEMS_PER_STEP, runInSlices, runToEnd, type Steps } from '../../lib/slices';
import { areaCodeOf, CAMERA_OWNERS, CAMERA_TYPE_CODES, gbDeviceId } from './gbId';
import { personName } from './names';
import { cameraName } from './places';
import { onShift, patrolTraits } from './traits';
import { drawIndex, type GridInfo, type World } from './world';

export const CAMERAS_PER_GRID = 2.3;
export const UNITS_PER_GRID = 0.3;
/** steady-state share of cameras online; the live model keeps the city near it */
export const CAMERA_ONLINE_SHARE = 0.94;
/** when a camera is down, the share of each status: the steady state of cameraNetwork.ts (long faults dominate a snapshot) */
export const DOWN_STATUS_MIX: readonly (readonly [CameraStatus, number])[] = [
  ['offline', 0.38],
  ['video_lost', 0.07],
  ['fault', 0.55],
];

export interface Roster {
  patrols: Patrol[];
  cameras: Camera[];
}

/** optional roles of a grid, with the share of grids that have one */
const EXTRA_ROLES: readonly (readonly [PatrolRole, number])[] = [
  ['police', 0.35],
  ['supervisor', 0.45],
  ['party_secretary', 0.2],
  ['legal', 0.08],
  ['firefighter', 0.06],
];

export function generateRoster(world: World, now: number, tzOffsetMinutes = 480): Roster {
  return runToEnd(rosterSteps(world, now, tzOffsetMinutes));
}

/** the same roster a slice of time at a time: a province's 384,000 units took 3.5 s in one turn, after the hub had begun to listen */
export function generateRosterInSlices(world: World, now: number, tzOffsetMinutes = 480): Promise<Roster> {
  return runInSlices(rosterSteps(world, now, tzOffsetMinutes));
}

function* rosterSteps(world: World, now: number, tzOffsetMinutes: number): Steps<Roster> {
  const patrols: Patrol[] = [];
  const add = (p: Omit<Patrol, 'idx' | 'status' | 'statusSince' | 'lng' | 'lat' | 'fixAt'>) => {
    const traits = patrolTraits(world.seed, p);
    patrols.push({ ...p, idx: patrols.length, status: onShift(traits, now, tzOffsetMinutes) ? 'on_duty' : 'off_duty', statusSince: now, lng: null, lat: null, fixAt: null });
  };

  const streets = new Map<string, GridInfo[]>();
  for (const grid of world.grids) {
    const rng = createRng(`${world.seed}/roster/${grid.code}`);
    const roles: PatrolRole[] = ['grid_manager'];
    const assistants = grid.urban ? rng.int(1, 3) : rng.int(0, 2);
    for (let i = 0; i < assistants; i++) roles.push('assistant');
    for (const [role, share] of EXTRA_ROLES) if (rng.chance(share)) roles.push(role);
    roles.forEach((role, i) => add({ id: `WG-${grid.code}-${String(i + 1).padStart(2, '0')}`, name: personName(rng), kind: 'worker', role, gridCode: grid.code }));
    const list = streets.get(grid.streetCode);
    if (list) list.push(grid);
    else streets.set(grid.streetCode, [grid]);
    yield;
  }

  for (const [streetCode, grids] of streets) {
    const rng = createRng(`${world.seed}/units/${streetCode}`);
    const count = Math.max(1, Math.round(grids.length * UNITS_PER_GRID + rng.float(-0.5, 0.5)));
    for (let i = 0; i < count; i++) {
      const grid = rng.pick(grids);
      const [role, label] = rng.weighted<[PatrolRole, string]>(
        [
          ['police', '巡逻警车'],
          ['supervisor', '城管巡查车'],
          ['firefighter', '微型消防站'],
        ],
        [0.4, 0.35, 0.25],
      );
      const no = String(i + 1).padStart(2, '0');
      add({ id: `CL-${streetCode}-${no}`, name: `${grid.streetName}${label}${no}`, kind: 'unit', role, gridCode: grid.code });
    }
    yield;
  }

  return { patrols, cameras: yield* cameraSteps(world, now) };
}

function* cameraSteps(world: World, now: number): Steps<Camera[]> {
  const rng = createRng(`${world.seed}/cameras`);
  const total = Math.max(1, Math.round(world.grids.length * CAMERAS_PER_GRID));
  const serials = new Map<string, number>();
  const cameras: Camera[] = [];
  const ownerWeights = CAMERA_OWNERS.map((o) => o.weight);
  // a stream of its own, so that the points, owners and statuses drawn above stay as they were
  const opticsRng = createRng(`${world.seed}/camera-optics`);
  for (let i = 0; i < total; i++) {
    const grid = world.grids[drawIndex(world.cameraCdf, rng)]!;
    const owner = rng.weighted(CAMERA_OWNERS, ownerWeights);
    const areaCode = areaCodeOf(grid.districtCode, areaCodeOf(grid.code));
    const prefix = `${areaCode}${grid.streetNo}`;
    const serial = (serials.get(prefix) ?? 0) + 1;
    serials.set(prefix, serial);
    const gbId = gbDeviceId({
      areaCode,
      unit: grid.streetNo,
      industry: owner.industry,
      type: rng.pick(CAMERA_TYPE_CODES),
      network: rng.pick(owner.networks),
      serial,
    });
    const [rawLng, rawLat] = randomPointInPolygon(grid.polygons, rng, 10_000, grid.bbox);
    const [lng, lat] = pointInMultiPolygon(round6(rawLng), round6(rawLat), grid.polygons) ? [round6(rawLng), round6(rawLat)] : [rawLng, rawLat];
    cameras.push({
      id: gbId,
      gbId,
      name: cameraName(grid.places, rng),
      gridCode: grid.code,
      lng,
      lat,
      status: initialCameraStatus(rng),
      statusSince: now,
      alarm: null,
      owner: owner.name,
      ...cameraOptics(opticsRng),
    });
    if (i % ITEMS_PER_STEP === 0) yield;
  }
  return cameras;
}

/** the share of simulated points whose platform knows where they look (the rest: direction unknown) */
export const CAMERA_OPTICS_SHARE = 0.6;

/**
 * Heading, field of view and range for a share of the points, so that "cameras that see it"
 * (GET /api/nearby) has something to show: mostly fixed street cameras (40–90°, 60–200 m), some
 * domes (360°, 100 m), a few high-point cameras on roofs (60°, 1–3 km). Invented, like the points.
 */
export function cameraOptics(rng: Rng): Pick<Camera, 'heading' | 'fovDeg' | 'rangeM'> {
  if (!rng.chance(CAMERA_OPTICS_SHARE)) return {};
  const heading = rng.int(0, 359);
  const kind = rng.float(0, 1);
  if (kind < 0.03) return { heading, fovDeg: 60, rangeM: rng.int(10, 30) * 100 };
  if (kind < 0.15) return { heading, fovDeg: 360, rangeM: 100 };
  return { heading, fovDeg: rng.pick([40, 55, 60, 75, 90]), rangeM: rng.int(6, 20) * 10 };
}

export function initialCameraStatus(rng: Rng): CameraStatus {
  if (rng.chance(CAMERA_ONLINE_SHARE)) return 'online';
  return rng.weighted(
    DOWN_STATUS_MIX.map(([s]) => s),
    DOWN_STATUS_MIX.map(([, w]) => w),
  );
}

/** ~0.1 m: more digits say nothing and cost bytes on every frame */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
