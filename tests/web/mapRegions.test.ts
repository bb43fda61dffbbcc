import { describe, expect, it } from 'vitest';
import { labelFeatures, labelText, normaliseRegions, type RegionCollection } from '../../web/src/map/regionData';
import { collectionBounds } from '../../web/src/map/geography';
import { cameraFeatures } from '../../web/src/map/cameraLayer';
import type { Camera } from '@shared/schemas/camera';

const square = (x: number, y: number, size: number) => [[[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]];

const hubResponse = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', id: '330203', properties: { code: '330203', name: '海曙区', level: 'district', parentCode: '330200', generated: false, center: [121.3, 29.9] }, geometry: { type: 'MultiPolygon', coordinates: square(121, 29.7, 0.5) } },
    { type: 'Feature', id: '330205', properties: { code: '330205', name: '江北区', level: 'district', parentCode: '330200', generated: false, center: [121.6, 30] }, geometry: { type: 'MultiPolygon', coordinates: square(121.5, 29.9, 0.2) } },
  ],
};

describe('region geometry from the hub', () => {
  it('drops the string ids (MapLibre keys features by promoteId "code")', () => {
    const fc = normaliseRegions(hubResponse);
    expect(fc.features).toHaveLength(2);
    for (const f of fc.features) expect(f).not.toHaveProperty('id');
  });

  it('tolerates a broken response', () => {
    expect(normaliseRegions({ error: 'x' }).features).toEqual([]);
    expect(normaliseRegions(null).features).toEqual([]);
  });

  it('puts one label at each region centre, biggest first', () => {
    const fc = labelFeatures([normaliseRegions(hubResponse)]);
    expect(fc.features.map((f) => [f.properties.name, f.properties.rank, f.geometry.coordinates])).toEqual([
      ['海曙区', 0, [121.3, 29.9]],
      ['江北区', 1, [121.6, 30]],
    ]);
  });

  it('lists every label character once, for the font preload', () => {
    expect(labelText([normaliseRegions(hubResponse)])).toBe('海曙区江北');
  });

  it('measures the bounds of the geography', () => {
    const fc = normaliseRegions(hubResponse) as RegionCollection;
    expect(collectionBounds(fc)).toEqual([
      [121, 29.7],
      [121.7, 30.2],
    ]);
  });
});

describe('cameraFeatures', () => {
  it('colours by status, alarms on top', () => {
    const cam = (id: string, status: Camera['status'], alarm: Camera['alarm'] = null) =>
      ({ id, name: id, status, alarm, lng: 121, lat: 29, gbId: null, gridCode: 'g', statusSince: 0, owner: '' }) as Camera;
    const fc = cameraFeatures([cam('a', 'online', { type: 'crowd', at: 1 }), cam('b', 'fault'), cam('c', 'offline')]);
    expect(fc.features.map((f) => [f.properties.id, f.properties.icon, f.properties.alarm])).toEqual([
      ['b', 'cam-fault', 0],
      ['c', 'cam-offline', 0],
      ['a', 'cam-alarm', 1],
    ]);
  });
});
