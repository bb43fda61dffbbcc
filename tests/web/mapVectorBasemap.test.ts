/** The hub's own vector basemap in the wall's style: where its layers go, and that nothing goes remote. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { allLayers, buildStyle } from '../../web/src/map/mapStyle';
import { DEFAULT_LAYERS } from '../../web/src/map/layerVisibility';
import { FONT_FAMILY } from '../../web/src/map/palette';
import {
  BASEMAP_SOURCE,
  basemapFromTileJson,
  DEFAULT_ATTRIBUTION,
  fetchBasemap,
  plainAttribution,
  vectorFilterChanges,
  VECTOR_LAYER_PREFIX,
} from '../../web/src/map/vectorBasemap';

const ORIGIN = 'http://10.20.0.5:8080';
const TILEJSON = {
  tilejson: '3.0.0',
  tiles: ['/api/basemap/{z}/{x}/{y}.mvt?v=0123456789abcdef'],
  minzoom: 0,
  maxzoom: 15,
  bounds: [121.0, 29.3, 122.3, 30.4],
  attribution: '<a href="https://github.com/protomaps/basemaps">Protomaps</a> © <a href="https://openstreetmap.org">OpenStreetMap</a>',
};
const basemap = basemapFromTileJson(TILEJSON, ORIGIN)!;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

describe('the TileJSON from the hub', () => {
  it('becomes a source on the page origin, braces of the template kept', () => {
    expect(basemap.tiles).toEqual([`${ORIGIN}/api/basemap/{z}/{x}/{y}.mvt?v=0123456789abcdef`]);
    expect(basemap).toMatchObject({ minzoom: 0, maxzoom: 15, bounds: [121.0, 29.3, 122.3, 30.4] });
  });

  it('is refused when a tile URL points anywhere but the hub the page came from', () => {
    for (const tiles of [['https://tiles.example.com/{z}/{x}/{y}.mvt'], ['//cdn.example.com/{z}/{x}/{y}.pbf'], ['http://10.20.0.5:9999/{z}/{x}/{y}.mvt'], [], [42]]) {
      expect(basemapFromTileJson({ ...TILEJSON, tiles }, ORIGIN), JSON.stringify(tiles)).toBeNull();
    }
    expect(basemapFromTileJson(null, ORIGIN)).toBeNull();
  });

  it('shows its attribution as plain words, OpenStreetMap when it names none', () => {
    expect(basemap.attribution).toBe('Protomaps © OpenStreetMap');
    expect(plainAttribution(undefined)).toBe(DEFAULT_ATTRIBUTION);
    expect(plainAttribution('&copy; <b>OpenStreetMap</b> contributors')).toBe('© OpenStreetMap contributors');
  });
});

describe('the style with the hub\'s own basemap', () => {
  const style = buildStyle({ scale: 1, layers: DEFAULT_LAYERS, basemap });
  const ids = style.layers.map((l) => l.id);
  const at = (id: string) => ids.indexOf(id);
  const vector = style.layers.filter((l) => l.id.startsWith(VECTOR_LAYER_PREFIX));

  it('passes the MapLibre style validator', () => {
    expect(validateStyleMin(style)).toEqual([]);
  });

  it('adds one vector source, on the page origin; every other source stays GeoJSON', () => {
    expect(style.sources[BASEMAP_SOURCE]).toMatchObject({ type: 'vector', tiles: basemap.tiles, minzoom: 0, maxzoom: 15 });
    for (const [id, source] of Object.entries(style.sources)) if (id !== BASEMAP_SOURCE) expect(source.type, id).toBe('geojson');
    const urls = strings(style).filter((s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('//'));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(new URL(url).origin).toBe(ORIGIN);
    expect(style).not.toHaveProperty('glyphs');
    expect(style).not.toHaveProperty('sprite');
  });

  it('draws earth, water, three road classes and place names from the Protomaps layers', () => {
    const byLayer = (name: string) => vector.filter((l) => (l as { 'source-layer'?: string })['source-layer'] === name).map((l) => l.id);
    expect(byLayer('earth')).toEqual(['basemap-earth']);
    expect(byLayer('water')).toEqual(['basemap-water', 'basemap-waterway']);
    expect(byLayer('roads')).toEqual(['basemap-road-minor', 'basemap-road-major', 'basemap-road-highway']);
    expect(byLayer('places')).toEqual(['basemap-places']);
    for (const l of vector) expect((l as { source?: string }).source, l.id).toBe(BASEMAP_SOURCE);
  });

  it('stacks every vector layer under the first live layer, water and roads over the district fill and under the risk map', () => {
    const firstLive = Math.min(...['heat', 'area-bubbles', 'camera-icons', 'patrols', 'incident-icons'].map(at));
    expect(firstLive).toBe(at('heat'));
    for (const l of vector) expect(at(l.id), l.id).toBeLessThan(firstLive);
    expect(at('basemap-earth')).toBeGreaterThan(at('background'));
    expect(at('basemap-earth')).toBeLessThan(at('land'));
    for (const id of ['basemap-water', 'basemap-road-minor', 'basemap-road-highway']) {
      expect(at(id), id).toBeGreaterThan(at('land'));
      expect(at(id), id).toBeLessThan(at('risk-fill'));
    }
    // wider roads over narrower ones; place names over the boundaries and the drill-down mask
    expect(at('basemap-road-highway')).toBeGreaterThan(at('basemap-road-major'));
    expect(at('basemap-places')).toBeGreaterThan(at('mask-district'));
  });

  it('names places with the bundled font, in the wall\'s language, at 24 px × scale or more', () => {
    for (const scale of [1, 1.5, 2]) {
      const places = allLayers(scale, 'off', true).find((l) => l.id === 'basemap-places') as { layout: Record<string, unknown> };
      expect(places.layout['text-font']).toContain(FONT_FAMILY);
      const size = places.layout['text-size'] as unknown[];
      expect(size[0]).toBe('interpolate');
      for (const px of size.slice(3).filter((_, i) => i % 2 === 1) as number[]) expect(px).toBeGreaterThanOrEqual(24 * scale - 1e-9);
      expect(JSON.stringify(places.layout['text-field'])).toContain('"name:en"');
      expect(JSON.stringify(places.layout['text-field'])).toContain('["global-state","lang"]');
    }
  });

  it('shows a place from its min_zoom as a 1080p wall would, on a bigger wall too', () => {
    const filterAt = (scale: number) => JSON.stringify((allLayers(scale, 'today', true).find((l) => l.id === 'basemap-places') as { filter: unknown }).filter);
    expect(filterAt(1)).toContain('["-",["zoom"],0]');
    expect(filterAt(2)).toContain('["-",["zoom"],1]');
    expect(vectorFilterChanges(allLayers(1, 'today', true), allLayers(2, 'today', true)).map((c) => c.layer)).toEqual(['basemap-places']);
    expect(vectorFilterChanges(allLayers(2, 'today', true), allLayers(2, 'week', true))).toEqual([]);
  });
});

describe('without a basemap file', () => {
  it('the style is exactly the generated demo basemap', () => {
    const plain = buildStyle({ scale: 1, layers: DEFAULT_LAYERS });
    expect(buildStyle({ scale: 1, layers: DEFAULT_LAYERS, basemap: null })).toEqual(plain);
    expect(plain.sources).not.toHaveProperty(BASEMAP_SOURCE);
    expect(plain.layers.some((l) => l.id.startsWith(VECTOR_LAYER_PREFIX))).toBe(false);
    expect(allLayers(2, 'today')).toEqual(allLayers(2, 'today', false));
  });

  describe('fetchBasemap', () => {
    afterEach(() => vi.unstubAllGlobals());

    for (const [status, body] of [
      [204, null],
      [404, JSON.stringify({ error: 'NOT_FOUND' })], // an older hub
    ] as const) {
      it(`takes a ${status} from the hub as "no basemap" and asks once`, async () => {
        const fetchMock = vi.fn(async (_url: string) => new Response(body, { status }));
        vi.stubGlobal('fetch', fetchMock);
        expect(await fetchBasemap(new AbortController().signal, ORIGIN)).toBeNull();
        expect(fetchMock).toHaveBeenCalledTimes(1);
        expect(fetchMock.mock.calls[0]![0]).toBe('/api/basemap.json');
      });
    }

    it('reads the TileJSON when the hub has one', async () => {
      vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(TILEJSON), { status: 200 })));
      expect(await fetchBasemap(new AbortController().signal, ORIGIN)).toEqual(basemap);
    });
  });
});
