import { describe, expect, it } from 'vitest';
import { HubError } from '@shared/errors';
import type { LngLat } from '@shared/schemas/common';
import { loadRegionsFromGeoJSON, toFeatureCollection } from '../../server/geo/featureCollection';
import { generateCity } from '../../server/geo/generateCity';

function square(x0: number, y0: number, size: number): LngLat[] {
  return [
    [x0, y0],
    [x0 + size, y0],
    [x0 + size, y0 + size],
    [x0, y0 + size],
    [x0, y0],
  ];
}

/** a deployment's own file: a district with one street, one community and two grids */
function ownFile(): { type: string; features: Record<string, unknown>[] } {
  const feature = (code: string, level: string, parentCode: string | null, coordinates: unknown, type = 'Polygon') => ({
    type: 'Feature',
    properties: { code, name: `区域${code}`, level, parentCode },
    geometry: { type, coordinates },
  });
  return {
    type: 'FeatureCollection',
    features: [
      feature('D1', 'district', null, [square(121, 29, 1)]),
      feature('S1', 'street', 'D1', [square(121, 29, 1)]),
      feature('M1', 'community', 'S1', [[square(121, 29, 1)]], 'MultiPolygon'),
      feature('G1', 'grid', 'M1', [square(121, 29, 0.5)]),
      feature('G2', 'grid', 'M1', [square(121.5, 29, 0.5), square(121.6, 29.1, 0.1).reverse()]),
    ],
  };
}

function refusal(input: unknown): HubError {
  try {
    loadRegionsFromGeoJSON(input);
  } catch (error) {
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe('VALIDATION_FAILED');
    return error as HubError;
  }
  throw new Error('expected the GeoJSON to be refused');
}

describe('loadRegionsFromGeoJSON', () => {
  it('loads a valid file, computing centres and bounding boxes', () => {
    const regions = loadRegionsFromGeoJSON(ownFile());
    expect(regions.map((r) => r.code)).toEqual(['D1', 'S1', 'M1', 'G1', 'G2']);
    const g1 = regions[3];
    expect(g1?.bbox).toEqual([121, 29, 121.5, 29.5]);
    expect(g1?.center[0]).toBeCloseTo(121.25, 6);
    expect(g1?.generated).toBe(false);
    expect(g1?.polygons).toHaveLength(1); // a Polygon becomes a one-polygon MultiPolygon
    const g2 = regions[4];
    expect(g2?.polygons[0]).toHaveLength(2); // the hole is kept
  });

  it('round-trips the generated city through toFeatureCollection', () => {
    const regions = generateCity({ seed: 'geojson', scale: 'district' });
    const fc = JSON.parse(JSON.stringify(toFeatureCollection(regions)));
    expect(loadRegionsFromGeoJSON(fc)).toEqual(regions);
  });

  it('can export one level only', () => {
    const regions = loadRegionsFromGeoJSON(ownFile());
    const fc = toFeatureCollection(regions, 'grid');
    expect(fc.features.map((f) => f.properties.code)).toEqual(['G1', 'G2']);
    expect(fc.features[0]?.geometry.type).toBe('MultiPolygon');
  });

  it('refuses something that is not a FeatureCollection', () => {
    refusal(null);
    refusal('{}');
    refusal({ type: 'Feature' });
    expect(refusal({ type: 'FeatureCollection', features: [] }).message).toContain('no features');
  });

  it('refuses a feature without its properties, naming the field', () => {
    const file = ownFile();
    delete (file.features[3] as { properties: Record<string, unknown> }).properties.level;
    const error = refusal(file);
    expect(error.message).toContain('features.3.properties.level');
  });

  it('refuses an unknown level, a bad code and coordinates off the globe', () => {
    const badLevel = ownFile();
    (badLevel.features[3] as { properties: Record<string, unknown> }).properties.level = 'block';
    refusal(badLevel);
    const badCode = ownFile();
    (badCode.features[3] as { properties: Record<string, unknown> }).properties.code = 'G 1';
    refusal(badCode);
    const offGlobe = ownFile();
    (offGlobe.features[3] as { geometry: unknown }).geometry = { type: 'Polygon', coordinates: [square(200, 29, 1)] };
    refusal(offGlobe);
  });

  it('refuses an open ring, a ring of fewer than four positions and other geometry types', () => {
    const open = ownFile();
    (open.features[3] as { geometry: unknown }).geometry = { type: 'Polygon', coordinates: [square(121, 29, 0.5).slice(0, 4)] };
    expect(refusal(open).message).toContain('closed');
    const tiny = ownFile();
    (tiny.features[3] as { geometry: unknown }).geometry = { type: 'Polygon', coordinates: [[[121, 29], [121.1, 29], [121, 29]]] };
    refusal(tiny);
    const point = ownFile();
    (point.features[3] as { geometry: unknown }).geometry = { type: 'Point', coordinates: [121, 29] };
    refusal(point);
  });

  it('refuses a file whose regions do not form one tree', () => {
    const orphan = ownFile();
    (orphan.features[3] as { properties: Record<string, unknown> }).properties.parentCode = 'M9';
    expect(refusal(orphan).message).toContain('unknown parent M9');
    const duplicate = ownFile();
    (duplicate.features[4] as { properties: Record<string, unknown> }).properties.code = 'G1';
    expect(refusal(duplicate).message).toContain('duplicate');
  });
});
