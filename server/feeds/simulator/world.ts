/**
 * The simulator's index of the region tree: every grid with its polygon, its street and district,
 * whether it is urban, and cumulative weights for drawing a grid "where things happen".
 *
 * Urban or rural: a 街道 (sub-district) is urban, a 镇 / 乡 (town, township) rural. When names give
 * no hint (a deployment's own GeoJSON), grids smaller than the median are taken as urban: grids
 * hold about the same number of residents, so small grids are dense ones.
 */
import { ITEMS_PER_STEP, runInSlices, runToEnd, type Steps } from '../../lib/slices';
import type { BBox } from '@shared/schemas/common';
import type { MultiPolygonCoords, RegionWithGeometry } from '@shared/schemas/region';
import { bboxOfMultiPolygon, multiPolygonAreaM2 } from '../../domain/regions/geo';
import type { Rng } from '../../lib/rng';
import { streetPlaces, type StreetPlaces } from './places';

export interface GridInfo {
  index: number;
  code: string;
  name: string;
  polygons: MultiPolygonCoords;
  bbox: BBox;
  areaM2: number;
  urban: boolean;
  streetCode: string;
  streetName: string;
  /** 1-based position of the street in its district (the GB/T 28181 grass-roots unit) */
  streetNo: number;
  districtCode: string;
  districtName: string;
  communityName: string;
  places: StreetPlaces;
}

export interface World {
  seed: string;
  grids: readonly GridInfo[];
  byCode: ReadonlyMap<string, GridInfo>;
  /** cumulative weights over `grids` for incidents (urban grids see more) */
  incidentCdf: Float64Array;
  /** cumulative weights over `grids` for video points (urban streets are much denser) */
  cameraCdf: Float64Array;
}

const URBAN_INCIDENT_WEIGHT = 1.3;
const RURAL_INCIDENT_WEIGHT = 0.7;
const URBAN_CAMERA_WEIGHT = 1.7;
const RURAL_CAMERA_WEIGHT = 0.5;

export function buildWorld(regions: readonly RegionWithGeometry[], seed: string): World {
  return runToEnd(worldSteps(regions, seed));
}

/** the same world a slice of time at a time: a province's 61,000 grids took 0.3 s in one turn, after the hub had begun to listen */
export function buildWorldInSlices(regions: readonly RegionWithGeometry[], seed: string): Promise<World> {
  return runInSlices(worldSteps(regions, seed));
}

function* worldSteps(regions: readonly RegionWithGeometry[], seed: string): Steps<World> {
  const byCodeRegion = new Map(regions.map((r) => [r.code, r]));
  const ancestor = (r: RegionWithGeometry, level: string): RegionWithGeometry | undefined => {
    let cur: RegionWithGeometry | undefined = r;
    for (let i = 0; cur && i < 8; i++) {
      if (cur.level === level) return cur;
      cur = cur.parentCode ? byCodeRegion.get(cur.parentCode) : undefined;
    }
    return undefined;
  };
  const gridRegions = regions.filter((r) => r.level === 'grid').sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  if (gridRegions.length === 0) throw new Error('The simulator needs at least one region of level "grid".');

  const streetNumbers = new Map<string, number>();
  const streetsPerDistrict = new Map<string, number>();
  const areas: number[] = [];
  for (const g of gridRegions) {
    areas.push(multiPolygonAreaM2(g.polygons));
    if (areas.length % ITEMS_PER_STEP === 0) yield;
  }
  const medianArea = [...areas].sort((a, b) => a - b)[Math.floor(areas.length / 2)] ?? 0;

  const grids: GridInfo[] = [];
  for (const [index, g] of gridRegions.entries()) {
    if (index % ITEMS_PER_STEP === 0) yield;
    const street = ancestor(g, 'street') ?? (g.parentCode ? byCodeRegion.get(g.parentCode) : undefined) ?? g;
    const district = ancestor(g, 'district') ?? street;
    const community = ancestor(g, 'community');
    if (!streetNumbers.has(street.code)) {
      const n = (streetsPerDistrict.get(district.code) ?? 0) + 1;
      streetsPerDistrict.set(district.code, n);
      streetNumbers.set(street.code, n);
    }
    const areaM2 = areas[index]!;
    const byName = /街道$/.test(street.name) ? true : /(镇|乡)$/.test(street.name) ? false : null;
    grids.push({
      index,
      code: g.code,
      name: g.name,
      polygons: g.polygons,
      bbox: bboxOfMultiPolygon(g.polygons),
      areaM2,
      urban: byName ?? areaM2 <= medianArea,
      streetCode: street.code,
      streetName: street.name,
      streetNo: streetNumbers.get(street.code)!,
      districtCode: district.code,
      districtName: district.name,
      communityName: community?.name ?? street.name,
      places: streetPlaces(seed, street.code, street.name),
    });
  }
  return {
    seed,
    grids,
    byCode: new Map(grids.map((g) => [g.code, g])),
    incidentCdf: cdf(grids.map((g) => (g.urban ? URBAN_INCIDENT_WEIGHT : RURAL_INCIDENT_WEIGHT))),
    cameraCdf: cdf(grids.map((g) => (g.urban ? URBAN_CAMERA_WEIGHT : RURAL_CAMERA_WEIGHT))),
  };
}

export function cdf(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += Math.max(0, w);
    out[i] = sum;
  });
  return out;
}

/** index drawn with probability proportional to its weight, by binary search on a cdf */
export function drawIndex(cdfArray: Float64Array, rng: Rng): number {
  const total = cdfArray[cdfArray.length - 1] ?? 0;
  const r = rng.next() * total;
  let lo = 0;
  let hi = cdfArray.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdfArray[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
