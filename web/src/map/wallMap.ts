/**
 * The MapLibre instance of the wall and everything that must survive 24/7 on it: one style built
 * once, sources filled with setData, the last data of every source kept so that a lost WebGL
 * context (or a map rebuilt after one) comes back complete. Framework-free; MapView.vue drives it.
 */
import { Map as MapLibreMap, setWorkerUrl, getWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { allLayers, buildStyle, propertyChanges, zoomRangeChanges } from './mapStyle';
import { shiftExpression, zoomShift } from './zoomShift';
import { SOURCE, type SourceId } from './sources';
import { drawIcons, ICON_PIXEL_RATIO } from './icons';
import { visibilityChanges, visibilityOf, type Visibility, type WallLayers } from './layerVisibility';
import { riskUpdates, snapshotRisk, type RiskRecord } from './riskLayer';
import { drillFilters, type DrillFilters } from './drill';
import { attachInteraction, type InteractionOptions } from './interaction';
import { Pulse, type PulseState } from './pulse';
import { FONT_FAMILY } from './palette';
import type { LayerSpec } from './mapTypes';
import { BASEMAP_SOURCE, basemapSourceSpec, vectorFilterChanges, type BasemapTiles } from './vectorBasemap';

if (getWorkerUrl() !== workerUrl) setWorkerUrl(workerUrl);

/** After a context loss the browser may never give the context back: rebuild the map then. */
const RESTORE_WATCHDOG_MS = 15_000;

export type MapStatus = 'loading' | 'ready' | 'context-lost' | 'failed';

export interface WallMapOptions extends InteractionOptions {
  container: HTMLElement;
  scale: number;
  layers: WallLayers;
  bounds?: [[number, number], [number, number]];
  onStatus(status: MapStatus): void;
}

/** A GeoJSON object built by the pure builders (their property types have no index signature). */
type Json = object;

/** drawn only in the overview of a city or province (below the overview zoom) */
const OVERVIEW_AREA_LAYERS = new Set(['area-bubbles', 'area-counts']);
/** drawn only once zoomed in past it: the minor cases and the patrols, one dot each */
const OVERVIEW_DETAIL_LAYERS = new Set(['incident-dots', 'incident-icons-minor', 'patrols']);

export class WallMap {
  private map: MapLibreMap | null = null;
  private ready = false;
  private lost = false;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private detachInteraction: (() => void) | null = null;
  private readonly data = new Map<SourceId, Json>();
  private risk: RiskRecord = {};
  private riskShown: RiskRecord = {};
  private layers: WallLayers;
  private shownVisibility: Record<string, Visibility>;
  private scale: number;
  private lang: 'zh' | 'en' = 'zh';
  private specs: LayerSpec[];
  private filters: DrillFilters = drillFilters(undefined);
  /** the map zoom below which a city or province is drawn as area summaries (null: every case as itself) */
  private overviewZoom: number | null = null;
  private readonly pulse: Pulse;
  private pulseWanted: PulseState = { incidents: false, cameras: false, focus: false };
  private disposed = false;
  /** the hub's own vector basemap, once its TileJSON (and the whole label font) arrived */
  private basemap: BasemapTiles | null = null;

  constructor(private readonly opts: WallMapOptions) {
    this.layers = { ...opts.layers };
    this.scale = opts.scale;
    this.specs = allLayers(this.scale, this.layers.heat);
    this.shownVisibility = visibilityOf(this.layers);
    this.pulse = new Pulse(() => (this.ready && !this.lost ? this.map : null), this.scale);
    this.create(opts.bounds);
  }

  /** The instance, for the component's camera moves; null while rebuilding. Never store it reactively. */
  get instance(): MapLibreMap | null {
    return this.ready && !this.lost ? this.map : null;
  }

  private create(bounds?: WallMapOptions['bounds'], camera?: { center: [number, number]; zoom: number }): void {
    this.ready = false;
    this.opts.onStatus('loading');
    const map = new MapLibreMap({
      container: this.opts.container,
      style: buildStyle({ scale: this.scale, layers: this.layers, basemap: this.basemap }),
      ...(camera ? { center: camera.center, zoom: camera.zoom } : bounds ? { bounds, fitBoundsOptions: { padding: 24 } } : { center: [121.55, 29.87], zoom: 8 }),
      minZoom: 5,
      maxZoom: 19,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      renderWorldCopies: false,
      // labels are drawn from the page's bundled CJK font (no glyph server: see fonts.ts)
      localIdeographFontFamily: `'${FONT_FAMILY}', sans-serif`,
      fadeDuration: 150,
      trackResize: false,
    });
    map.touchZoomRotate.disableRotation();
    this.map = map;

    map.on('styleimagemissing', () => this.addIcons());
    map.once('load', () => {
      if (this.disposed || this.map !== map) return;
      this.addIcons();
      this.ready = true;
      // For the end-to-end tests and an engineer at the wall's devtools (read-only use).
      (window as unknown as { __wallMap?: MapLibreMap }).__wallMap = map;
      this.syncAll();
      this.detachInteraction = attachInteraction(map, this.opts);
      this.opts.onStatus('ready');
    });
    map.on('webglcontextlost', () => {
      this.lost = true;
      this.riskShown = {};
      this.pulse.set({ incidents: false, cameras: false, focus: false });
      this.opts.onStatus('context-lost');
      if (this.watchdog) clearTimeout(this.watchdog);
      this.watchdog = setTimeout(() => this.rebuild(), RESTORE_WATCHDOG_MS);
    });
    map.on('webglcontextrestored', () => {
      if (this.watchdog) clearTimeout(this.watchdog);
      this.watchdog = null;
      this.lost = false;
      // MapLibre restores a snapshot of the style; feature-state and icons are put back here
      const resync = () => {
        if (this.disposed || this.map !== map || this.lost) return;
        this.addIcons();
        this.syncAll();
        this.opts.onStatus('ready');
      };
      if (map.isStyleLoaded()) resync();
      else map.once('style.load', resync);
    });
    map.on('error', (e) => {
      // a failed context recreation arrives here: start again with a new canvas
      if (this.lost && (e.error as { name?: string } | undefined)?.name === 'GPUInitializationError') this.rebuild();
    });
  }

  /** Throws the instance away and builds a new one where the old camera was. */
  private rebuild(): void {
    if (this.disposed || !this.map) return;
    const old = this.map;
    const c = old.getCenter();
    const camera = { center: [c.lng, c.lat] as [number, number], zoom: old.getZoom() };
    this.teardown();
    this.lost = false;
    this.riskShown = {};
    this.create(undefined, camera);
  }

  private teardown(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    this.detachInteraction?.();
    this.detachInteraction = null;
    const map = this.map;
    this.map = null;
    this.ready = false;
    if (map) {
      try {
        map.remove();
      } catch {
        // a map whose context is gone may fail to release GL objects; it is dropped anyway
      }
    }
  }

  private addIcons(): void {
    const map = this.map;
    if (!map?.style) return;
    for (const icon of drawIcons()) {
      if (map.hasImage(icon.name)) continue;
      map.addImage(icon.name, { width: icon.width, height: icon.height, data: icon.data }, { pixelRatio: ICON_PIXEL_RATIO });
    }
  }

  private usable(): MapLibreMap | null {
    return this.ready && !this.lost && this.map?.style ? this.map : null;
  }

  /** Pushes everything the map should show: after load, after a context restore. */
  private syncAll(): void {
    const map = this.usable();
    if (!map) return;
    this.addBasemap(map);
    for (const [id, json] of this.data) (map.getSource(id) as GeoJSONSource | undefined)?.setData(json as never);
    // the snapshot may predate the last toggle or scale change: apply the full current state
    for (const [id, v] of Object.entries(visibilityOf(this.layers))) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', v);
    this.shownVisibility = visibilityOf(this.layers);
    for (const c of propertyChanges([], this.specs)) this.applyProperty(map, c);
    for (const r of zoomRangeChanges([], this.specs)) if (map.getLayer(r.layer)) map.setLayerZoomRange(r.layer, r.minzoom, r.maxzoom);
    this.applyOverview(map);
    this.applyFilters(map);
    map.setGlobalStateProperty('lang', this.lang);
    this.riskShown = {};
    this.applyRisk();
    this.pulse.set(this.pulseWanted);
  }

  /**
   * Draws the hub's vector basemap under the live layers (vectorBasemap.ts). Called once, when
   * the TileJSON has arrived: the layers go into the running style at their place in the stack,
   * and every later build of the style (a rebuild after a lost context) has them from the start.
   */
  setBasemap(basemap: BasemapTiles): void {
    if (this.basemap) return;
    this.basemap = basemap;
    this.specs = allLayers(this.scale, this.layers.heat, true);
    const map = this.usable();
    if (map) this.addBasemap(map);
  }

  private addBasemap(map: MapLibreMap): void {
    if (!this.basemap) return;
    if (!map.getSource(BASEMAP_SOURCE)) map.addSource(BASEMAP_SOURCE, basemapSourceSpec(this.basemap) as never);
    const specs = this.specs;
    for (let i = specs.length - 1; i >= 0; i--) {
      const spec = specs[i]!;
      if (map.getLayer(spec.id)) continue;
      // under the next layer of the stack that the map already has (top to bottom, so that holds)
      const before = specs.slice(i + 1).find((l) => map.getLayer(l.id))?.id;
      map.addLayer(spec as never, before);
    }
  }

  /** the language labels are drawn in (basemapLayers.LABEL_TEXT reads it as global state) */
  setLang(lang: 'zh' | 'en'): void {
    this.lang = lang;
    this.usable()?.setGlobalStateProperty('lang', lang);
  }

  setSourceData(id: SourceId, json: Json): void {
    this.data.set(id, json);
    (this.usable()?.getSource(id) as GeoJSONSource | undefined)?.setData(json as never);
  }

  setRisk(record: RiskRecord): void {
    this.risk = snapshotRisk(record);
    this.applyRisk();
  }

  private applyRisk(): void {
    const map = this.usable();
    if (!map) return;
    for (const u of riskUpdates(this.riskShown, this.risk)) map.setFeatureState({ source: SOURCE.grids, id: u.code }, { risk: u.level });
    this.riskShown = this.risk;
  }

  setLayers(layers: WallLayers): void {
    const heatChanged = layers.heat !== this.layers.heat;
    this.layers = { ...layers };
    if (heatChanged) this.restyle();
    const map = this.usable();
    if (!map) return;
    for (const [id, v] of visibilityChanges(this.shownVisibility, this.layers)) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', v);
      this.shownVisibility[id] = v;
    }
  }

  setScale(scale: number): void {
    if (Math.abs(scale - this.scale) < 0.01) return;
    this.scale = scale;
    this.pulse.setScale(scale);
    this.restyle();
  }

  /** Re-derives the layer properties that depend on scale or heat window; changed ones only. */
  private restyle(): void {
    const next = allLayers(this.scale, this.layers.heat, !!this.basemap);
    const changes = propertyChanges(this.specs, next);
    const ranges = zoomRangeChanges(this.specs, next);
    const filters = vectorFilterChanges(this.specs, next);
    this.specs = next;
    const map = this.usable();
    if (!map) return;
    for (const c of changes) this.applyProperty(map, c);
    for (const f of filters) if (map.getLayer(f.layer)) map.setFilter(f.layer, f.filter as never);
    for (const r of ranges) if (map.getLayer(r.layer)) map.setLayerZoomRange(r.layer, r.minzoom, r.maxzoom);
    this.applyOverview(map);
    // the drill filters carry a zoom expression (district label fade) built for the old scale
    this.applyFilters(map);
  }

  /** Zoom levels move by log2(scale) on big walls: what 14.5 means on 1920×1080. */
  zoomFor(designZoom: number): number {
    return designZoom + zoomShift(this.scale);
  }

  private applyProperty(map: MapLibreMap, c: ReturnType<typeof propertyChanges>[number]): void {
    if (!map.getLayer(c.layer)) return;
    if (c.kind === 'layout') map.setLayoutProperty(c.layer, c.name as never, c.value as never);
    else map.setPaintProperty(c.layer, c.name as never, c.value as never);
  }

  /**
   * A city or province in full view is read by its areas: below `zoom` the map draws a bubble per
   * child area (open cases, the severest one's colour, a ring when some are overdue) and the
   * notable cases, not every minor case and patrol as a dot — 4,000 dots were a carpet that said
   * nothing. Zooming in past it brings every case and patrol back. Null: no overview (a district,
   * a street), every layer on its own zoom range.
   */
  setOverview(zoom: number | null): void {
    if (zoom === this.overviewZoom) return;
    this.overviewZoom = zoom;
    const map = this.usable();
    if (map) this.applyOverview(map);
  }

  private applyOverview(map: MapLibreMap): void {
    const z = this.overviewZoom;
    for (const spec of this.specs as (LayerSpec & { minzoom?: number; maxzoom?: number })[]) {
      if (!map.getLayer(spec.id)) continue;
      const min = spec.minzoom ?? 0;
      const max = spec.maxzoom ?? 24;
      if (OVERVIEW_AREA_LAYERS.has(spec.id)) map.setLayerZoomRange(spec.id, min, z === null ? max : Math.min(max, z));
      else if (OVERVIEW_DETAIL_LAYERS.has(spec.id)) map.setLayerZoomRange(spec.id, z === null ? min : Math.max(min, z), max);
    }
  }

  setDrill(filters: DrillFilters): void {
    this.filters = filters;
    const map = this.usable();
    if (map) this.applyFilters(map);
  }

  private applyFilters(map: MapLibreMap): void {
    const f = this.filters;
    const pairs: [string, unknown][] = [
      ['mask-district', f.maskDistrict],
      ['mask-street', f.maskStreet],
      ['selected-district-line', f.selectedDistrict],
      ['selected-street-line', f.selectedStreet],
      ['street-label', f.streetLabels],
    ];
    for (const [id, filter] of pairs) if (map.getLayer(id)) map.setFilter(id, filter as never);
    const opacity = shiftExpression(f.districtLabelOpacity, zoomShift(this.scale));
    if (map.getLayer('district-label')) map.setPaintProperty('district-label', 'text-opacity', opacity as never);
  }

  setPulse(state: Partial<PulseState>): void {
    this.pulseWanted = { ...this.pulseWanted, ...state };
    if (this.usable()) this.pulse.set(this.pulseWanted);
  }

  resize(): void {
    this.usable()?.resize();
  }

  dispose(): void {
    this.disposed = true;
    const w = window as unknown as { __wallMap?: MapLibreMap };
    if (w.__wallMap === this.map) delete w.__wallMap;
    this.pulse.dispose();
    this.teardown();
    this.data.clear();
  }
}
