/**
 * Nearest units on the hub (issue 16): the on-duty patrols nearest to a case or a point, with an
 * ETA, and the cameras that see it, through spatial indexes (server/domain/nearby) kept beside the
 * hub's maps.
 *
 * - Patrols move: their index is rebuilt at most every `patrolIndexMaxAgeMs` (5 s), lazily — a
 *   query that finds it older starts a rebuild and is answered from the one standing, ranked by
 *   the patrols' latest fixes (nearestMoving: the slack is the age × `maxSpeedMps`). Only the first
 *   query ever waits for a build. Every patrol with a fix is indexed; the status is checked when
 *   asked, so a patrol that came on duty since the build is found at once.
 * - Cameras change rarely: their index is rebuilt when the roster is loaded or replaced
 *   (rosterVersion), the next query waiting for it.
 * Builds run in slices (runInSlices, a kdbush shard per step): at province scale (330,000 patrols)
 * no turn of the event loop holds more than one shard's ~10 ms (tests/bench/nearby.bench.ts).
 */
import type { Camera } from '@shared/schemas/camera';
import type { NearbyCamera, NearbyPatrol, NearbyResponse } from '@shared/schemas/nearby';
import type { Patrol } from '@shared/schemas/patrol';
import { buildCameraIndexes, camerasSeeing, DEFAULT_ETA_SETTINGS, etaSeconds, GeoPointIndex, nearestMoving, travelModeOf, type CameraIndexes, type EtaSettings } from '../domain/nearby';
import { ITEMS_PER_STEP, runInSlices, type Steps } from '../lib/slices';
import type { Hub } from './hub';

export interface NearbySettings {
  /** the patrol index is rebuilt when a query finds it older than this */
  patrolIndexMaxAgeMs: number;
  /** how fast a patrol can plausibly have moved since the build (m/s): the slack of a query */
  maxSpeedMps: number;
  eta: EtaSettings;
}

export const DEFAULT_NEARBY_SETTINGS: NearbySettings = { patrolIndexMaxAgeMs: 5_000, maxSpeedMps: 120 / 3.6, eta: DEFAULT_ETA_SETTINGS };

export interface NearbyAsk {
  lng: number;
  lat: number;
  incidentId: string | null;
  patrols: number;
  radiusM: number;
  cameras: number;
  cameraRadiusM: number;
  /** only units in this region (a signed-in reader's own); all when absent */
  region?: string | undefined;
}

const CANDIDATE: ReadonlySet<Patrol['status']> = new Set(['on_duty', 'responding']);

interface CameraIndex {
  version: number;
  indexes: CameraIndexes;
  /** camera ids by place in the indexes */
  ids: string[];
}

export class NearbyFinder {
  private patrolIndex: { index: GeoPointIndex; builtAt: number } | null = null;
  private patrolBuild: Promise<void> | null = null;
  private cameraIndex: CameraIndex | null = null;
  private cameraBuild: Promise<CameraIndex> | null = null;
  /** for tests and the bench: how many builds ran */
  readonly builds = { patrols: 0, cameras: 0 };

