/**
 * Where the hub summarises a region's cases (more than a wall can draw one by one: a province, a
 * large district), each child area is one bubble at its centre: its size grows with the open
 * cases, its colour is the severest open case, a white ring says some are overdue, and the count
 * is written in it. The notable cases themselves (serious, overdue) still come as markers; drill
 * into an area to see every case.
 */
import type { AreaSummary } from '@shared/schemas/live';
import type { Region } from '@shared/schemas/region';
import { FONT_BOLD, severityStyle } from './palette';
import { SOURCE } from './sources';
import { isUsablePosition, point, pointCollection, type LayerSpec, type PointCollection } from './mapTypes';

export interface AreaProps {
  code: string;
  open: number;
  overdue: number;
  /** the count as written in the bubble (1.2万 beyond ten thousand) */
  label: string;
  color: string;
  /** bubble radius before the wall scale, in px */
  radius: number;
  /** the severest open case's shape (● ◆ ▲ ★, as on the severity key), drawn in its colour before the count */
  glyph: string;
}

/** the severity shapes of the wall's key (tokens.ts SEVERITY), index = severity */
const SEVERITY_GLYPH = ['', '●', '◆', '▲', '★'] as const;

const NO_CASE_COLOR = '#2fbf71';

/**
 * The root in full view is read by its areas first (WallMap.setOverview): a city, or a province
 * (whose root the geography also calls a city: its children are the cities) — when it has areas
 * enough for that to say more than the cases themselves.
 */
export function showsOverview(region: Pick<Region, 'level'> | null | undefined, childAreas: number): boolean {
  return region?.level === 'city' && childAreas >= OVERVIEW_MIN_AREAS;
}

/** a root with fewer child areas than this is drawn case by case: one bubble would say less than the cases */
export const OVERVIEW_MIN_AREAS = 3;

/** how far past the fitted zoom the operator zooms before every case and patrol is drawn */
export const OVERVIEW_ZOOM_IN = 1;

/** 1,234 → "1234"; 12,345 → "1.2万" (or "12k" in English): short enough for a bubble */
export function shortCount(n: number, lang: 'zh' | 'en' = 'zh'): string {
  if (n < 10_000) return String(n);
  return lang === 'zh' ? `${(n / 10_000).toFixed(n < 100_000 ? 1 : 0)}万` : `${Math.round(n / 1000)}k`;
}

/** radius grows with the square root of the count (area ∝ count), within readable bounds */
export function bubbleRadius(open: number, largest: number): number {
  if (open <= 0) return 10;
  return 14 + 30 * Math.sqrt(open / Math.max(1, largest));
}

export function areaFeatures(
  areas: readonly AreaSummary[],
  regionOf: (code: string) => Pick<Region, 'center'> | undefined,
  lang: 'zh' | 'en' = 'zh',
): PointCollection<AreaProps> {
  const largest = areas.reduce((m, a) => Math.max(m, a.open), 0);
  const out = [];
  for (const a of areas) {
    const center = regionOf(a.code)?.center;
    if (!center || !isUsablePosition(center[0], center[1])) continue;
    out.push(
      point<AreaProps>(center[0], center[1], {
        code: a.code,
        open: a.open,
        overdue: a.overdue,
        label: shortCount(a.open, lang),
        color: a.worst > 0 ? severityStyle(a.worst).color : NO_CASE_COLOR,
        radius: Math.round(bubbleRadius(a.open, largest) * 10) / 10,
        glyph: SEVERITY_GLYPH[a.worst] ?? '',
      }),
    );
  }
  // the biggest bubbles first, so that smaller ones are drawn over them and stay visible
  out.sort((x, y) => y.properties.open - x.properties.open);
  return pointCollection(out);
}

export function areaLayers(scale: number): LayerSpec[] {
  return [
    {
      id: 'area-bubbles',
      type: 'circle',
      source: SOURCE.areas,
      paint: {
        // a soft disc whose area grows with the count: behind the area's name and count, never over them
        'circle-radius': ['*', ['get', 'radius'], 0.7 * scale] as never,
        'circle-color': ['get', 'color'],
        'circle-opacity': 0.3,
        'circle-stroke-color': ['case', ['>', ['get', 'overdue'], 0], '#ffffff', 'rgba(2,8,18,0.9)'] as never,
        'circle-stroke-width': ['case', ['>', ['get', 'overdue'], 0], 2.5 * scale, 1 * scale] as never,
      },
    },
    {
      id: 'area-counts',
      type: 'symbol',
      source: SOURCE.areas,
      layout: {
        // "▲ 141": the severest case's shape in its colour, then the open cases
        'text-field': ['format', ['get', 'glyph'], { 'text-color': ['get', 'color'] }, ['concat', ' ', ['get', 'label']], {}] as never,
        'text-font': FONT_BOLD,
        'text-size': 24 * scale,
        // under the area's name, which the district and street labels write at the same centre
        'text-anchor': 'top',
        'text-offset': [0, 0.7],
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      },
      paint: {
        'text-color': '#ffffff',
        'text-halo-color': 'rgba(2,8,18,0.95)',
        'text-halo-width': 2 * scale,
      },
    },
  ];
}
