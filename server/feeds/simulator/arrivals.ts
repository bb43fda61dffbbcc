/**
 * The arrivals of one minute, as a pure function of the seed, the minute and the roster (plus the
 * short memory of recent arrivals duplicates refer to). History and live use the same function,
 * minute after minute, so a given seed and clock produce the same incidents either way.
 */
import type { Camera, CameraAlarmType } from '@shared/schemas/camera';
import type { IncidentSource, NewIncident, Reporter, Severity } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import { randomPointInPolygon } from '../../domain/regions/geo';
import { pointInMultiPolygon } from '../../domain/regions/pointInPolygon';
import { createRng, type Rng } from '../../lib/rng';
import { departmentFor } from './actors';
import { CATEGORY_MIX, FALSE_ALARM_TYPES, severityFor, SOURCE_MIX, templatesFor } from './content';
import { callerName, mobileNumber } from './names';
import { siteIn } from './places';
import { expectedPerMinute, poisson } from './profile';
import { round6 } from './roster';
import { drawIndex, type GridInfo, type World } from './world';

const MINUTE = 60_000;
export const INVALID_SHARE = 0.025;
export const DUPLICATE_SHARE = 0.025;
/** false AI detections per confirmed video case: with the invalid arrivals, precision lands near 80 % (published: 70–92 %) */
export const FALSE_ALARMS_PER_VIDEO_CASE = 0.2;

export type Fate = 'normal' | 'invalid' | 'duplicate';

export interface Arrival {
  /** `${minute}:${k}`: names the arrival before the hub gives it an id */
  key: string;
  at: number;
  input: NewIncident;
  grid: GridInfo;
  fate: Fate;
  duplicateOfKey: string | null;
  camera: { id: string; alarm: CameraAlarmType } | null;
}

export interface FalseAlarm {
  at: number;
  cameraId: string;
  type: CameraAlarmType;
}

export interface ArrivalContext {
  world: World;
  dailyVolume: number;
  tzOffsetMinutes: number;
  /** workers by grid code, for patrol reports */
  workersByGrid: ReadonlyMap<string, readonly Patrol[]>;
  /** cameras that run AI analysis */
  aiCameras: readonly Camera[];
  recent: RecentArrivals;
}

/** the last few hundred arrivals, which later reports of the same problem duplicate */
export class RecentArrivals {
  private readonly items: Arrival[] = [];
  constructor(private readonly max = 300) {}
  add(a: Arrival): void {
    this.items.push(a);
    if (this.items.length > this.max) this.items.shift();
  }
  /** a non-rejected arrival from the last three hours, or null */
  pick(at: number, rng: Rng): Arrival | null {
    const fresh = this.items.filter((a) => a.fate === 'normal' && at - a.at < 3 * 3_600_000);
    return fresh.length > 0 ? rng.pick(fresh) : null;
  }
}

const pairs = <T>(mix: readonly (readonly [T, number])[]) => [mix.map(([v]) => v), mix.map(([, w]) => w)] as const;
const [SOURCES, SOURCE_WEIGHTS] = pairs(SOURCE_MIX);

export function arrivalsForMinute(minute: number, ctx: ArrivalContext): { arrivals: Arrival[]; falseAlarms: FalseAlarm[] } {
  const start = minute * MINUTE;
  const rng = createRng(`${ctx.world.seed}/arrivals/${minute}`);
  const lambda = expectedPerMinute(start, ctx.dailyVolume, ctx.tzOffsetMinutes);
  const n = poisson(lambda, rng);
  const offsets = Array.from({ length: n }, () => rng.int(0, MINUTE - 1)).sort((a, b) => a - b);
  const arrivals: Arrival[] = [];
  offsets.forEach((offset, k) => {
    const a = makeArrival(`${minute}:${k}`, start + offset, ctx, createRng(`${ctx.world.seed}/arrival/${minute}:${k}`));
    ctx.recent.add(a);
    arrivals.push(a);
  });
  const falseAlarms: FalseAlarm[] = [];
  const alarmRng = createRng(`${ctx.world.seed}/false-alarms/${minute}`);
  const videoShare = SOURCE_MIX.find(([s]) => s === 'video_ai')?.[1] ?? 0;
  const falseCount = ctx.aiCameras.length > 0 ? poisson(lambda * videoShare * FALSE_ALARMS_PER_VIDEO_CASE, alarmRng) : 0;
  for (let i = 0; i < falseCount; i++) {
    falseAlarms.push({ at: start + alarmRng.int(0, MINUTE - 1), cameraId: alarmRng.pick(ctx.aiCameras).id, type: alarmRng.pick(FALSE_ALARM_TYPES) });
  }
  return { arrivals, falseAlarms };
}

