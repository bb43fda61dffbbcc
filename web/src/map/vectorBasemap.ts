/**
 * The deployment's own basemap (BASEMAP_FILE on the hub, docs/map.md "Your own basemap"): vector
 * tiles in the Protomaps basemap schema (v4), served by the hub at /api/basemap/{z}/{x}/{y}.mvt.
 * Water, roads in three widths and place names are drawn in the wall's navy palette, under every
 * live layer; the hub's own region fills, boundaries and labels stay on top of them. Without a
 * file the hub answers 204 and the style is exactly the generated demo basemap.
 *
 * The style built from here still names no remote URL: the TileJSON's relative tile URL is made
 * absolute with the page's own origin at run time, and a URL on any other origin is refused.
 */
import { sleep } from './geography';
import { BASEMAP, FONT_MEDIUM } from './palette';
import type { Expr, LayerSpec, SourceSpec } from './mapTypes';
import { zoomShift } from './zoomShift';

export const BASEMAP_SOURCE = 'basemap';
export const BASEMAP_TILEJSON_URL = '/api/basemap.json';
/** every layer of the vector basemap starts with it (WallMap adds them when the TileJSON arrives) */
export const VECTOR_LAYER_PREFIX = 'basemap-';

export interface BasemapTiles {
  /** absolute URLs on the page's own origin */
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds?: [number, number, number, number];
  /** the archive's attribution as plain text (OpenStreetMap's licence asks for it to be shown) */
  attribution: string;
}

/** what the wall shows when the archive names no attribution: Protomaps builds are OSM data */
export const DEFAULT_ATTRIBUTION = '© OpenStreetMap contributors';

/** HTML attribution (TileJSON allows links) → the plain words to show */
export function plainAttribution(html: unknown): string {
  if (typeof html !== 'string') return DEFAULT_ATTRIBUTION;
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&copy;/g, '©')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text || DEFAULT_ATTRIBUTION;
}

/**
 * A TileJSON from the hub → the source the wall draws, or null when it is not usable. Tile URLs
 * are resolved against the page's origin; one on another origin (the internet) is refused.
 */
export function basemapFromTileJson(json: unknown, origin: string): BasemapTiles | null {
  const t = json as { tiles?: unknown; minzoom?: unknown; maxzoom?: unknown; bounds?: unknown; attribution?: unknown } | null;
  if (!t || !Array.isArray(t.tiles) || t.tiles.length === 0) return null;
  const tiles: string[] = [];
  for (const raw of t.tiles) {
    if (typeof raw !== 'string') return null;
    let url: URL;
    try {
      url = new URL(raw, origin);
    } catch {
      return null;
    }
    if (url.origin !== new URL(origin).origin) return null;
    // URL escapes the braces of the template: put them back
    tiles.push(url.href.replace(/%7B/gi, '{').replace(/%7D/gi, '}'));
  }
  const zoom = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  const b = t.bounds;
  const bounds = Array.isArray(b) && b.length === 4 && b.every((n) => typeof n === 'number' && Number.isFinite(n)) ? (b as [number, number, number, number]) : undefined;
  return { tiles, minzoom: zoom(t.minzoom, 0), maxzoom: zoom(t.maxzoom, 14), ...(bounds ? { bounds } : {}), attribution: plainAttribution(t.attribution) };
}

export function basemapSourceSpec(b: BasemapTiles): SourceSpec {
  return { type: 'vector', tiles: b.tiles, minzoom: b.minzoom, maxzoom: b.maxzoom, ...(b.bounds ? { bounds: b.bounds } : {}) } as SourceSpec;
}

const zoomed = (...stops: unknown[]): Expr => ['interpolate', ['linear'], ['zoom'], ...stops];
const scaled = (scale: number, stops: number[]): number[] => stops.map((v, i) => (i % 2 === 1 ? Math.round(v * scale * 100) / 100 : v));

/**
 * A place name in the wall's language (the map's global state `lang`, as the region labels):
 * English where the tiles carry `name:en`, else the local name; Chinese from `name:zh-Hans` or
 * `name:zh` where present, else `name` (in China the local name is Chinese).
 */
export const PLACE_TEXT = [
  'case',
  ['==', ['global-state', 'lang'], 'en'],
  ['coalesce', ['get', 'name:en'], ['get', 'name']],
  ['coalesce', ['get', 'name:zh-Hans'], ['get', 'name:zh'], ['get', 'name']],
] as never;

function roadLayer(id: string, kind: string, minzoom: number, color: string, widths: number[], scale: number): LayerSpec {
  return {
    id: `${VECTOR_LAYER_PREFIX}road-${id}`,
    type: 'line',
    source: BASEMAP_SOURCE,
    'source-layer': 'roads',
    minzoom,
    filter: ['==', ['get', 'kind'], kind],
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': color, 'line-width': zoomed(...scaled(scale, widths)) as never, 'line-opacity': zoomed(minzoom, 0, minzoom + 0.6, 1) as never },
  } as LayerSpec;
}

export interface VectorBasemapLayers {
  /** land of the whole extract, under the hub's own district fill (neighbouring cities, islands) */
  ground: LayerSpec[];
  /** water and roads: over the district fill, under the risk map, boundaries and live layers */
  under: LayerSpec[];
  /** place names: over the boundaries and the drill-down mask, under every live layer */
  labels: LayerSpec[];
}

