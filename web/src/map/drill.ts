/**
 * Drill-down city → district → street: which region a click on the map opens, what "up" means,
 * and which boundaries to dim and outline at each level. Pure; the component does the camera.
 */
import type { Region, RegionLevel } from '@shared/schemas/region';
import { districtLabelOpacity, NO_REGION } from './basemapLayers';

/** The level a click opens from the level being shown; null where drilling stops. */
export function childLevel(level: RegionLevel): RegionLevel | null {
  if (level === 'city') return 'district';
  if (level === 'district') return 'street';
  return null;
}

export type RegionLookup = ReadonlyMap<string, Pick<Region, 'code' | 'level' | 'parentCode' | 'name' | 'bbox'>>;

/** Region codes from the top down to `code`, as far as the lookup knows them. */
export function pathOf(code: string, regions: RegionLookup): string[] {
  const path: string[] = [];
  let at: string | null = code;
  for (let guard = 0; at && guard < 8; guard++) {
    path.unshift(at);
    at = regions.get(at)?.parentCode ?? null;
  }
  return path;
}

/** The drill target of a click on a region of `clickedLevel`, or null if it does not drill. */
export function drillTarget(current: Pick<Region, 'level'> | undefined, clicked: { code: string; level: RegionLevel }): string | null {
  const want = childLevel(current?.level ?? 'city');
  return want === clicked.level ? clicked.code : null;
}

/** Filters of the mask and outline layers for the region being shown. */
export interface DrillFilters {
  maskDistrict: unknown;
  maskStreet: unknown;
  selectedDistrict: unknown;
  selectedStreet: unknown;
  /** street names: all of them in the city view, the district's own once drilled */
  streetLabels: unknown;
  /** text-opacity of the district names: the one drilled into stays bright */
  districtLabelOpacity: unknown;
}

const none = ['==', ['get', 'code'], NO_REGION];
const streets = ['==', ['get', 'level'], 'street'];

export function drillFilters(current: Pick<Region, 'code' | 'level' | 'parentCode'> | undefined): DrillFilters {
  if (!current || current.level === 'city') {
    return {
      maskDistrict: none,
      maskStreet: none,
      selectedDistrict: none,
      selectedStreet: none,
      streetLabels: streets,
      districtLabelOpacity: districtLabelOpacity(null),
    };
  }
  if (current.level === 'district') {
    return {
      maskDistrict: ['!=', ['get', 'code'], current.code],
      maskStreet: none,
      selectedDistrict: ['==', ['get', 'code'], current.code],
      selectedStreet: none,
      streetLabels: ['all', streets, ['==', ['get', 'parentCode'], current.code]],
      districtLabelOpacity: districtLabelOpacity(current.code),
    };
  }
  // a street (or below): dim the other districts and the district's other streets
  const district = current.level === 'street' ? current.parentCode ?? NO_REGION : NO_REGION;
  return {
    maskDistrict: ['!=', ['get', 'code'], district],
    maskStreet: ['all', ['==', ['get', 'parentCode'], district], ['!=', ['get', 'code'], current.code]],
    selectedDistrict: none,
    selectedStreet: ['==', ['get', 'code'], current.code],
    streetLabels: ['all', streets, ['==', ['get', 'parentCode'], district]],
    districtLabelOpacity: districtLabelOpacity(district),
  };
}

/** MapLibre's bounds from a region bbox [minLng, minLat, maxLng, maxLat]. */
export function boundsOf(bbox: readonly [number, number, number, number]): [[number, number], [number, number]] {
  return [
    [bbox[0], bbox[1]],
    [bbox[2], bbox[3]],
  ];
}