  constructor(
    private readonly hub: Hub,
    private readonly settings: NearbySettings = DEFAULT_NEARBY_SETTINGS,
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  async find(ask: NearbyAsk): Promise<NearbyResponse> {
    const [patrolIndex, cameraIndex] = await Promise.all([this.currentPatrolIndex(), this.currentCameraIndex()]);
    const ageMs = Math.max(0, this.monotonic() - patrolIndex.builtAt);
    const inRegion = (gridCode: string) => !ask.region || this.hub.geo.isWithin(gridCode, ask.region);
    const byIdx = this.hub.patrolsByIdx;
    const tracker = this.hub.positions;
    const patrols = nearestMoving(patrolIndex.index, ask.lng, ask.lat, ask.patrols, ask.radiusM, (ageMs / 1000) * this.settings.maxSpeedMps, (idx) => {
      const p = byIdx[idx];
      if (!p || !CANDIDATE.has(p.status) || !inRegion(p.gridCode)) return null;
      const fix = tracker.get(idx);
      return fix ? { patrol: p, lng: fix.lng, lat: fix.lat, at: fix.at } : null;
    }).map(({ item, distanceM }): NearbyPatrol => {
      const mode = travelModeOf(item.patrol, this.settings.eta);
      return {
        id: item.patrol.id,
        name: item.patrol.name,
        kind: item.patrol.kind,
        role: item.patrol.role,
        mode,
        status: item.patrol.status,
        lng: item.lng,
        lat: item.lat,
        distanceM: Math.round(distanceM),
        etaSec: etaSeconds(distanceM, mode, this.settings.eta),
        fixAt: item.at,
      };
    });
    const cameras =
      ask.cameras === 0
        ? []
        : camerasSeeing(cameraIndex.indexes, ask.lng, ask.lat, { radiusM: ask.cameraRadiusM, limit: ask.cameras }, (i) => {
            const c = this.hub.cameras.get(cameraIndex.ids[i]!);
            return c && inRegion(c.gridCode) ? c : null;
          }).map(
            ({ camera, distanceM, bearingDeg, sees }): NearbyCamera => ({
              id: camera.id,
              name: camera.name,
              status: camera.status,
              lng: camera.lng,
              lat: camera.lat,
              distanceM: Math.round(distanceM),
              sees,
              bearingDeg: roundBearing(bearingDeg),
              heading: camera.heading ?? null,
              fovDeg: camera.fovDeg ?? null,
              rangeM: camera.rangeM ?? null,
            }),
          );
    return { at: { lng: ask.lng, lat: ask.lat }, incidentId: ask.incidentId, patrols, cameras, indexAgeMs: Math.round(ageMs) };
  }

  /** builds both indexes ahead of the first query (after a roster load), in slices */
  async warm(): Promise<void> {
    await Promise.all([this.currentPatrolIndex(), this.currentCameraIndex()]);
  }

  private async currentPatrolIndex(): Promise<{ index: GeoPointIndex; builtAt: number }> {
    const held = this.patrolIndex;
    if (held && this.monotonic() - held.builtAt <= this.settings.patrolIndexMaxAgeMs) return held;
    this.patrolBuild ??= this.rebuildPatrols().finally(() => {
      this.patrolBuild = null;
    });
    // a stale index answers at once (ranked by current fixes); only the very first query waits
    if (held) return held;
    await this.patrolBuild;
    return this.patrolIndex!;
  }

  private async rebuildPatrols(): Promise<void> {
    const builtAt = this.monotonic();
    const index = await runInSlices(this.patrolSteps());
    this.patrolIndex = { index, builtAt };
    this.builds.patrols++;
  }

  /** every patrol with a fix, by roster place (grid by grid: shards come out as areas) */
  private *patrolSteps(): Steps<GeoPointIndex> {
    const byIdx = this.hub.patrolsByIdx;
    const { lng, lat } = this.hub.positions.columns();
    const n = Math.min(byIdx.length, lng.length);
    const ids = new Uint32Array(n);
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    let count = 0;
    for (let idx = 0; idx < n; idx++) {
      const x = lng[idx]!;
      if (byIdx[idx] && !Number.isNaN(x)) {
        ids[count] = idx;
        xs[count] = x;
        ys[count] = lat[idx]!;
        count++;
      }
      if (idx % (ITEMS_PER_STEP * 64) === 0) yield;
    }
    return yield* GeoPointIndex.build(ids.subarray(0, count), xs.subarray(0, count), ys.subarray(0, count));
  }

  private async currentCameraIndex(): Promise<CameraIndex> {
    const version = this.hub.rosterVersion;
    if (this.cameraIndex?.version === version) return this.cameraIndex;
    if (!this.cameraBuild) {
      this.cameraBuild = runInSlices(this.cameraSteps(version)).finally(() => {
        this.cameraBuild = null;
      });
    }
    const built = await this.cameraBuild;
    if (built.version >= (this.cameraIndex?.version ?? -1)) this.cameraIndex = built;
    return built;
  }

  private *cameraSteps(version: number): Steps<CameraIndex> {
    const list: Camera[] = [];
    for (const c of this.hub.cameras.values()) {
      list.push(c);
      if (list.length % (ITEMS_PER_STEP * 64) === 0) yield;
    }
    const indexes = yield* buildCameraIndexes(list);
    this.builds.cameras++;
    return { version, indexes, ids: list.map((c) => c.id) };
  }
}

/** a tenth of a degree, in [0, 360) */
function roundBearing(deg: number): number {
  const b = Math.round(deg * 10) / 10;
  return b >= 360 ? 0 : b;
}
