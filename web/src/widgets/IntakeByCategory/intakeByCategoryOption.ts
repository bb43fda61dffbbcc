/**
 * Intake by category as horizontal bars, largest first, with the hub's count (byCategory) at the
 * end of each bar. Categories of the catalogue with no case today still get a (zero) row, so the
 * chart keeps its shape through a quiet morning.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { Statistics } from '@shared/schemas/stats';
import { COLOR, FONT_SIZE } from '../../layouts/tokens';
import { CALM_ANIMATION, px, text, type ChartContext } from '../shared/chartKit';

export interface CategoryBar {
  code: string;
  name: string;
  value: number;
}

export function categoryBars(stats: Statistics | null, order: readonly string[], ctx: ChartContext, limit = 9): CategoryBar[] {
  const counts = stats?.intake.byCategory ?? {};
  const codes = [...order, ...Object.keys(counts).filter((c) => !order.includes(c))];
  return codes
    .map((code, i) => ({ code, name: ctx.label('categories', code), value: counts[code] ?? 0, i }))
    .sort((a, b) => b.value - a.value || a.i - b.i)
    .slice(0, limit)
    .map(({ code, name, value }) => ({ code, name, value }));
}

export function buildIntakeByCategoryOption(bars: readonly CategoryBar[], ctx: ChartContext): EChartsCoreOption {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return {
    ...CALM_ANIMATION,
    grid: { left: px(ctx, 4), right: px(ctx, 56), top: px(ctx, 2), bottom: px(ctx, 2), containLabel: true },
    xAxis: { type: 'value', max: max * 1.02, show: false },
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.map((b) => b.name),
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: { ...text(ctx, FONT_SIZE.body, COLOR.textDim), margin: px(ctx, 12), width: px(ctx, 150), overflow: 'truncate' },
    },
    series: [
      {
        id: 'byCategory',
        type: 'bar',
        barWidth: '46%',
        showBackground: true,
        backgroundStyle: { color: 'rgba(79, 178, 255, 0.07)', borderRadius: px(ctx, 4) },
        itemStyle: {
          borderRadius: px(ctx, 4),
          color: {
            type: 'linear',
            x: 0,
            y: 0,
            x2: 1,
            y2: 0,
            colorStops: [
              { offset: 0, color: 'rgba(31, 139, 255, 0.35)' },
              { offset: 1, color: COLOR.accent },
            ],
          },
        },
        label: {
          show: true,
          position: 'right',
          distance: px(ctx, 8),
          ...text(ctx, FONT_SIZE.body, COLOR.text, 600),
        },
        data: bars.map((b) => b.value),
      },
    ],
  };
}
