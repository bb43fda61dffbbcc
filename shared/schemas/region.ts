import { z } from 'zod';
import { BBox, LngLat, RegionCode } from './common';

/** The administrative hierarchy a command centre works in, from the city down to the grid. */
export const REGION_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export const RegionLevel = z.enum(REGION_LEVELS);
export type RegionLevel = z.infer<typeof RegionLevel>;

/** A region without its geometry: what a snapshot carries. Geometry is served as GeoJSON over HTTP. */
export const Region = z.object({
  code: RegionCode,
  name: z.string().min(1).max(80),
  /** the name in English: the geography's own, or transliterated by the hub (server/geo/englishNames.ts) */
  nameEn: z.string().min(1).max(120).optional(),
  level: RegionLevel,
  parentCode: RegionCode.nullable(),
  center: LngLat,
  bbox: BBox,
  /** true when the polygon (and for communities and grids, the name) was generated, not surveyed */
  generated: z.boolean(),
});
export type Region = z.infer<typeof Region>;

/** Polygon rings in GeoJSON order: outer ring first, then holes; each ring closed. */
export const Ring = z.array(LngLat).min(4);
export const PolygonCoords = z.array(Ring).min(1);
export const MultiPolygonCoords = z.array(PolygonCoords).min(1);
export type MultiPolygonCoords = z.infer<typeof MultiPolygonCoords>;

export const RegionWithGeometry = Region.extend({ polygons: MultiPolygonCoords });
export type RegionWithGeometry = z.infer<typeof RegionWithGeometry>;

/** codes from the city down to the grid, inclusive */
export const RegionPath = z.array(RegionCode).min(1).max(REGION_LEVELS.length);
export type RegionPath = z.infer<typeof RegionPath>;
