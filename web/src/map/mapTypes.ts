/**
 * Style types derived from maplibre-gl's own declarations, so the map code depends on one package
 * (maplibre-gl re-exports none of its style-spec types by name).
 */
import type { MapOptions } from 'maplibre-gl';

export type StyleSpec = Exclude<NonNullable<MapOptions['style']>, string>;
export type LayerSpec = StyleSpec['layers'][number];
export type SourceSpec = StyleSpec['sources'][string];
/** Any MapLibre expression or literal a layer property accepts. */
export type Expr = unknown;

export interface PointFeature<P> {
  type: 'Feature';
  id?: string | number;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: P;
}

export interface PointCollection<P> {
  type: 'FeatureCollection';
  features: PointFeature<P>[];
}

export function pointCollection<P>(features: PointFeature<P>[]): PointCollection<P> {
  return { type: 'FeatureCollection', features };
}

export function point<P>(lng: number, lat: number, properties: P): PointFeature<P> {
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [lng, lat] }, properties };
}

/** A plausible WGS-84/GCJ-02 coordinate; (0,0) and NaN mean "no fix" in typed arrays. */
export function isUsablePosition(lng: number | null | undefined, lat: number | null | undefined): boolean {
  if (lng == null || lat == null) return false;
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) return false;
  if (lng === 0 && lat === 0) return false;
  return lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
}
