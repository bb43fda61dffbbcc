/**
 * The design unit and the layout mode. The wall is designed on a 1920×1080 canvas; instead of a
 * CSS transform (blurry text, wrong pointer positions, charts drawn at the wrong resolution) every
 * size is `calc(var(--u) * n)` in CSS px.
 *
 * By default u = min(W/1920, H/1080): the design fills the screen, and 24 design px (the smallest
 * text, tokens.ts) are 24 px on a 1920×1080 screen — legible from about 2 m on a 55" screen.
 * A wall read from further away is given its size and the viewing distance (`?diagonal=` in
 * inches, `?distance=` in metres; docs/wall.md): u is then chosen so that the smallest text
 * subtends READING_ARCMIN at that distance, and the layout follows the design canvas that leaves:
 * a small screen read from far gets fewer, larger panels (compact, fewer per column); a wide wall
 * gets more columns and a wider map — never stretched or shrunken text.
 */
import { onBeforeUnmount, readonly, shallowRef, type DeepReadonly, type InjectionKey, type Ref, type ShallowRef } from 'vue';
import { FONT_SIZE, KPI_HEIGHT } from './tokens';

export const DESIGN_WIDTH = 1920;
export const DESIGN_HEIGHT = 1080;

export type LayoutMode = 'compact' | 'standard' | 'wide' | 'ultra';

/** The physical wall: the diagonal of what the browser fills, and where its readers sit. */
export interface ViewingSetup {
  diagonalInches: number;
  distanceMetres: number;
}

/**
 * The angle the smallest text's characters must subtend. ISO 9241-303 asks 16′ at least and
 * 20–22′ for text that is read rather than glanced at; dense Chinese characters want the upper
 * figure. 20′ at 5 m is a character 29 mm high.
 */
export const READING_ARCMIN = 20;
/** ink height of a character over its font size (Noto Sans SC's ideographs ≈ 0.88 em, Latin capitals ≈ 0.72) */
export const GLYPH_EM = 0.85;

export interface Scale {
  /** CSS px of the viewport */
  width: number;
  height: number;
  /** CSS px per design px */
  u: number;
  /** the viewport measured in design px */
  designWidth: number;
  designHeight: number;
  mode: LayoutMode;
  /** the viewing setup the unit was chosen for, if one was given */
  setup: ViewingSetup | null;
}

/** design widths at which the wall switches to more columns (5760×2160 → 2880; 7680×2160 → 3840) */
export const WIDE_FROM = 2500;
export const ULTRA_FROM = 3400;
/** below this design width two side columns and a useful map do not fit: one column, KPIs across */
export const STANDARD_FROM = 1760;

/** CSS px per design px for which the smallest text reads at the setup's distance */
export function readingUnit(width: number, height: number, setup: ViewingSetup): number {
  const pxPerMm = Math.hypot(width, height) / (setup.diagonalInches * 25.4);
  const glyphMm = setup.distanceMetres * 1000 * Math.tan(((READING_ARCMIN / 60) * Math.PI) / 180);
  return ((glyphMm / GLYPH_EM) * pxPerMm) / FONT_SIZE.min;
}

export function computeScale(width: number, height: number, setup: ViewingSetup | null = null): Scale {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const fit = Math.min(w / DESIGN_WIDTH, h / DESIGN_HEIGHT);
  // A wall read from close up may show more than the design canvas, but never less than half its
  // size: below that the design's proportions (panel heights, the map) stop holding.
  const u = setup ? Math.max(readingUnit(w, h, setup), fit / 2) : fit;
  const designWidth = w / u;
  const designHeight = h / u;
  const mode: LayoutMode =
    designWidth >= ULTRA_FROM ? 'ultra' : designWidth >= WIDE_FROM ? 'wide' : designWidth >= STANDARD_FROM ? 'standard' : 'compact';
  return { width: w, height: h, u, designWidth, designHeight, mode, setup };
}

/** The panels a column stacks, with their share of the column height. */
export type PanelName =
  | 'IntakeBySource'
  | 'IntakeByCategory'
  | 'HourlyTrend'
  | 'StreetRanking'
  | 'PatrolDuty'
  | 'CameraHealth'
  | 'AiPrecision'
  | 'OverdueList';

export interface PlannedPanel {
  name: PanelName;
  /** share of the column's height */
  weight: number;
  /** 1 = the column's most important: when the column holds fewer panels, the highest priorities stay */
  priority: number;
}

export interface ColumnPlan {
  /** design px */
  width: number;
  panels: PlannedPanel[];
}

export interface LayoutPlan {
  left: ColumnPlan[];
  right: ColumnPlan[];
}

export const ALL_PANELS: readonly PanelName[] = [
  'IntakeBySource',
  'IntakeByCategory',
  'HourlyTrend',
  'StreetRanking',
  'PatrolDuty',
  'CameraHealth',
  'AiPrecision',
  'OverdueList',
];

/** the least height (design px) a panel needs for its title and a few lines of 24 px text */
export const PANEL_MIN_HEIGHT = 280;
/** design px of a column outside its panels: the header, the body's padding */
const COLUMN_OVERHEAD = 136;

/** design px of the KPIs in the compact column: two rows of the strip's height and a gap */
const COMPACT_KPI_HEIGHT = 2 * KPI_HEIGHT + 12;

/** how many panels a side column holds at this design height (1080 → 3) */
export function panelsPerColumn(designHeight: number): number {
  return Math.max(1, Math.floor((designHeight - COLUMN_OVERHEAD) / PANEL_MIN_HEIGHT));
}

