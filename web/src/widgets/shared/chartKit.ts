/**
 * Shared pieces of the pure option builders: what they need to know about the screen and the
 * language, and text styles in real pixels (design px × u) so that canvas text is as crisp and as
 * large as the DOM text beside it.
 */
import type { CatalogKind } from '../../i18n';
import type { Lang } from '../../format';
import { COLOR, FONT_FAMILY, FONT_SIZE } from '../../layouts/tokens';

export interface ChartContext {
  /** CSS px per design px */
  u: number;
  lang: Lang;
  label: (kind: CatalogKind, code: string) => string;
}

export function text(ctx: ChartContext, size: number = FONT_SIZE.body, color: string = COLOR.textDim, weight: number | 'normal' | 'bold' = 'normal') {
  // the type scale's floor holds on canvas too: a chart cannot draw text a leader cannot read
  const design = Math.max(size, FONT_SIZE.min);
  return { fontFamily: FONT_FAMILY, fontSize: Math.round(design * ctx.u * 10) / 10, color, fontWeight: weight };
}

export const px = (ctx: ChartContext, design: number) => Math.round(design * ctx.u * 10) / 10;

/** ECharts' update animation: calm and short; nothing replays from zero on an update */
export const CALM_ANIMATION = {
  animation: true,
  animationDuration: 600,
  animationDurationUpdate: 700,
  animationEasingUpdate: 'cubicOut',
} as const;

export function plainContext(u = 1, lang: Lang = 'zh'): ChartContext {
  return { u, lang, label: (_kind, code) => code };
}
