/**
 * Design tokens of the wall: the ONE place for colours, the type scale and spacing. Sizes are in
 * design pixels of the 1920×1080 canvas; `applyTokens()` writes them as CSS variables multiplied by
 * the design unit `--u` (see scale.ts), so text renders at real pixel size on every screen.
 * Severity, risk, patrol and camera colours match the map's palette (web/src/map/palette.ts) value
 * for value — tests/web/tokens.test.ts keeps the two from drifting apart.
 */

export const COLOR = {
  /** page background: the map's basemap background, so the map blends into the wall */
  bg: '#050d19',
  bgRaised: '#081527',
  panel: 'rgba(10, 26, 48, 0.78)',
  panelEdge: 'rgba(79, 178, 255, 0.20)',
  panelEdgeStrong: 'rgba(79, 178, 255, 0.55)',
  panelTitleBar: 'rgba(31, 139, 255, 0.10)',
  grid: 'rgba(158, 193, 232, 0.12)',
  axis: 'rgba(158, 193, 232, 0.35)',
  text: '#e8f1ff',
  textDim: '#9ec1e8',
  textMuted: '#6f89a8',
  accent: '#4fb2ff',
  accentSoft: 'rgba(79, 178, 255, 0.16)',
  teal: '#38c6a5',
  good: '#3ee08f',
  warn: '#ff9f1c',
  bad: '#ff3b6b',
  gold: '#f5d423',
} as const;

/** Severity 1–4 (一般/较大/重大/特别重大): colour AND shape, Okabe–Ito hues from cool to hot. */
export interface SeverityToken {
  color: string;
  /** SVG path in a 24×24 box (same shapes as the map's icons) */
  path: string;
  glyph: string;
}
export const SEVERITY: Record<1 | 2 | 3 | 4, SeverityToken> = {
  1: { color: '#56b4e9', glyph: '●', path: 'M12 4a8 8 0 1 1 0 16a8 8 0 1 1 0-16z' },
  2: { color: '#f0e442', glyph: '◆', path: 'M12 2.5L21.5 12L12 21.5L2.5 12z' },
  3: { color: '#ff9f1c', glyph: '▲', path: 'M12 2.5L22 20.5H2z' },
  4: {
    color: '#ff3b6b',
    glyph: '★',
    path: 'M12 1.8l2.9 6.6l7.1.6l-5.4 4.7l1.6 7L12 17l-6.2 3.7l1.6-7L2 9l7.1-.6z',
  },
};

export function severityToken(severity: number): SeverityToken {
  const s = Math.min(4, Math.max(1, Math.round(severity))) as 1 | 2 | 3 | 4;
  return SEVERITY[s];
}

/** The five-colour risk map (五色图): index = RiskLevel (0 green … 4 red). */
export const RISK = ['#2fbf71', '#3a8dff', '#f5d423', '#ff8a1f', '#ff2e3f'] as const;

export const PATROL_STATUS_COLOR = {
  on_duty: '#3ee08f',
  responding: '#00d5ff',
  offline: '#8592a6',
  off_duty: '#4a5568',
} as const;

export const CAMERA_STATUS_COLOR = {
  online: '#38c6a5',
  offline: '#7a8699',
  video_lost: '#b48cff',
  fault: '#e0b23a',
  alarm: '#ff3b6b',
} as const;

/**
 * Categorical series colours (sources, categories): the Okabe–Ito set, lifted slightly so that
 * every hue keeps contrast on the navy background; order chosen so that neighbours differ in
 * lightness as well as hue.
 */
export const SERIES = ['#56b4e9', '#e69f00', '#2fbf8f', '#f0e442', '#4f8fe6', '#ff7a3d', '#d68ab8', '#a7b4c8', '#8fd3c6'] as const;

/**
 * Type scale in design px, for a leader reading the wall from across the room. Nothing a person
 * must read is smaller than `min` (24 px on a 1920×1080 screen; on a wall given its size and the
 * viewing distance, scale.ts grows the unit so that 24 design px subtend a readable angle). What
 * does not fit at these sizes leaves the screen — fewer, larger items — rather than shrinking:
 * tests/e2e/typeScale.test.ts measures every rendered text in Chromium against `min`.
 */
export const FONT_SIZE = {
  min: 24,
  caption: 24,
  body: 24,
  bodyL: 26,
  title: 28,
  h2: 32,
  h1: 44,
  clock: 40,
  figure: 40,
  kpi: 64,
} as const;

export const FONT_FAMILY = "'Noto Sans SC Variable', 'Noto Sans SC', 'Microsoft YaHei', sans-serif";

/** Spacing and shapes in design px. */
export const SPACE = { xs: 4, sm: 8, md: 12, lg: 16, xl: 24 } as const;
export const RADIUS = 6;
export const HEADER_HEIGHT = 100;
export const TICKER_HEIGHT = 64;
/** the KPI strip: label, figure and counts (the definitions are each cell's title and in docs/figures.md) */
export const KPI_HEIGHT = 156;

/** Motion: calm, never flashy. */
export const MOTION = { tweenMs: 900, chartUpdateMs: 700, fadeMs: 400 } as const;

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
}

/** Every token as a CSS custom property; sizes become calc(var(--u) * n). */
export function tokenVariables(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(COLOR)) vars[`--c-${kebab(k)}`] = v;
  for (const [k, v] of Object.entries(SEVERITY)) vars[`--sev-${k}`] = v.color;
  RISK.forEach((v, i) => (vars[`--risk-${i}`] = v));
  for (const [k, v] of Object.entries(PATROL_STATUS_COLOR)) vars[`--patrol-${k.replace('_', '-')}`] = v;
  for (const [k, v] of Object.entries(CAMERA_STATUS_COLOR)) vars[`--cam-${k.replace('_', '-')}`] = v;
  for (const [k, v] of Object.entries(FONT_SIZE)) vars[`--fs-${kebab(k)}`] = `calc(var(--u) * ${v})`;
  for (const [k, v] of Object.entries(SPACE)) vars[`--sp-${k}`] = `calc(var(--u) * ${v})`;
  vars['--radius'] = `calc(var(--u) * ${RADIUS})`;
  vars['--header-h'] = `calc(var(--u) * ${HEADER_HEIGHT})`;
  vars['--ticker-h'] = `calc(var(--u) * ${TICKER_HEIGHT})`;
  vars['--kpi-h'] = `calc(var(--u) * ${KPI_HEIGHT})`;
  vars['--font'] = FONT_FAMILY;
  vars['--fade'] = `${MOTION.fadeMs}ms`;
  return vars;
}

export function applyTokens(root: HTMLElement = document.documentElement): void {
  for (const [k, v] of Object.entries(tokenVariables())) root.style.setProperty(k, v);
}
