import { readFileSync } from 'node:fs';
import type { RegionWithGeometry } from '@shared/schemas/region';
import { loadRegionsFromGeoJSON } from './featureCollection';
import { generateCity, type CityScale } from './generateCity';

/**
 * The hub's geography, from one of two sources: a deployment's own region GeoJSON file (see
 * data/README.md for its format), or, by default, the generated demo city.
 */

export { generateCity, SCALES, type CityScale, type GenerateCityOptions } from './generateCity';
export { loadRegionsFromGeoJSON, toFeatureCollection, type RegionFeatureCollection } from './featureCollection';
export { loadNingbo, NINGBO_DATA_DIR, type CitySource } from './ningbo';

export interface GeographyOptions {
  /** path of a region FeatureCollection; when set, nothing is generated */
  file?: string;
  seed?: string;
  scale?: CityScale;
}

export function loadGeography(options: GeographyOptions = {}): RegionWithGeometry[] {
  if (options.file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(options.file, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read the region GeoJSON ${options.file}: ${(error as Error).message}`);
    }
    return loadRegionsFromGeoJSON(parsed);
  }
  return generateCity({ seed: options.seed ?? 'demo', scale: options.scale ?? 'city' });
}
