/**
 * Intake by source as a ring: one slice per source with the hub's count (bySource), the sources
 * in the catalogue's order so that colours stay put from one update to the next. Short names
 * (i18n SHORT_WORDS) so that a legend row holds a name and its count at 24 px; when the legend
 * holds fewer rows than there are sources, the smallest are summed into one grey "其他 / Other"
 * slice (`shownSlices`), in the ring as in the legend.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { Statistics } from '@shared/schemas/stats';
import { shortLabel, translate } from '../../i18n';
import { COLOR, SERIES } from '../../layouts/tokens';
import { OTHER_CODE, topWithOther } from '../shared/fitRows';
import { CALM_ANIMATION, px, type ChartContext } from '../shared/chartKit';

/** design px of a legend row: a 24 px name and count */
export const LEGEND_PITCH = 30;

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
    name: shortLabel(ctx.lang, 'sources', code, ctx.label),
    value: counts[code] ?? 0,
    color: SERIES[i % SERIES.length]!,
  }));
}

/** at most `rows` slices: the largest sources, and the rest summed into "其他 / Other" (last, grey) */
export function shownSlices(slices: readonly SourceSlice[], rows: number, ctx: ChartContext): SourceSlice[] {
  return topWithOther(slices, rows, (sum) => ({ code: OTHER_CODE, name: translate(ctx.lang, 'otherItems'), value: sum, color: COLOR.textMuted }));
}

export function buildIntakeBySourceOption(slices: readonly SourceSlice[], ctx: ChartContext): EChartsCoreOption {
  return {
    ...CALM_ANIMATION,
    series: [
      {
        id: 'bySource',
        type: 'pie',
        radius: ['64%', '92%'],
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
