/**
 * The dark basemap, built in code from the hub's region polygons: land, the five-colour risk fill
 * on the grids, boundaries with a soft glow, the drill-down mask and the Chinese labels. Every size
 * is multiplied by `scale` so that a 3840×2160 wall reads like a 1920×1080 one.
 */
import { BASEMAP, FONT_BOLD, FONT_MEDIUM, RISK_STYLES } from './palette';
import { SOURCE } from './sources';

/**
 * A region label in the wall's language: the map's global state `lang` (WallMap.setLang) picks the
 * English name or the Chinese one, so switching language restyles nothing and rebuilds no source.
 */
export const LABEL_TEXT = ['case', ['==', ['global-state', 'lang'], 'en'], ['get', 'nameEn'], ['get', 'name']] as never;
/** the spacing that opens up Chinese labels would scatter a Latin word's letters */
const LABEL_SPACING = (chinese: number) => ['case', ['==', ['global-state', 'lang'], 'en'], 0.01, chinese] as never;
import type { Expr, LayerSpec } from './mapTypes';

/** Matches no region: the filter of the drill-down layers while nothing is selected. */
export const NO_REGION = '__none__';

const zoomed = (...stops: unknown[]): Expr => ['interpolate', ['linear'], ['zoom'], ...stops];
const scaled = (scale: number, stops: number[]): number[] =>
  stops.map((v, i) => (i % 2 === 1 ? Math.round(v * scale * 100) / 100 : v));

/** Colour of a grid by its `risk` feature-state (absent = green). */
export function riskColorExpression(): Expr {
  const pairs = RISK_STYLES.slice(1).flatMap((r) => [r.level, r.color]);
  return ['match', ['coalesce', ['feature-state', 'risk'], 0], ...pairs, RISK_STYLES[0].color];
}

/** Opacity by risk level; `dim` < 1 while the heat map is shown, so the two colour fields do not fight. */
export function riskOpacityExpression(dim = 1): Expr {
  const k = (v: number) => Math.round(v * dim * 1000) / 1000;
  const pairs = RISK_STYLES.slice(1).flatMap((r) => [r.level, k(r.opacity)]);
  return ['match', ['coalesce', ['feature-state', 'risk'], 0], ...pairs, k(RISK_STYLES[0].opacity)];
}

/** How much the risk fill fades while the heat map is on. */
export const RISK_DIM_UNDER_HEAT = 0.72;

export function basemapLayers(scale: number, heatOn = false): LayerSpec[] {
  const s = (stops: number[]) => zoomed(...scaled(scale, stops));
  return [
    { id: 'background', type: 'background', paint: { 'background-color': BASEMAP.background } },
    {
      id: 'land',
      type: 'fill',
      source: SOURCE.districts,
      paint: {
        // neighbouring districts alternate two tones so their shapes read even without the lines
        'fill-color': [
          'case',
          ['boolean', ['feature-state', 'hover'], false],
          '#16314f',
          ['==', ['%', ['to-number', ['get', 'code'], 0], 2], 0],
          BASEMAP.land,
          BASEMAP.landAlt,
        ],
        'fill-antialias': false,
      },
    },
    {
      id: 'risk-fill',
      type: 'fill',
      source: SOURCE.grids,
      paint: {
        'fill-color': riskColorExpression() as never,
        'fill-opacity': riskOpacityExpression(heatOn ? RISK_DIM_UNDER_HEAT : 1) as never,
        'fill-antialias': false,
      },
    },
    {
      id: 'street-hover',
      type: 'fill',
      source: SOURCE.streets,
      paint: {
        'fill-color': '#2d6bb3',
        'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.22, 0] as never,
      },
    },
    {
      id: 'grid-line',
      type: 'line',
      source: SOURCE.grids,
      minzoom: 11,
      paint: {
        'line-color': BASEMAP.gridLine,
        'line-width': s([11, 0.5, 15, 1.2]) as never,
        'line-opacity': zoomed(11, 0, 12, 0.9) as never,
      },
    },
    {
      id: 'street-line',
      type: 'line',
      source: SOURCE.streets,
      minzoom: 8,
      paint: {
        'line-color': BASEMAP.streetLine,
        'line-width': s([8, 0.5, 11, 1.2, 14, 2]) as never,
        'line-opacity': zoomed(8, 0.25, 10, 0.85) as never,
        'line-dasharray': [3, 2],
      },
    },
    {
      // the cell's edge in its risk colour: reads as "yellow / orange / red" where a translucent
      // fill on a dark ground turns olive and brown
      id: 'risk-line',
      type: 'line',
      source: SOURCE.grids,
      minzoom: 7.5,
      paint: {
        'line-color': riskColorExpression() as never,
        'line-width': s([7.5, 0.5, 9, 0.8, 12, 1.6, 15, 3]) as never,
        'line-opacity': [
          'interpolate',
          ['linear'],
          ['zoom'],
          7.5,
          0,
          8.5,
          ['*', heatOn ? 0.7 : 1, ['match', ['coalesce', ['feature-state', 'risk'], 0], 4, 0.95, 3, 0.85, 2, 0.7, 1, 0.45, 0]],
        ] as never,
      },
    },
    {
      id: 'district-glow',
      type: 'line',
      source: SOURCE.districts,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': BASEMAP.districtGlow,
        'line-width': s([7, 3, 12, 8]) as never,
        'line-blur': s([7, 2.5, 12, 6]) as never,
        'line-opacity': 0.22,
      },
    },
    {
      id: 'district-line',
      type: 'line',
      source: SOURCE.districts,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': BASEMAP.districtLine, 'line-width': s([7, 1, 12, 2.2]) as never, 'line-opacity': 0.9 },
    },
    {
      id: 'city-glow',
      type: 'line',
      source: SOURCE.city,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': BASEMAP.cityGlow,
        'line-width': s([7, 12, 12, 24]) as never,
        'line-blur': s([7, 10, 12, 20]) as never,
        'line-opacity': 0.45,
      },
    },
    {
      id: 'city-line',
      type: 'line',
      source: SOURCE.city,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': BASEMAP.cityLine, 'line-width': s([7, 1.6, 12, 3]) as never },
    },
    {
      id: 'mask-district',
      type: 'fill',
      source: SOURCE.districts,
      filter: ['==', ['get', 'code'], NO_REGION],
      paint: { 'fill-color': BASEMAP.mask, 'fill-opacity': 0.74 },
    },
    {
      id: 'mask-street',
      type: 'fill',
      source: SOURCE.streets,
      filter: ['==', ['get', 'code'], NO_REGION],
      paint: { 'fill-color': BASEMAP.mask, 'fill-opacity': 0.55 },
    },
    {
      id: 'selected-street-line',
      type: 'line',
      source: SOURCE.streets,
      filter: ['==', ['get', 'code'], NO_REGION],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': BASEMAP.selection, 'line-width': 2.5 * scale },
    },
    {
      id: 'selected-district-line',
      type: 'line',
      source: SOURCE.districts,
      filter: ['==', ['get', 'code'], NO_REGION],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': BASEMAP.selection, 'line-width': 3 * scale },
    },
  ];
}

