/**
 * Intake by source as a ring: one slice per source with the hub's count (bySource), the sources
 * in the catalogue's order so that colours stay put from one update to the next.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { Statistics } from '@shared/schemas/stats';
import { COLOR, SERIES } from '../../layouts/tokens';
import { CALM_ANIMATION, px, type ChartContext } from '../shared/chartKit';

export interface SourceSlice {
  code: string;
  name: string;
  value: number;
  color: string;
}

/** catalogue order first, then any source the hub counted that the catalogue does not list */
export function sourceSlices(stats: Statistics | null, order: readonly string[], ctx: ChartContext): SourceSlice[] {
  const counts = stats?.intake.bySource ?? {};
  const codes = [...order, ...Object.keys(counts).filter((c) => !order.includes(c))];
  return codes.map((code, i) => ({
    code,
    name: ctx.label('sources', code),
    value: counts[code] ?? 0,
    color: SERIES[i % SERIES.length]!,
  }));
}

export function buildIntakeBySourceOption(slices: readonly SourceSlice[], ctx: ChartContext): EChartsCoreOption {
  return {
    ...CALM_ANIMATION,
    series: [
      {
        id: 'bySource',
        type: 'pie',
        radius: ['62%', '88%'],
        center: ['50%', '50%'],
        startAngle: 90,
        minAngle: 2,
        avoidLabelOverlap: false,
        label: { show: false },
        labelLine: { show: false },
        emphasis: { disabled: true },
        itemStyle: { borderColor: COLOR.bg, borderWidth: px(ctx, 2) },
        data: slices.map((s) => ({ name: s.name, value: s.value, itemStyle: { color: s.color } })),
      },
    ],
  };
}