const col = (width: number, ...panels: [PanelName, number, number][]): ColumnPlan => ({
  width,
  panels: panels.map(([name, weight, priority]) => ({ name, weight, priority })),
});

/**
 * Which panels the wall shows where, for a mode and a design height. At 1920×1080 (standard) each
 * side holds three panels at the type scale's sizes: intake by source and by category and the
 * grid staff on the left; the street ranking, the video points and overdue supervision on the
 * right. The 24-hour trend and the AI's precision leave that screen (they come back on wider
 * walls, and on taller design canvases). Wide (5760×2160 → 2880 design px) adds a column; ultra
 * (7680×2160 → 3840) has two columns each side, and the ranking and the overdue list a column
 * each. Compact (a screen read from far: design width under 1760) keeps one column, on the right. A design height below 1080 drops each column's lowest
 * priorities first; the AI's precision always sits right below the video points.
 */
export function layoutPlan(mode: LayoutMode, designHeight: number = DESIGN_HEIGHT): LayoutPlan {
  const plan = basePlan(mode);
  // compact: the KPIs (two rows of two) head the column, and may leave room for no panel at all
  const fit = mode === 'compact' ? Math.max(0, Math.floor((designHeight - COLUMN_OVERHEAD - COMPACT_KPI_HEIGHT) / PANEL_MIN_HEIGHT)) : panelsPerColumn(designHeight);
  const keep = (c: ColumnPlan): ColumnPlan => {
    const kept = new Set([...c.panels].sort((a, b) => a.priority - b.priority).slice(0, fit).map((p) => p.name));
    return { width: c.width, panels: c.panels.filter((p) => kept.has(p.name)) };
  };
  return { left: plan.left.map(keep), right: plan.right.map(keep) };
}

function basePlan(mode: LayoutMode): LayoutPlan {
  switch (mode) {
    case 'compact':
      return {
        left: [],
        right: [col(480, ['StreetRanking', 1.1, 1], ['OverdueList', 1, 2], ['IntakeBySource', 1, 3], ['PatrolDuty', 0.7, 4])],
      };
    case 'standard':
      return {
        left: [col(460, ['IntakeBySource', 1.15, 1], ['IntakeByCategory', 1.05, 2], ['PatrolDuty', 0.8, 3], ['HourlyTrend', 0.9, 4])],
        right: [col(460, ['StreetRanking', 1.15, 1], ['CameraHealth', 0.85, 3], ['AiPrecision', 0.8, 4], ['OverdueList', 1, 2])],
      };
    case 'wide':
      return {
        left: [col(460, ['IntakeBySource', 1, 1], ['IntakeByCategory', 1.1, 2], ['PatrolDuty', 0.75, 3])],
        right: [
          col(460, ['StreetRanking', 1.1, 1], ['OverdueList', 1, 2]),
          col(440, ['HourlyTrend', 0.9, 1], ['CameraHealth', 1, 2], ['AiPrecision', 0.9, 3]),
        ],
      };
    case 'ultra':
      return {
        left: [
          col(450, ['IntakeBySource', 1, 1], ['IntakeByCategory', 1.2, 2], ['PatrolDuty', 0.7, 3]),
          col(450, ['HourlyTrend', 0.9, 1], ['CameraHealth', 1.05, 2], ['AiPrecision', 0.95, 3]),
        ],
        right: [col(460, ['StreetRanking', 1, 1]), col(460, ['OverdueList', 1, 1])],
      };
  }
}

/** the panels a plan shows */
export function plannedPanels(plan: LayoutPlan): PanelName[] {
  return [...plan.left, ...plan.right].flatMap((c) => c.panels.map((p) => p.name));
}

/** design px left for the map in the centre column */
export function mapDesignWidth(scale: Scale, plan: LayoutPlan, gap = 16, pad = 20): number {
  const cols = [...plan.left, ...plan.right];
  return scale.designWidth - 2 * pad - cols.reduce((s, c) => s + c.width, 0) - cols.length * gap;
}

/** the wall's current scale, shared by every widget (option builders read `u` from it) */
export const currentScale: ShallowRef<Scale> = shallowRef(computeScale(DESIGN_WIDTH, DESIGN_HEIGHT));

/**
 * Tracks the viewport, writes `--u` and `data-layout` on the root element and keeps
 * `currentScale` up to date. One listener (resize, coalesced per animation frame), removed on
 * unmount.
 */
export function useScale(setup: ViewingSetup | null = null, target: HTMLElement = document.documentElement): DeepReadonly<ShallowRef<Scale>> {
  const write = (s: Scale) => {
    currentScale.value = s;
    target.style.setProperty('--u', `${s.u}px`);
    target.dataset.layout = s.mode;
  };
  write(computeScale(window.innerWidth, window.innerHeight, setup));
  let frame = 0;
  const onResize = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const next = computeScale(window.innerWidth, window.innerHeight, setup);
      const prev = currentScale.value;
      if (next.width !== prev.width || next.height !== prev.height) write(next);
    });
  };
  window.addEventListener('resize', onResize);
  onBeforeUnmount(() => {
    window.removeEventListener('resize', onResize);
    if (frame) cancelAnimationFrame(frame);
  });
  return readonly(currentScale);
}

/** whether the operator's controls show (someone used the pointer or keyboard a moment ago); provided by the wall */
export const CONTROLS_VISIBLE: InjectionKey<Readonly<Ref<boolean>>> = Symbol('controlsVisible');