function makeArrival(key: string, at: number, ctx: ArrivalContext, rng: Rng): Arrival {
  const r = rng.next();
  const wanted: Fate = r < INVALID_SHARE ? 'invalid' : r < INVALID_SHARE + DUPLICATE_SHARE ? 'duplicate' : 'normal';
  const original = wanted === 'duplicate' ? ctx.recent.pick(at, rng) : null;
  const fate: Fate = wanted === 'duplicate' && !original ? 'normal' : wanted;

  let source: IncidentSource = original ? rng.weighted<IncidentSource>(['hotline', 'patrol', 'open311'], [0.6, 0.3, 0.1]) : rng.weighted(SOURCES, SOURCE_WEIGHTS);
  if (source === 'video_ai' && ctx.aiCameras.length === 0) source = 'hotline';
  const camera = source === 'video_ai' ? rng.pick(ctx.aiCameras) : null;
  const grid = original?.grid ?? (camera ? ctx.world.byCode.get(camera.gridCode) : undefined) ?? ctx.world.grids[drawIndex(ctx.world.incidentCdf, rng)]!;
  const [categories, weights] = pairs(CATEGORY_MIX[source]);
  const category = original?.input.category ?? rng.weighted(categories, weights);
  const template = rng.pick(templatesFor(source, category));
  const severity: Severity = fate === 'normal' ? severityFor(category, rng) : 1;

  let lng: number;
  let lat: number;
  if (camera) [lng, lat] = [camera.lng, camera.lat];
  else if (original) [lng, lat] = nearby(original.input.location.lng, original.input.location.lat, grid, rng);
  else [lng, lat] = randomPointInPolygon(grid.polygons, rng, 10_000, grid.bbox);
  const site = siteIn(grid.places, rng);
  const place = site.label;
  const address = `${grid.districtName}${grid.streetName}${site.address}`;

  const input: NewIncident = {
    source,
    category,
    severity,
    title: template.title.replace('{place}', place).slice(0, 120),
    description: template.description.replace('{addr}', address).replace('{place}', place),
    location: { lng, lat, address },
    reporter: reporterFor(source, grid, ctx, camera, template.device, rng),
    reportedAt: at,
    externalRef: externalRef(source, at, key),
  };
  if (template.subcategory) input.subcategory = template.subcategory;
  return {
    key,
    at,
    input,
    grid,
    fate,
    duplicateOfKey: original?.key ?? null,
    camera: camera && template.alarm ? { id: camera.id, alarm: template.alarm } : null,
  };
}

function reporterFor(source: IncidentSource, grid: GridInfo, ctx: ArrivalContext, camera: Camera | null, device: string | undefined, rng: Rng): Reporter {
  switch (source) {
    case 'patrol': {
      const workers = ctx.workersByGrid.get(grid.code);
      if (workers && workers.length > 0) {
        const w = rng.pick(workers);
        return { kind: 'patrol', id: w.id, name: w.name };
      }
      return { kind: 'patrol', name: `${grid.name}网格员` };
    }
    case 'hotline':
      return { kind: 'citizen', name: callerName(rng), phone: mobileNumber(rng) };
    case 'video_ai':
      return camera ? { kind: 'camera', id: camera.id, name: camera.name } : { kind: 'camera' };
    case 'sensor':
      return { kind: 'sensor', id: `IOT-${grid.code}-${String(rng.int(1, 24)).padStart(2, '0')}`, name: device ?? '物联感知终端' };
    case 'open311':
      return rng.chance(0.5) ? { kind: 'citizen', name: callerName(rng) } : { kind: 'citizen' };
    case 'department': {
      const d = departmentFor(rng.pick(['safety_hazard', 'fire_safety', 'livelihood', 'rental_population']), grid, rng);
      return { kind: 'department', id: d.id, name: d.name };
    }
  }
}

const REF_PREFIX: Record<IncidentSource, string> = { patrol: 'WG', hotline: '12345', video_ai: 'AI', sensor: 'IOT', open311: 'O311', department: 'BM' };

/** marks simulated cases (SIM-…) and reads like the source system's own number */
function externalRef(source: IncidentSource, at: number, key: string): string {
  const d = new Date(at + 8 * 3_600_000).toISOString();
  const stamp = d.slice(0, 16).replace(/[-T:]/g, '');
  return `SIM-${REF_PREFIX[source]}-${stamp}-${key.split(':')[1] ?? '0'}`;
}

export function isSimulatedRef(ref: string | null): boolean {
  return ref !== null && ref.startsWith('SIM-');
}

/** a point within ~40 m of (lng, lat), kept in the same grid */
function nearby(lng: number, lat: number, grid: GridInfo, rng: Rng): [number, number] {
  for (let i = 0; i < 5; i++) {
    const x = round6(lng + rng.float(-0.0004, 0.0004));
    const y = round6(lat + rng.float(-0.0003, 0.0003));
    if (pointInMultiPolygon(x, y, grid.polygons)) return [x, y];
  }
  return [lng, lat];
}
