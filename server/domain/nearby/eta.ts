/**
 * Estimated time of arrival by how a patrol travels. Assumptions, not measurements — a deployment
 * sets its own (NearbyOptions.speedsKmh, .detourFactor, .modeByRole):
 *   - on foot 4.5 km/h: the usual planning figure for walking (about 1.25 m/s; pedestrian studies
 *     put free walking at 1.2–1.4 m/s), a little under it for a worker carrying a terminal;
 *   - e-bike 15 km/h: GB 17761-2018 caps an electric bicycle's design speed at 25 km/h; through
 *     junctions and mixed traffic an urban average well under the cap is assumed;
 *   - car 25 km/h: an assumed urban average for a Chinese city including junctions and congestion
 *     (published city traffic reports put peak-hour averages roughly between 20 and 35 km/h).
 * Straight-line distance is multiplied by a detour factor of 1.3 (the ratio of road distance to
 * straight-line distance in street networks is commonly put at 1.2–1.4): an ETA is a ranking aid
 * for the operator, not a routing answer; no road graph ships with the hub.
 */
import { TravelMode } from '@shared/schemas/nearby';
import type { PatrolKind, PatrolRole } from '@shared/schemas/patrol';

export const TRAVEL_MODES = TravelMode.options;
export type { TravelMode };

export type TravelSpeeds = Readonly<Record<TravelMode, number>>;

/** km/h; see the comment at the top of this file for where the numbers come from */
export const DEFAULT_SPEEDS_KMH: TravelSpeeds = { foot: 4.5, e_bike: 15, car: 25 };

export const DEFAULT_DETOUR_FACTOR = 1.3;

/**
 * How a worker of each role usually gets about (assumed): police and firefighter workers ride
 * e-bikes on patrol, the other grid roles walk their grid. A `unit` (vehicle, team) drives.
 */
export const DEFAULT_MODE_BY_ROLE: Readonly<Record<PatrolRole, TravelMode>> = {
  grid_manager: 'foot',
  assistant: 'foot',
  police: 'e_bike',
  supervisor: 'foot',
  party_secretary: 'foot',
  legal: 'foot',
  firefighter: 'e_bike',
};

export interface EtaSettings {
  speedsKmh: TravelSpeeds;
  detourFactor: number;
  modeByRole: Readonly<Record<PatrolRole, TravelMode>>;
  /** how a `unit` travels */
  unitMode: TravelMode;
}

export const DEFAULT_ETA_SETTINGS: EtaSettings = {
  speedsKmh: DEFAULT_SPEEDS_KMH,
  detourFactor: DEFAULT_DETOUR_FACTOR,
  modeByRole: DEFAULT_MODE_BY_ROLE,
  unitMode: 'car',
};

/** settings with a deployment's overrides laid over the defaults; refuses a speed that is not positive */
export function etaSettings(overrides: { speedsKmh?: Partial<TravelSpeeds>; detourFactor?: number; modeByRole?: Partial<Record<PatrolRole, TravelMode>>; unitMode?: TravelMode } = {}): EtaSettings {
  const speedsKmh = { ...DEFAULT_SPEEDS_KMH, ...overrides.speedsKmh };
  for (const mode of TRAVEL_MODES) {
    if (!(speedsKmh[mode] > 0) || !Number.isFinite(speedsKmh[mode])) throw new RangeError(`speed of ${mode} must be a positive number of km/h`);
  }
  const detourFactor = overrides.detourFactor ?? DEFAULT_DETOUR_FACTOR;
  if (!(detourFactor >= 1) || !Number.isFinite(detourFactor)) throw new RangeError('the detour factor must be a number of at least 1');
  return { speedsKmh, detourFactor, modeByRole: { ...DEFAULT_MODE_BY_ROLE, ...overrides.modeByRole }, unitMode: overrides.unitMode ?? 'car' };
}

export function travelModeOf(patrol: { kind: PatrolKind; role: PatrolRole }, settings: EtaSettings = DEFAULT_ETA_SETTINGS): TravelMode {
  return patrol.kind === 'unit' ? settings.unitMode : settings.modeByRole[patrol.role];
}

/** whole seconds to cover a straight-line distance by a mode, with the detour factor */
export function etaSeconds(straightLineM: number, mode: TravelMode, settings: EtaSettings = DEFAULT_ETA_SETTINGS): number {
  const metresPerSecond = (settings.speedsKmh[mode] * 1000) / 3600;
  return Math.round((straightLineM * settings.detourFactor) / metresPerSecond);
}
