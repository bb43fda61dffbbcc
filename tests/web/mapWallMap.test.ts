import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * A stand-in for maplibre-gl in happy-dom (no WebGL) that records what the wall's map code asks
 * of it. Defined here (hoisted) so the test has no shared fixture.
 */
const fake = vi.hoisted(() => {
  type Handler = (e?: unknown) => void;

  class FakeSource {
    data: unknown[] = [];
    setData(json: unknown): void {
      this.data.push(json);
    }
  }

  class Map {
    static instances: Map[] = [];
    readonly options: Record<string, unknown>;
    readonly handlers: Record<string, Handler[]> = {};
    style: object | null = {};
    readonly sources: Record<string, FakeSource> = {};
    readonly layers = new Set<string>();
    /** the layer stack bottom to top, as addLayer(spec, before) leaves it */
    readonly order: string[] = [];
    readonly images = new Set<string>();
    readonly featureState: { source: string; id: string; state: Record<string, unknown> }[] = [];
    readonly layout: [string, string, unknown][] = [];
    readonly paint: [string, string, unknown][] = [];
    readonly filters: [string, unknown][] = [];
    readonly zoomRanges: [string, number, number][] = [];
    readonly flights: unknown[] = [];
    removed = false;
    resized = 0;
    touchZoomRotate = { disableRotation: () => {} };
    private readonly canvas = document.createElement('canvas');

    constructor(options: Record<string, unknown>) {
      this.options = options;
      const style = options.style as { sources: Record<string, unknown>; layers: { id: string }[] };
      for (const id of Object.keys(style.sources)) this.sources[id] = new FakeSource();
      for (const l of style.layers) this.layers.add(l.id);
      this.order.push(...style.layers.map((l) => l.id));
      Map.instances.push(this);
    }

    on(type: string, fn: Handler): this {
      (this.handlers[type] ??= []).push(fn);
      return this;
    }
    once(type: string, fn: Handler): this {
      const wrap: Handler = (e) => {
        this.off(type, wrap);
        fn(e);
      };
      return this.on(type, wrap);
    }
    off(type: string, fn: Handler): this {
      this.handlers[type] = (this.handlers[type] ?? []).filter((h) => h !== fn);
      return this;
    }
    fire(type: string, e?: unknown): void {
      for (const h of [...(this.handlers[type] ?? [])]) h(e);
    }
    listenerCount(): number {
      return Object.values(this.handlers).reduce((n, list) => n + list.length, 0);
    }

    getSource(id: string): FakeSource | undefined {
      return this.style ? this.sources[id] : undefined;
    }
    getLayer(id: string): object | undefined {
      return this.layers.has(id) ? { id } : undefined;
    }
    getLayoutProperty(id: string, name: string): unknown {
      return [...this.layout].reverse().find(([l, n]) => l === id && n === name)?.[2];
    }
    addSource(id: string): void {
      this.sources[id] = new FakeSource();
    }
    addLayer(spec: { id: string }, before?: string): void {
      this.layers.add(spec.id);
      const at = before ? this.order.indexOf(before) : -1;
      if (at < 0) this.order.push(spec.id);
      else this.order.splice(at, 0, spec.id);
    }
    setLayoutProperty(id: string, name: string, value: unknown): void {
      this.layout.push([id, name, value]);
    }
    setPaintProperty(id: string, name: string, value: unknown): void {
      this.paint.push([id, name, value]);
    }
    setLayerZoomRange(id: string, min: number, max: number): void {
      this.zoomRanges.push([id, min, max]);
    }
    setFilter(id: string, filter: unknown): void {
      this.filters.push([id, filter]);
    }
    globalState: Record<string, unknown> = {};
    setGlobalStateProperty(name: string, value: unknown): void {
      this.globalState[name] = value;
    }
    setFeatureState(f: { source: string; id: string }, state: Record<string, unknown>): void {
      this.featureState.push({ source: f.source, id: f.id, state });
    }
    hasImage(name: string): boolean {
      return this.images.has(name);
    }
    addImage(name: string): void {
      this.images.add(name);
    }
    isStyleLoaded(): boolean {
      return !!this.style;
    }
    queryRenderedFeatures(): unknown[] {
      return [];
    }
    getCanvas(): HTMLCanvasElement {
      return this.canvas;
    }
    getCenter() {
      return { lng: 121.5, lat: 29.9 };
    }
    getZoom(): number {
      return 9;
    }
    fitBounds(bounds: unknown): void {
      this.flights.push({ fitBounds: bounds });
    }
    /** the zoom a fit would reach: a little less for every 100 px of padding */
    cameraForBounds(_bounds: unknown, options: { padding?: { top: number; bottom: number; left: number; right: number } } = {}) {
      const p = options.padding ?? { top: 0, bottom: 0, left: 0, right: 0 };
      return { zoom: 8.4 - (p.top + p.bottom + p.left + p.right) / 1000 };
    }
    flyTo(opts: unknown): void {
      this.flights.push({ flyTo: opts });
    }
    resize(): void {
      this.resized++;
    }
    remove(): void {
      this.removed = true;
      this.style = null;
    }
  }

  let workerUrl = '';
  function setWorkerUrl(url: string): void {
    workerUrl = url;
  }
  function getWorkerUrl(): string {
    return workerUrl;
  }
  return { Map, setWorkerUrl, getWorkerUrl };
});

