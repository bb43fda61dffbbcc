/**
 * Intake per hour over today: the hub's byHour buckets (oldest first, one per hour since the
 * centre's midnight) on a fixed 24-hour axis; hours still to come stay empty, the current hour
 * (still filling) is marked.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { Statistics } from '@shared/schemas/stats';
import { centreTime } from '../../format';
import { COLOR, FONT_SIZE } from '../../layouts/tokens';
import { CALM_ANIMATION, px, text, type ChartContext } from '../shared/chartKit';

export const HOUR_MS = 3_600_000;

export interface HourlySeries {
  /** axis labels "00" … "23" (hour of the centre's clock) */
  labels: string[];
  /** byHour as the hub sent it, padded with null to the end of the day */
  values: (number | null)[];
  /** index of the latest bucket (the current hour), -1 without data */
  current: number;
  peak: { index: number; value: number } | null;
}

export function hourlySeries(stats: Statistics | null, tzOffsetMinutes: number, slots = 24): HourlySeries {
  const byHour = stats?.intake.byHour ?? [];
  const from = stats?.window.from ?? null;
  const n = Math.max(slots, byHour.length);
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const hour = from === null ? i % 24 : centreTime(from + i * HOUR_MS, tzOffsetMinutes).hour;
    labels.push(String(hour).padStart(2, '0'));
  }
  const values: (number | null)[] = labels.map((_, i) => (i < byHour.length ? byHour[i]! : null));
  let peak: HourlySeries['peak'] = null;
  byHour.forEach((v, i) => {
    if (v > 0 && (peak === null || v > peak.value)) peak = { index: i, value: v };
  });
  return { labels, values, current: byHour.length - 1, peak };
}

export function buildHourlyTrendOption(series: HourlySeries, ctx: ChartContext): EChartsCoreOption {
  const current = series.current;
  return {
    ...CALM_ANIMATION,
    grid: { left: px(ctx, 6), right: px(ctx, 14), top: px(ctx, 30), bottom: px(ctx, 4), containLabel: true },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: series.labels,
      axisLine: { lineStyle: { color: COLOR.axis, width: px(ctx, 1) } },
      axisTick: { show: false },
      axisLabel: { ...text(ctx, FONT_SIZE.caption, COLOR.textMuted), interval: 3, margin: px(ctx, 10) },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      splitNumber: 3,
      axisLabel: { ...text(ctx, FONT_SIZE.caption, COLOR.textMuted), margin: px(ctx, 8) },
      splitLine: { lineStyle: { color: COLOR.grid, type: [px(ctx, 4), px(ctx, 4)] } },
    },
    series: [
      {
        id: 'byHour',
        type: 'line',
        smooth: 0.35,
        connectNulls: false,
        showSymbol: true,
        symbol: 'circle',
        symbolSize: (_v: unknown, p: { dataIndex: number }) => (p.dataIndex === current ? px(ctx, 12) : 0),
        itemStyle: { color: COLOR.teal, borderColor: COLOR.bg, borderWidth: px(ctx, 2) },
        lineStyle: { color: COLOR.teal, width: px(ctx, 3), shadowColor: 'rgba(56, 198, 165, 0.5)', shadowBlur: px(ctx, 10) },
        areaStyle: {
          color: {
            type: 'linear',
            x: 0,
            y: 0,
            x2: 0,
            y2: 1,
            colorStops: [
              { offset: 0, color: 'rgba(56, 198, 165, 0.42)' },
              { offset: 1, color: 'rgba(56, 198, 165, 0.02)' },
            ],
          },
        },
        label: {
          show: true,
          // at the first hour of the day the point sits on the y axis: label it to the right
          position: current === 0 ? 'right' : 'top',
          distance: px(ctx, 6),
          formatter: (p: { dataIndex: number; value: number | null }) => (p.dataIndex === current && p.value !== null ? String(p.value) : ''),
          ...text(ctx, FONT_SIZE.body, COLOR.text, 600),
        },
        data: series.values,
      },
    ],
  };
}
