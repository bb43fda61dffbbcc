import { z } from 'zod';
import { HubError } from '@shared/errors';
import { LngLat, RegionCode } from '@shared/schemas/common';
import { MultiPolygonCoords, PolygonCoords, Region, type RegionLevel, type RegionWithGeometry } from '@shared/schemas/region';
import { parseOrThrow } from '@shared/validate';
import { RegionTree } from '../domain/regions/regionTree';
import { buildRegion } from './regionBuild';

/**
 * Regions as GeoJSON, both ways: what the hub serves to the wall's map, and how a deployment
 * brings its own survey of districts, streets, communities and grids instead of the generated demo.
 *
 * The exchange format is a FeatureCollection of Polygon or MultiPolygon features whose properties
 * are { code, name, nameEn?, level, parentCode, generated?, center? } (nameEn: the English name; the
 * hub transliterates one where it is absent). Bounding boxes are computed, and so are
 * centres when absent (a label point inside the shape).
 */

export interface RegionFeature {
  type: 'Feature';
  id: string;
  properties: { code: string; name: string; nameEn?: string; level: RegionLevel; parentCode: string | null; generated: boolean; center: LngLat };
  geometry: { type: 'MultiPolygon'; coordinates: MultiPolygonCoords };
}

export interface RegionFeatureCollection {
  type: 'FeatureCollection';
  features: RegionFeature[];
}

/** a region's feature properties: what the wall's map reads (both names, the label point) */
export function regionProperties(r: RegionWithGeometry): RegionFeature['properties'] {
  return { code: r.code, name: r.name, ...(r.nameEn ? { nameEn: r.nameEn } : {}), level: r.level, parentCode: r.parentCode, generated: r.generated, center: r.center };
}

/** the regions (optionally of one level only) as a GeoJSON FeatureCollection */
export function toFeatureCollection(regions: readonly RegionWithGeometry[], level?: RegionLevel): RegionFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: regions
      .filter((r) => level === undefined || r.level === level)
      .map((r) => ({
        type: 'Feature',
        id: r.code,
        properties: regionProperties(r),
        geometry: { type: 'MultiPolygon', coordinates: r.polygons },
      })),
  };
}

const closedRing = (ring: readonly (readonly number[])[]): boolean => {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return !!first && !!last && first[0] === last[0] && first[1] === last[1];
};

const Properties = Region.pick({ code: true, name: true, nameEn: true, level: true }).extend({
  parentCode: RegionCode.nullable(),
  // a deployment's own survey is real unless it says otherwise
  generated: z.boolean().default(false),
  /** a point inside the region for its label; computed when absent */
  center: LngLat.optional(),
});

const Geometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: PolygonCoords }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: MultiPolygonCoords }),
]);

const InputCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z
    .array(
      z.object({
        type: z.literal('Feature'),
        properties: Properties,
        geometry: Geometry.refine(
          (g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).every((p) => p.every(closedRing)),
          'every ring must be closed (its last position equal to its first)',
        ),
      }),
    )
    .min(1, 'the collection has no features')
    .max(500_000, 'too many features'),
});

/**
 * Validates a deployment's FeatureCollection and returns its regions, centres and bounding boxes
 * computed. The regions must form one tree (a single root, known parents, each level below its
 * parent's).
 * @throws HubError VALIDATION_FAILED naming the first problems
 */
export function loadRegionsFromGeoJSON(fc: unknown): RegionWithGeometry[] {
  const parsed = parseOrThrow(InputCollection, fc, 'region GeoJSON');
  const regions = parsed.features.map(({ properties: { center, ...fields }, geometry }) =>
    buildRegion({
      ...fields,
      ...(center ? { center } : {}),
      polygons: geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates,
    }),
  );
  try {
    new RegionTree(regions);
  } catch (error) {
    if (error instanceof HubError) {
      throw new HubError('VALIDATION_FAILED', `The region GeoJSON is not valid (${error.message}).`, error.details);
    }
    throw error;
  }
  return regions;
}