/** Street names: above the live points once a district is open, so the wall can say where things are. */
export function streetLabelLayers(scale: number): LayerSpec[] {
  const s = (stops: number[]) => zoomed(...scaled(scale, stops));
  return [
    {
      id: 'street-label',
      type: 'symbol',
      source: SOURCE.labels,
      minzoom: 9.6,
      filter: ['==', ['get', 'level'], 'street'],
      layout: {
        'text-field': LABEL_TEXT,
        'text-font': FONT_MEDIUM,
        'text-size': s([9.6, 24, 13, 24, 15, 28]) as never,
        'text-letter-spacing': LABEL_SPACING(0.05),
        'text-max-width': 8,
        'text-padding': 4 * scale,
        'symbol-sort-key': ['get', 'rank'],
      },
      paint: {
        'text-color': BASEMAP.streetLabel,
        'text-halo-color': BASEMAP.labelHalo,
        'text-halo-width': 2 * scale,
        'text-halo-blur': 0.5,
        'text-opacity': zoomed(9.6, 0, 10.2, 1) as never,
      },
    },
  ];
}

/** District names go on top of everything: few, large, haloed, read from across the room. */
export function districtLabelLayers(scale: number): LayerSpec[] {
  const s = (stops: number[]) => zoomed(...scaled(scale, stops));
  return [
    {
      id: 'district-label',
      type: 'symbol',
      source: SOURCE.labels,
      maxzoom: 12.5,
      filter: ['==', ['get', 'level'], 'district'],
      layout: {
        'text-field': LABEL_TEXT,
        'text-font': FONT_BOLD,
        'text-size': s([6, 24, 9, 26, 11, 32, 12, 34]) as never,
        'text-letter-spacing': LABEL_SPACING(0.12),
        'text-max-width': 10,
        // every district name must show, even a small central district squeezed by its neighbours:
        // MapLibre first tries each anchor without overlap, then overlaps at the first one. The
        // street names placed after them still keep out of their way.
        'text-variable-anchor': ['center', 'bottom', 'top', 'right', 'left'],
        'text-radial-offset': 0.8,
        'text-allow-overlap': true,
        'text-padding': 1,
        'symbol-sort-key': ['get', 'rank'],
      },
      paint: {
        'text-color': BASEMAP.districtLabel,
        'text-halo-color': BASEMAP.labelHalo,
        'text-halo-width': 2.4 * scale,
        'text-halo-blur': 1,
        'text-opacity': districtLabelOpacity(null) as never,
      },
    },
  ];
}

/** District names fade out when zoomed in; outside the district drilled into they step back. */
export function districtLabelOpacity(drilledDistrict: string | null): Expr {
  const near = drilledDistrict ? ['case', ['==', ['get', 'code'], drilledDistrict], 1, 0.4] : 1;
  return zoomed(11.5, near, 12.5, 0);
}