vi.mock('maplibre-gl', () => fake);

const FakeMap = fake.Map;
import { nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Snapshot } from '@shared/schemas/live';
import type { Region } from '@shared/schemas/region';
import { WallMap, type MapStatus } from '../../web/src/map/wallMap';
import MapView from '../../web/src/map/MapView.vue';
import { useLiveStore } from '../../web/src/stores/live';
import { useWallStore } from '../../web/src/stores/wall';
import { useIncidentsStore } from '../../web/src/stores/incidents';
import { useStatsStore } from '../../web/src/stores/stats';
import { DEFAULT_LAYERS } from '../../web/src/map/layerVisibility';
import { SOURCE } from '../../web/src/map/sources';
import { allLayers } from '../../web/src/map/mapStyle';
import { BASEMAP_SOURCE, type BasemapTiles } from '../../web/src/map/vectorBasemap';
import { baseIncident } from '../support/incident';

function make() {
  const statuses: MapStatus[] = [];
  const wallMap = new WallMap({
    container: document.createElement('div'),
    scale: 1,
    layers: { ...DEFAULT_LAYERS },
    drillLevel: () => 'district',
    zoomShift: () => 0,
    onHover: () => {},
    onClick: () => {},
    onStatus: (s) => statuses.push(s),
  });
  const map = FakeMap.instances.at(-1)!;
  return { wallMap, map, statuses };
}

const fc = (n: number) => ({ type: 'FeatureCollection', features: Array.from({ length: n }, () => ({})) });

