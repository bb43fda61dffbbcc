import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { allLayers, buildStyle, propertyChanges } from '../../web/src/map/mapStyle';
import { DEFAULT_LAYERS } from '../../web/src/map/layerVisibility';
import { regionsUrl } from '../../web/src/map/regionData';
import { FONT_FAMILY } from '../../web/src/map/palette';

const style = buildStyle({ scale: 1, layers: DEFAULT_LAYERS });

/** every string anywhere in the style */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

describe('the style is offline', () => {
  it('has no glyphs and no sprite', () => {
    expect(style).not.toHaveProperty('glyphs');
    expect(style).not.toHaveProperty('sprite');
  });

  it('contains no URL at all, remote or otherwise', () => {
    const urls = strings(style).filter((s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('//'));
    expect(urls).toEqual([]);
  });

  it('has only GeoJSON sources with inline data (no tiles, no url)', () => {
    for (const [id, source] of Object.entries(style.sources)) {
      expect(source.type, id).toBe('geojson');
      expect(typeof (source as { data: unknown }).data, id).toBe('object');
      expect(source).not.toHaveProperty('tiles');
      expect(source).not.toHaveProperty('url');
    }
  });

  it('loads its geography from a relative URL on the hub', () => {
    const url = regionsUrl('grid', '330203');
    expect(url.startsWith('/api/')).toBe(true);
    expect(url).toBe('/api/regions.geojson?level=grid&within=330203');
  });

  it('draws labels with the bundled CJK font family', () => {
    const fonts = style.layers.flatMap((l) => ((l as { layout?: { 'text-font'?: string[] } }).layout?.['text-font'] ?? []) as string[]);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts).toContain(FONT_FAMILY);
  });
});

describe('the style is valid', () => {
  it('passes the MapLibre style validator', () => {
    expect(validateStyleMin(style)).toEqual([]);
  });

  it('every layer draws from a source that exists', () => {
    for (const layer of style.layers) {
      const source = (layer as { source?: string }).source;
      if (layer.type === 'background') continue;
      expect(style.sources, layer.id).toHaveProperty(source!);
    }
  });

  it('has unique layer ids', () => {
    const ids = style.layers.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stacks the risk fill under the boundaries, heat and markers, and incidents on top of patrols', () => {
    const ids = style.layers.map((l) => l.id);
    const at = (id: string) => ids.indexOf(id);
    expect(at('risk-fill')).toBeGreaterThan(at('land'));
    expect(at('risk-fill')).toBeLessThan(at('district-line'));
    expect(at('district-line')).toBeLessThan(at('heat'));
    expect(at('heat')).toBeLessThan(at('patrols'));
    expect(at('patrols')).toBeLessThan(at('incident-icons'));
    expect(at('incident-icons')).toBeLessThan(at('focus-ring'));
  });

  it('keys region features by code so feature-state works', () => {
    for (const id of ['grids', 'districts', 'streets']) expect(style.sources[id]).toMatchObject({ promoteId: 'code' });
  });
});

describe('wall scale', () => {
  it('changes only sizes and zoom curves when the scale changes', () => {
    const changes = propertyChanges(allLayers(1, 'today'), allLayers(2, 'today'));
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) {
      const zoomCurve = JSON.stringify(c.value).includes('["zoom"]');
      expect(zoomCurve || /size|width|radius|blur|padding|halo/.test(c.name), `${c.layer} ${c.name}`).toBe(true);
    }
    expect(changes.some((c) => c.layer === 'district-label' && c.name === 'text-size')).toBe(true);
  });

  it('changes nothing when nothing changed', () => {
    expect(propertyChanges(allLayers(1.5, 'week'), allLayers(1.5, 'week'))).toEqual([]);
  });
});

describe('map text reads from across the room', () => {
  /** every size a text-size can take: a number, or each output of a zoom interpolation */
  function sizes(value: unknown): number[] {
    if (typeof value === 'number') return [value];
    if (Array.isArray(value) && value[0] === 'interpolate') return value.slice(3).filter((_, i) => i % 2 === 1).flatMap(sizes);
    if (Array.isArray(value) && value[0] === 'step') return value.slice(2).filter((_, i) => i % 2 === 0).flatMap(sizes);
    throw new Error(`a text-size this test cannot read: ${JSON.stringify(value)}`);
  }

  for (const [scale, vectorBasemap] of [[1, false], [2, false], [1, true], [2, true]] as const) {
    it(`no label is drawn under 24 design px (scale ${scale}${vectorBasemap ? ', with the hub\'s own basemap' : ''})`, () => {
      const labels = allLayers(scale, 'today', vectorBasemap).filter((l) => l.type === 'symbol' && (l.layout as Record<string, unknown> | undefined)?.['text-field']);
      expect(labels.length).toBeGreaterThan(2);
      for (const layer of labels) {
        const size = (layer.layout as Record<string, unknown>)['text-size'];
        expect(size, layer.id).toBeDefined();
        for (const px of sizes(size)) expect(px, layer.id).toBeGreaterThanOrEqual(24 * scale - 1e-9);
      }
    });
  }
});
