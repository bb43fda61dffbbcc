import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LngLat, RegionCode } from '@shared/schemas/common';
import { MultiPolygonCoords } from '@shared/schemas/region';
import { parseOrThrow } from '@shared/validate';

/**
 * Loads the demo city's committed geography (data/geo/ningbo/, written by scripts/extract-geo.ts):
 * the real district polygons and the real names and codes of streets and communities.
 * See data/README.md for where each file comes from.
 */

export const NINGBO_DATA_DIR = fileURLToPath(new URL('../../data/geo/ningbo/', import.meta.url));

const DistrictsFile = z.object({
  type: z.literal('FeatureCollection'),
  city: z.object({ code: RegionCode, name: z.string().min(1) }),
  features: z
    .array(
      z.object({
        type: z.literal('Feature'),
        properties: z.object({ code: RegionCode, name: z.string().min(1), seat: LngLat.nullable() }),
        geometry: z.object({ type: z.literal('MultiPolygon'), coordinates: MultiPolygonCoords }),
      }),
    )
    .min(1),
});

const StreetsFile = z.object({
  streets: z.array(
    z.object({
      code: RegionCode,
      name: z.string().min(1),
      districtCode: RegionCode,
      kind: z.enum(['subdistrict', 'town', 'township']),
    }),
  ),
});

const CommunitiesFile = z.object({
  communities: z.array(z.tuple([RegionCode, z.string().min(1), z.enum(['residents', 'villagers'])])),
});

export interface DistrictSource {
  code: string;
  name: string;
  /** the district government's seat, where the generator centres the population */
  seat: LngLat | null;
  polygons: MultiPolygonCoords;
}

export interface StreetSource {
  code: string;
  name: string;
  districtCode: string;
  kind: 'subdistrict' | 'town' | 'township';
}

export interface CommunitySource {
  code: string;
  name: string;
  streetCode: string;
  kind: 'residents' | 'villagers';
}

export interface CitySource {
  code: string;
  name: string;
  districts: DistrictSource[];
  streets: StreetSource[];
  communities: CommunitySource[];
}

function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(`${dir}${dir.endsWith('/') ? '' : '/'}${file}`, 'utf8'));
}

let cached: CitySource | undefined;

/** reads and validates the three files once per process */
export function loadNingbo(dir: string = NINGBO_DATA_DIR): CitySource {
  if (cached && dir === NINGBO_DATA_DIR) return cached;
  const districts = parseOrThrow(DistrictsFile, readJson(dir, 'districts.geojson'), 'districts.geojson');
  const streets = parseOrThrow(StreetsFile, readJson(dir, 'streets.json'), 'streets.json');
  const communities = parseOrThrow(CommunitiesFile, readJson(dir, 'communities.json'), 'communities.json');
  const source: CitySource = {
    code: districts.city.code,
    name: districts.city.name,
    districts: districts.features.map((f) => ({
      code: f.properties.code,
      name: f.properties.name,
      seat: f.properties.seat,
      polygons: f.geometry.coordinates,
    })),
    streets: streets.streets,
    // a village-level code is its street's code followed by three digits
    communities: communities.communities.map(([code, name, kind]) => ({ code, name, kind, streetCode: code.slice(0, 9) })),
  };
  if (dir === NINGBO_DATA_DIR) cached = source;
  return source;
}