export function vectorBasemapLayers(scale: number): VectorBasemapLayers {
  // features carry the zoom they are meant from (`min_zoom`); a big wall is zoomed further in to
  // show the same area (zoomShift.ts), so it compares with the zoom a 1080p wall would be at
  const designZoom = ['-', ['zoom'], zoomShift(scale)] as never;
  return {
    ground: [
      {
        id: `${VECTOR_LAYER_PREFIX}earth`,
        type: 'fill',
        source: BASEMAP_SOURCE,
        'source-layer': 'earth',
        paint: { 'fill-color': BASEMAP.earth, 'fill-antialias': false },
      } as LayerSpec,
    ],
    under: [
      {
        id: `${VECTOR_LAYER_PREFIX}water`,
        type: 'fill',
        source: BASEMAP_SOURCE,
        'source-layer': 'water',
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': BASEMAP.water, 'fill-antialias': false },
      } as LayerSpec,
      {
        id: `${VECTOR_LAYER_PREFIX}waterway`,
        type: 'line',
        source: BASEMAP_SOURCE,
        'source-layer': 'water',
        minzoom: 9,
        filter: ['==', ['geometry-type'], 'LineString'],
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': BASEMAP.water, 'line-width': zoomed(...scaled(scale, [9, 0.5, 12, 1.2, 15, 3, 18, 6])) as never },
      } as LayerSpec,
      roadLayer('minor', 'minor_road', 12, BASEMAP.roadMinor, [12, 0.5, 14, 1.2, 16, 3, 18, 7], scale),
      roadLayer('major', 'major_road', 8, BASEMAP.roadMajor, [8, 0.5, 11, 1.2, 14, 3, 16, 6, 18, 12], scale),
      roadLayer('highway', 'highway', 6, BASEMAP.roadHighway, [6, 0.6, 9, 1.2, 12, 2.4, 15, 5, 18, 14], scale),
    ],
    labels: [
      {
        id: `${VECTOR_LAYER_PREFIX}places`,
        type: 'symbol',
        source: BASEMAP_SOURCE,
        'source-layer': 'places',
        minzoom: 7,
        filter: [
          'all',
          ['in', ['get', 'kind'], ['literal', ['locality', 'neighbourhood', 'macrohood']]],
          ['<=', ['coalesce', ['get', 'min_zoom'], 0], designZoom],
        ],
        layout: {
          'text-field': PLACE_TEXT,
          'text-font': FONT_MEDIUM,
          'text-size': zoomed(...scaled(scale, [7, 24, 12, 24, 15, 26])) as never,
          'text-max-width': 8,
          'text-padding': 6 * scale,
          // the more important places (smaller min_zoom) are placed first; region labels above win
          'symbol-sort-key': ['coalesce', ['get', 'min_zoom'], 20],
        },
        paint: {
          'text-color': BASEMAP.placeLabel,
          'text-halo-color': BASEMAP.labelHalo,
          'text-halo-width': 2 * scale,
          'text-halo-blur': 0.5,
        },
      } as LayerSpec,
    ],
  };
}

/** The demo basemap's layers with the vector ones placed among them (see VectorBasemapLayers). */
export function withVectorBasemap(demo: LayerSpec[], scale: number): LayerSpec[] {
  const v = vectorBasemapLayers(scale);
  const out: LayerSpec[] = [];
  for (const layer of demo) {
    if (layer.id === 'land') out.push(...v.ground);
    out.push(layer);
    if (layer.id === 'land') out.push(...v.under);
  }
  out.push(...v.labels);
  return out;
}

/** Layer filters that depend on the wall scale (the places' min_zoom test), for WallMap's restyle. */
export function vectorFilterChanges(before: readonly LayerSpec[], after: readonly LayerSpec[]): { layer: string; filter: unknown }[] {
  const old = new Map(before.map((l) => [l.id, (l as { filter?: unknown }).filter]));
  return after
    .filter((l) => l.id.startsWith(VECTOR_LAYER_PREFIX))
    .filter((l) => JSON.stringify((l as { filter?: unknown }).filter) !== JSON.stringify(old.get(l.id)))
    .map((l) => ({ layer: l.id, filter: (l as { filter?: unknown }).filter }));
}

/**
 * Asks the hub whether it serves a basemap. 204: it has none (the demo basemap stays, for good);
 * while the hub cannot be reached, asks again with a capped back-off like the geography.
 */
export async function fetchBasemap(signal: AbortSignal, origin = location.origin): Promise<BasemapTiles | null> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const res = await fetch(BASEMAP_TILEJSON_URL, { signal, headers: { Accept: 'application/json' } });
      // 204: the hub has no basemap (404 from an older hub: the same)
      if (res.status === 204 || res.status === 404) return null;
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const tiles = basemapFromTileJson(await res.json(), origin);
      if (!tiles) console.warn('[map] basemap: the hub sent a TileJSON the wall cannot use');
      return tiles;
    } catch (e) {
      if (signal.aborted) return null;
      console.warn('[map] basemap:', (e as Error).message);
      await sleep(Math.min(30_000, 1000 * 2 ** attempt), signal);
    }
  }
  return null;
}
