/**
 * Every source of the map, created empty with the style and filled later with setData: layers are
 * added once, never per update, and a restored WebGL context finds them all in the snapshot.
 */
import type { SourceSpec } from './mapTypes';

export const SOURCE = {
  city: 'city',
  districts: 'districts',
  streets: 'streets',
  grids: 'grids',
  labels: 'region-labels',
  heat: 'heat',
  areas: 'areas',
  incidents: 'incidents',
  patrols: 'patrols',
  cameras: 'cameras',
  focus: 'focus',
  focusRings: 'focus-rings',
  focusMarks: 'focus-marks',
} as const;

export type SourceId = (typeof SOURCE)[keyof typeof SOURCE];

export const EMPTY_COLLECTION = { type: 'FeatureCollection' as const, features: [] as never[] };

/** Region sources key their features by region code so hover and risk use feature-state. */
const REGION_SOURCES: readonly SourceId[] = [SOURCE.city, SOURCE.districts, SOURCE.streets, SOURCE.grids];

export function sourceSpecs(): Record<SourceId, SourceSpec> {
  const out = {} as Record<SourceId, SourceSpec>;
  for (const id of Object.values(SOURCE)) {
    const isRegion = REGION_SOURCES.includes(id);
    out[id] = {
      type: 'geojson',
      data: { type: 'FeatureCollection', features: [] },
      // polygons are simplified by the hub already; points must not move when simplified
      tolerance: isRegion ? 0.45 : 0,
      buffer: isRegion ? 32 : 64,
      ...(isRegion ? { promoteId: 'code' } : {}),
      ...(id === SOURCE.incidents || id === SOURCE.cameras || id === SOURCE.patrols ? { promoteId: 'id' } : {}),
    } as SourceSpec;
  }
  return out;
}
