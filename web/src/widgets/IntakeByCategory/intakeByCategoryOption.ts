/**
 * Intake by category as horizontal bars, largest first, with the hub's count (byCategory) at the
 * end of each bar. Categories of the catalogue with no case today still get a (zero) row, so the
 * chart keeps its shape through a quiet morning.
 *
 * Fewer, larger rows: as many bars as the panel holds at ROW_PITCH design px (names at 24 px,
 * short names so that none is cut); when the categories are more, the largest keep their bar and
 * the rest are summed into one grey "其他 / Other" bar, last.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { Statistics } from '@shared/schemas/stats';
import { fmtInt } from '../../format';
import { shortLabel, translate } from '../../i18n';
import { COLOR, FONT_SIZE } from '../../layouts/tokens';
import { OTHER_CODE, topWithOther } from '../shared/fitRows';
import { CALM_ANIMATION, px, text, type ChartContext } from '../shared/chartKit';

/** design px a bar's row needs: a 24 px name with air above and below */
export const ROW_PITCH = 36;

export interface CategoryBar {
  code: string;
  name: string;
  value: number;
  /** the sum of the categories that have no bar of their own */
  other?: boolean;
}

export function categoryBars(stats: Statistics | null, order: readonly string[], ctx: ChartContext, rows = 9): CategoryBar[] {
  const counts = stats?.intake.byCategory ?? {};
  const codes = [...order, ...Object.keys(counts).filter((c) => !order.includes(c))];
  const all = codes
    .map((code, i) => ({ code, name: shortLabel(ctx.lang, 'categories', code, ctx.label), value: counts[code] ?? 0, i }))
    .sort((a, b) => b.value - a.value || a.i - b.i)
    .map(({ code, name, value }): CategoryBar => ({ code, name, value }));
  return topWithOther(all, rows, (sum) => ({ code: OTHER_CODE, name: translate(ctx.lang, 'otherItems'), value: sum, other: true }));
}

const BAR_GRADIENT = {
  type: 'linear',
  x: 0,
  y: 0,
  x2: 1,
  y2: 0,
  colorStops: [
    { offset: 0, color: 'rgba(31, 139, 255, 0.35)' },
    { offset: 1, color: COLOR.accent },
  ],
} as const;

export function buildIntakeByCategoryOption(bars: readonly CategoryBar[], ctx: ChartContext): EChartsCoreOption {
  const max = Math.max(1, ...bars.map((b) => b.value));
  // room right of the longest bar for its count (the grid's containLabel does not count series labels)
  const digits = fmtInt(max).length;
  return {
    ...CALM_ANIMATION,
    grid: { left: px(ctx, 0), right: px(ctx, 8 + digits * 15), top: 0, bottom: 0, containLabel: true },
    xAxis: { type: 'value', max: max * 1.02, show: false },
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.map((b) => b.name),
      axisLine: { show: false },
      axisTick: { show: false },
      // whole names: the short names fit, and the grid makes room for the longest
      axisLabel: { ...text(ctx, FONT_SIZE.body, COLOR.textDim), margin: px(ctx, 12) },
    },
    series: [
      {
        id: 'byCategory',
        type: 'bar',
        barWidth: '42%',
        showBackground: true,
        backgroundStyle: { color: 'rgba(79, 178, 255, 0.07)', borderRadius: px(ctx, 4) },
        itemStyle: { borderRadius: px(ctx, 4), color: BAR_GRADIENT },
        label: {
          show: true,
          position: 'right',
          distance: px(ctx, 8),
          ...text(ctx, FONT_SIZE.body, COLOR.text, 600),
        },
        data: bars.map((b) =>
          b.other
            ? { value: b.value, itemStyle: { color: 'rgba(158, 193, 232, 0.45)' }, label: { color: COLOR.textDim } }
            : { value: b.value },
        ),
      },
    ],
  };
}