beforeEach(() => {
  FakeMap.instances.length = 0;
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WallMap', () => {
  it('builds one style with no glyphs or sprite and registers the worker locally', () => {
    const { map } = make();
    const style = map.options.style as Record<string, unknown>;
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(fake.getWorkerUrl()).toBeTruthy();
    expect(fake.getWorkerUrl()).not.toMatch(/^(https?:)?\/\//);
  });

  it('keeps data that arrives before load and pushes the latest once loaded', () => {
    const { wallMap, map, statuses } = make();
    wallMap.setSourceData(SOURCE.incidents, fc(1));
    wallMap.setSourceData(SOURCE.incidents, fc(2));
    expect(map.sources[SOURCE.incidents]!.data).toEqual([]);
    map.fire('load');
    expect(map.sources[SOURCE.incidents]!.data).toEqual([fc(2)]);
    expect(statuses.at(-1)).toBe('ready');
    wallMap.setSourceData(SOURCE.incidents, fc(3));
    expect(map.sources[SOURCE.incidents]!.data).toEqual([fc(2), fc(3)]);
  });

  it('touches only grids whose risk changed', () => {
    const { wallMap, map } = make();
    map.fire('load');
    wallMap.setRisk({ a: 1, b: 4 });
    expect(map.featureState).toHaveLength(2);
    wallMap.setRisk({ a: 1, b: 3 });
    expect(map.featureState.slice(2)).toEqual([{ source: SOURCE.grids, id: 'b', state: { risk: 3 } }]);
    wallMap.setRisk({ a: 1 });
    expect(map.featureState.slice(3)).toEqual([{ source: SOURCE.grids, id: 'b', state: { risk: 0 } }]);
  });

  it('sets visibility only for the layers whose toggle changed', () => {
    const { wallMap, map } = make();
    map.fire('load');
    const before = map.layout.length;
    wallMap.setLayers({ ...DEFAULT_LAYERS, patrols: false });
    expect(map.layout.slice(before)).toEqual([['patrols', 'visibility', 'none']]);
  });

  it('moves zoom ranges and sizes, not the style, when the wall scale changes', () => {
    const { wallMap, map } = make();
    map.fire('load');
    const paints = map.paint.length;
    wallMap.setScale(2);
    expect(map.zoomRanges).toContainEqual(['street-label', 10.6, 24]);
    expect(map.paint.length).toBeGreaterThan(paints);
    expect(FakeMap.instances).toHaveLength(1);
    expect(wallMap.zoomFor(14.5)).toBe(15.5);
  });

  it('a city in full view is drawn by its areas: every case and patrol past the overview zoom, and all back when it ends', () => {
    const { wallMap, map } = make();
    map.fire('load');
    const range = (id: string) => map.zoomRanges.filter(([l]) => l === id).at(-1)?.slice(1);
    wallMap.setOverview(9.3);
    expect(range('area-bubbles')).toEqual([0, 9.3]);
    expect(range('area-counts')).toEqual([0, 9.3]);
    expect(range('patrols')).toEqual([9.3, 24]);
    expect(range('incident-dots')![0]).toBe(9.3);
    expect(range('incident-icons-minor')![0]).toBeGreaterThanOrEqual(9.3);
    // the notable cases stay at every zoom
    expect(range('incident-icons')).toEqual([0, 24]);
    wallMap.setOverview(null);
    expect(range('area-bubbles')).toEqual([0, 24]);
    expect(range('patrols')).toEqual([0, 24]);
    // a scale change keeps the overview
    wallMap.setOverview(9.3);
    wallMap.setScale(2);
    expect(range('patrols')).toEqual([9.3, 24]);
  });

  it('waits out a lost context, then puts data and feature-state back', () => {
    const { wallMap, map, statuses } = make();
    map.fire('load');
    wallMap.setRisk({ g: 4 });
    map.fire('webglcontextlost');
    expect(statuses.at(-1)).toBe('context-lost');
    wallMap.setSourceData(SOURCE.patrols, fc(5)); // arrives while lost: kept, not sent
    expect(map.sources[SOURCE.patrols]!.data).toEqual([]);
    map.fire('webglcontextrestored');
    expect(map.sources[SOURCE.patrols]!.data).toEqual([fc(5)]);
    expect(map.featureState.filter((f) => f.id === 'g')).toHaveLength(2);
    expect(statuses.at(-1)).toBe('ready');
  });

  it('rebuilds the map when the context never comes back', () => {
    const { wallMap, map } = make();
    map.fire('load');
    wallMap.setSourceData(SOURCE.cameras, fc(7));
    map.fire('webglcontextlost');
    vi.advanceTimersByTime(20_000);
    expect(map.removed).toBe(true);
    expect(FakeMap.instances).toHaveLength(2);
    const fresh = FakeMap.instances[1]!;
    fresh.fire('load');
    expect(fresh.sources[SOURCE.cameras]!.data).toEqual([fc(7)]);
  });

  it('puts the hub\'s own basemap into the running style at its place in the stack, and keeps it across a rebuild', () => {
    const { wallMap, map } = make();
    map.fire('load');
    const basemap: BasemapTiles = { tiles: ['http://localhost:8080/api/basemap/{z}/{x}/{y}.mvt?v=1'], minzoom: 0, maxzoom: 15, attribution: '© OpenStreetMap' };
    wallMap.setBasemap(basemap);
    expect(map.sources[BASEMAP_SOURCE]).toBeDefined();
    // exactly the order a style built with the basemap from the start has
    expect(map.order).toEqual(allLayers(1, DEFAULT_LAYERS.heat, true).map((l) => l.id));
    expect(map.order.indexOf('basemap-places')).toBeLessThan(map.order.indexOf('heat'));
    map.fire('webglcontextlost');
    vi.advanceTimersByTime(20_000);
    const fresh = FakeMap.instances[1]!;
    expect((fresh.options.style as { sources: Record<string, unknown> }).sources[BASEMAP_SOURCE]).toMatchObject({ type: 'vector', tiles: basemap.tiles });
    expect(fresh.order).toEqual(map.order);
  });

  it('removes the map, its listeners and its timers on dispose', () => {
    const { wallMap, map } = make();
    map.fire('load');
    wallMap.setPulse({ incidents: true });
    map.fire('webglcontextlost');
    wallMap.dispose();
    expect(map.removed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeMap.instances).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('MapView', () => {
  const NOW = Date.UTC(2026, 10, 25, 2, 0, 0);
  const city: Region = { code: '330200', name: '宁波市', level: 'city', parentCode: null, center: [121.5, 29.8], bbox: [121, 29, 122, 30.5], generated: false };
  const district: Region = { code: '330203', name: '海曙区', level: 'district', parentCode: '330200', center: [121.4, 29.9], bbox: [121.2, 29.8, 121.6, 30], generated: false };
  const feature = (r: Region) => ({
    type: 'Feature',
    properties: { code: r.code, name: r.name, level: r.level, parentCode: r.parentCode, generated: false, center: r.center },
    geometry: { type: 'MultiPolygon', coordinates: [[[[r.bbox[0], r.bbox[1]], [r.bbox[2], r.bbox[1]], [r.bbox[2], r.bbox[3]], [r.bbox[0], r.bbox[1]]]]] },
  });
  const snapshot = (region: Region): Snapshot =>
    ({
      protocolVersion: 1,
      seq: 1,
      serverTime: NOW,
      region,
      layers: ['incidents', 'patrols', 'cameras', 'stats'],
      regions: [city, district],
      catalog: { categories: [] },
      incidents: [
        {
          ...baseIncident(NOW),
          id: 'INC-1',
          source: 'patrol',
          category: 'environment',
          subcategory: null,
          severity: 4,
          title: '火情',
          description: '',
          location: { lng: 121.45, lat: 29.9 },
          gridCode: 'g1',
          regionPath: ['330200'],
          stage: 'registered',
          reportedAt: NOW - 1000,
          stageEnteredAt: {},
          deadline: null,
          reporter: { kind: 'patrol' },
          updatedAt: NOW,
        },
      ],
      heat: [121.45, 29.9, 4, NOW - 1000, 1],
      patrols: [],
      cameras: [],
      stats: null,
      risk: { g1: 4 },
      detail: { incidents: 'items', patrols: 'items', cameras: 'items', grids: 'items' },
      areas: [],
    }) as unknown as Snapshot;

  async function mountView() {
    vi.setSystemTime(NOW);
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url === '/api/basemap.json') return new Response(null, { status: 204 });
        const level = new URL(url, 'http://hub').searchParams.get('level');
        const features = [city, district].filter((r) => r.level === level).map(feature);
        return new Response(JSON.stringify({ type: 'FeatureCollection', features }), { status: 200 });
      }),
    );
    const pinia = createPinia();
    setActivePinia(pinia);
    const wrapper = mount(MapView, { global: { plugins: [pinia] }, attachTo: document.body });
    const map = FakeMap.instances.at(-1)!;
    map.fire('load');
    const live = useLiveStore();
    live.applySnapshot(snapshot(city), NOW);
    useIncidentsStore().applySnapshot(snapshot(city));
    useStatsStore().applySnapshot(snapshot(city));
    await nextTick();
    await vi.advanceTimersByTimeAsync(2500);
    return { wrapper, map, live, wall: useWallStore() };
  }

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('draws the stores: incidents, heat, risk and the geography', async () => {
    const { wrapper, map } = await mountView();
    const incidents = map.sources.incidents!.data.at(-1) as { features: { properties: { id: string; pulse: number } }[] };
    expect(incidents.features.map((f) => [f.properties.id, f.properties.pulse])).toEqual([['INC-1', 1]]);
    expect((map.sources.heat!.data.at(-1) as { features: unknown[] }).features).toHaveLength(1);
    expect(map.featureState).toContainEqual({ source: 'grids', id: 'g1', state: { risk: 4 } });
    expect((map.sources.districts!.data.at(-1) as { features: unknown[] }).features).toHaveLength(1);
    expect((map.sources['region-labels']!.data.at(-1) as { features: unknown[] }).features).toHaveLength(1);
    wrapper.unmount();
  });

  it('follows the layer toggles', async () => {
    const { wrapper, map, wall } = await mountView();
    wall.layers.patrols = false;
    await nextTick();
    expect(map.getLayoutProperty('patrols', 'visibility')).toBe('none');
    await wrapper.find('.layer-toggle__switch').trigger('click'); // incidents
    expect(map.getLayoutProperty('incident-icons', 'visibility')).toBe('none');
    wrapper.unmount();
  });

  it('flies to the focus the alarm popup sets and opens its card', async () => {
    const { wrapper, map, wall } = await mountView();
    wall.focusOn({ lng: 121.45, lat: 29.9, incidentId: 'INC-1' });
    await nextTick();
    await nextTick();
    expect(map.flights.some((f) => 'flyTo' in (f as object))).toBe(true);
    expect((map.sources.focus!.data.at(-1) as { features: unknown[] }).features).toHaveLength(1);
    expect(wrapper.find('.detail').text()).toContain('INC-1');
    wrapper.unmount();
  });

  it('dims everything outside the region it drilled into', async () => {
    const { wrapper, map, live } = await mountView();
    live.applySnapshot(snapshot(district), NOW);
    await nextTick();
    expect(map.filters).toContainEqual(['mask-district', ['!=', ['get', 'code'], '330203']]);
    expect(wrapper.find('.wall-map__crumbs').text()).toContain('海曙区');
    wrapper.unmount();
  });

  it('leaves no map, listener or timer behind when unmounted', async () => {
    const { wrapper, map } = await mountView();
    wrapper.unmount();
    expect(map.removed).toBe(true);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(vi.getTimerCount()).toBe(0);
    expect(FakeMap.instances.filter((m) => !m.removed)).toHaveLength(0);
  });
});
