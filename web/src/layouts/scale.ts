/**
 * The design unit and the layout mode. The wall is designed on a 1920×1080 canvas; instead of a
 * CSS transform (blurry text, wrong pointer positions, charts drawn at the wrong resolution) every
 * size is `calc(var(--u) * n)` with u = min(W/1920, H/1080) CSS px. Screens wider than 16:9 keep u
 * from the height and gain design width, which goes to extra panel columns and a wider map —
 * never to stretched text.
 */
import { onBeforeUnmount, readonly, shallowRef, type DeepReadonly, type ShallowRef } from 'vue';

export const DESIGN_WIDTH = 1920;
export const DESIGN_HEIGHT = 1080;

export type LayoutMode = 'standard' | 'wide' | 'ultra';

export interface Scale {
  /** CSS px of the viewport */
  width: number;
  height: number;
  /** CSS px per design px */
  u: number;
  /** the viewport measured in design px (≥ 1920 × ≥ 1080 on the other axis) */
  designWidth: number;
  designHeight: number;
  mode: LayoutMode;
}

/** design widths at which the wall switches to more columns (5760×2160 → 2880; 7680×2160 → 3840) */
export const WIDE_FROM = 2500;
export const ULTRA_FROM = 3400;

export function computeScale(width: number, height: number): Scale {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const u = Math.min(w / DESIGN_WIDTH, h / DESIGN_HEIGHT);
  const designWidth = w / u;
  const designHeight = h / u;
  const mode: LayoutMode = designWidth >= ULTRA_FROM ? 'ultra' : designWidth >= WIDE_FROM ? 'wide' : 'standard';
  return { width: w, height: h, u, designWidth, designHeight, mode };
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

export interface ColumnPlan {
  /** design px */
  width: number;
  panels: { name: PanelName; weight: number }[];
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

/**
 * Which panel goes where in each mode. Standard: one column each side (map ≈ 970 design px):
 * intake and resources on the left, performance and exceptions on the right.
 * Wide (3 screens of 1920 at 2160 high → 2880 design px): a second right column, map ≈ 1510.
 * Ultra (4 screens → 3840 design px): two columns each side, map ≈ 2010; the ranking and the
 * overdue list get a full column each (fewer pages to turn).
 * The AI's precision always sits right below the video points: both are about the sky network.
 * Standard weights give intake by source room for the 12345 row beneath its ring, and the
 * ranking five rows a page at 1080p (the camera gauge and the category bars give up the space).
 */
export function layoutPlan(mode: LayoutMode): LayoutPlan {
  switch (mode) {
    case 'standard':
      return {
        left: [
          {
            width: 440,
            panels: [
              { name: 'IntakeBySource', weight: 1.12 },
              { name: 'IntakeByCategory', weight: 0.95 },
              { name: 'HourlyTrend', weight: 0.75 },
              { name: 'PatrolDuty', weight: 0.62 },
            ],
          },
        ],
        right: [
          {
            width: 440,
            panels: [
              { name: 'StreetRanking', weight: 1.15 },
              { name: 'CameraHealth', weight: 0.85 },
              { name: 'AiPrecision', weight: 0.75 },
              { name: 'OverdueList', weight: 0.85 },
            ],
          },
        ],
      };
    case 'wide':
      return {
        left: [
          {
            width: 440,
            panels: [
              { name: 'IntakeBySource', weight: 0.9 },
              { name: 'IntakeByCategory', weight: 1.15 },
              { name: 'PatrolDuty', weight: 0.6 },
            ],
          },
        ],
        right: [
          {
            width: 440,
            panels: [
              { name: 'StreetRanking', weight: 1.1 },
              { name: 'OverdueList', weight: 1 },
            ],
          },
          {
            width: 420,
            panels: [
              { name: 'HourlyTrend', weight: 0.9 },
              { name: 'CameraHealth', weight: 1.05 },
              { name: 'AiPrecision', weight: 0.95 },
            ],
          },
        ],
      };
    case 'ultra':
      return {
        left: [
          {
            width: 430,
            panels: [
              { name: 'IntakeBySource', weight: 1 },
              { name: 'IntakeByCategory', weight: 1.25 },
              { name: 'PatrolDuty', weight: 0.6 },
            ],
          },
          {
            width: 430,
            panels: [
              { name: 'HourlyTrend', weight: 0.9 },
              { name: 'CameraHealth', weight: 1.1 },
              { name: 'AiPrecision', weight: 1 },
            ],
          },
        ],
        right: [
          { width: 440, panels: [{ name: 'StreetRanking', weight: 1 }] },
          { width: 440, panels: [{ name: 'OverdueList', weight: 1 }] },
        ],
      };
  }
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
export function useScale(target: HTMLElement = document.documentElement): DeepReadonly<ShallowRef<Scale>> {
  const write = (s: Scale) => {
    currentScale.value = s;
    target.style.setProperty('--u', `${s.u}px`);
    target.dataset.layout = s.mode;
  };
  write(computeScale(window.innerWidth, window.innerHeight));
  let frame = 0;
  const onResize = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const next = computeScale(window.innerWidth, window.innerHeight);
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
