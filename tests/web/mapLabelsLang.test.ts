/**
 * Region labels in the wall's language: the label points carry both names (the Chinese one where
 * the hub gave no English), and the label layers' text picks by the map's global state `lang` —
 * evaluated here by MapLibre's own expression engine, not re-implemented.
 */
import { describe, expect, it } from 'vitest';
import { createExpression } from '@maplibre/maplibre-gl-style-spec';
import { districtLabelLayers, LABEL_TEXT, streetLabelLayers } from '../../web/src/map/basemapLayers';
import { labelFeatures, type RegionCollection } from '../../web/src/map/regionData';

const collection = (features: { code: string; name: string; nameEn?: string }[]): RegionCollection => ({
  type: 'FeatureCollection',
  features: features.map((f) => ({
    type: 'Feature',
    properties: { ...f, level: 'district', parentCode: '330200', generated: false, center: [121.5, 29.87] },
    geometry: { type: 'Polygon', coordinates: [[[121.4, 29.8], [121.6, 29.8], [121.6, 29.9], [121.4, 29.8]]] },
  })),
});

describe('labels in two languages', () => {
  it('carry the English name without its kind (the outlines say it), or the Chinese one where there is none', () => {
    const labels = labelFeatures([
      collection([
        { code: '330203', name: '海曙区', nameEn: 'Haishu District' },
        { code: '330205', name: '江北区' },
        { code: '330282', name: '慈溪市', nameEn: 'Cixi City' },
        { code: '330226', name: '宁海县', nameEn: 'Ninghai County' },
      ]),
    ]);
    expect(labels.features.map((f) => [f.properties.name, f.properties.nameEn]).sort()).toEqual([
      ['宁海县', 'Ninghai'],
      ['慈溪市', 'Cixi'],
      ['江北区', '江北区'],
      ['海曙区', 'Haishu'],
    ]);
  });

  it('are drawn by the layers in the language the map state says', () => {
    for (const layer of [...streetLabelLayers(1), ...districtLabelLayers(1)]) expect((layer.layout as Record<string, unknown>)['text-field']).toBe(LABEL_TEXT);
    const text = (lang: string | undefined) => {
      const parsed = createExpression(LABEL_TEXT, 'text-field', { type: 'formatted' } as never, lang === undefined ? {} : { lang });
      if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
      return String(parsed.value.evaluate({ zoom: 10 } as never, { type: 'Point', properties: { name: '海曙区', nameEn: 'Haishu District' } } as never)); // a Formatted: its text
    };
    expect(text('en')).toBe('Haishu District');
    expect(text('zh')).toBe('海曙区');
    expect(text(undefined)).toBe('海曙区'); // before the wall sets it
  });
});
