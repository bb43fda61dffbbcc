/**
 * Behaviour of one patrol or camera that never changes (its shift, walking speed, reporting
 * interval, whether a camera runs AI analysis), derived from the seed and the id alone. A roster
 * loaded back from the store therefore behaves exactly as the one generated on the first start.
 */
import type { Camera } from '@shared/schemas/camera';
import type { Patrol, PatrolRole } from '@shared/schemas/patrol';
import { createRng } from '../../lib/rng';
import { CAMERA_OWNERS } from './gbId';

const MINUTE = 60_000;
const DAY = 86_400_000;
export const DAY_SHIFT_START_MIN = 8 * 60;
export const DAY_SHIFT_END_MIN = 20 * 60;

export interface PatrolTraits {
  shift: 'day' | 'night';
  /** minutes this patrol starts (and ends) its shift late (+) or early (−) */
  jitterMin: number;
  /** metres per second while moving */
  speed: number;
  /** ms between two GPS fixes */
  fixEveryMs: number;
  /** typical pause at a waypoint, ms */
  pauseMs: number;
}

/** share of each role on the night shift */
const NIGHT_SHARE: Record<PatrolRole, number> = {
  grid_manager: 0.1,
  assistant: 0.3,
  police: 0.5,
  supervisor: 0.15,
  party_secretary: 0,
  legal: 0,
  firefighter: 0.5,
};

export function patrolTraits(seed: string, patrol: Pick<Patrol, 'id' | 'kind' | 'role'>): PatrolTraits {
  const rng = createRng(`${seed}/traits/${patrol.id}`);
  const unit = patrol.kind === 'unit';
  const night = rng.chance(unit ? 0.45 : NIGHT_SHARE[patrol.role]);
  return {
    shift: night ? 'night' : 'day',
    jitterMin: rng.int(-20, 20),
    speed: unit ? rng.float(6, 10) : rng.float(1.0, 1.4),
    fixEveryMs: unit ? 4_000 : 5_000,
    pauseMs: unit ? rng.int(10, 90) * 1000 : rng.int(30, 300) * 1000,
  };
}

/** minute of the local day (0 … 1439) */
export function localMinute(at: number, tzOffsetMinutes: number): number {
  const local = (at + tzOffsetMinutes * MINUTE) % DAY;
  return Math.floor((local < 0 ? local + DAY : local) / MINUTE);
}

/** is the patrol on shift at `at`? day 08:00–20:00, night 20:00–08:00, each moved by its jitter */
export function onShift(traits: PatrolTraits, at: number, tzOffsetMinutes: number): boolean {
  const m = localMinute(at, tzOffsetMinutes);
  const start = DAY_SHIFT_START_MIN + traits.jitterMin;
  const end = DAY_SHIFT_END_MIN + traits.jitterMin;
  const inDay = m >= start && m < end;
  return traits.shift === 'day' ? inDay : !inDay;
}

/** the next instant after `at` at which onShift changes */
export function nextShiftChange(traits: PatrolTraits, at: number, tzOffsetMinutes: number): number {
  const m = localMinute(at, tzOffsetMinutes);
  const start = DAY_SHIFT_START_MIN + traits.jitterMin;
  const end = DAY_SHIFT_END_MIN + traits.jitterMin;
  const minuteStart = at - (at % MINUTE);
  const next = m < start ? start : m < end ? end : start + 1440;
  return minuteStart + (next - m) * MINUTE;
}

export interface CameraTraits {
  /** runs AI analysis and can raise alarms */
  ai: boolean;
}

export function cameraTraits(seed: string, camera: Pick<Camera, 'id' | 'owner'>): CameraTraits {
  const rng = createRng(`${seed}/traits/${camera.id}`);
  const owner = CAMERA_OWNERS.find((o) => o.name === camera.owner);
  return { ai: rng.chance(owner?.aiShare ?? 0.3) };
}
