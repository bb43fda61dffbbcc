/**
 * The rolling 24-hour trend: the last 24 hourly buckets of the hub's seven-day figures
 * (week.intake.byHour, oldest first, the last one the current hour, still filling), with the 24
 * hours before them as a dim dashed line for comparison. Without the seven-day figures it falls
 * back to today's buckets on a 00–23 axis. Labels are hours of the centre's clock.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { Statistics } from '@shared/schemas/stats';
import { centreTime } from '../../format';
import { COLOR, FONT_SIZE } from '../../layouts/tokens';
import { CALM_ANIMATION, px, text, type ChartContext } from '../shared/chartKit';

export const HOUR_MS = 3_600_000;
const SLOTS = 24;

export interface HourlySeries {
  /** 'rolling' = last 24 h from the seven-day figures; 'today' = since midnight */
  mode: 'rolling' | 'today';
  /** axis labels: hour of the centre's clock, "00" … "23" */
  labels: string[];
  /** the hub's buckets, null where the hour has not come yet (today mode) */
  values: (number | null)[];
  /** the same hours one day earlier (rolling mode), else empty */
  previous: (number | null)[];
  /** index of the current (still filling) hour, -1 without data */
  current: number;
  peak: { index: number; value: number } | null;
}

const hourLabel = (ms: number, tz: number) => String(centreTime(ms, tz).hour).padStart(2, '0');

function peakOf(values: readonly (number | null)[]): HourlySeries['peak'] {
  let peak: HourlySeries['peak'] = null;
  values.forEach((v, i) => {
    if (v !== null && v > 0 && (peak === null || v > peak.value)) peak = { index: i, value: v };
  });
  return peak;
}

export function hourlySeries(today: Statistics | null, week: Statistics | null, tzOffsetMinutes: number): HourlySeries {
  const buckets = week?.intake.byHour ?? [];
  if (week && buckets.length >= SLOTS) {
    const start = buckets.length - SLOTS;
    const values = buckets.slice(start);
    const previous = buckets.length >= 2 * SLOTS ? buckets.slice(start - SLOTS, start) : [];
    const labels = values.map((_, i) => hourLabel(week.window.from + (start + i) * HOUR_MS, tzOffsetMinutes));
    return { mode: 'rolling', labels, values, previous, current: SLOTS - 1, peak: peakOf(values) };
  }
  const byHour = today?.intake.byHour ?? [];
  const from = today?.window.from ?? null;
  const n = Math.max(SLOTS, byHour.length);
  const labels: string[] = [];
  for (let i = 0; i < n; i++) labels.push(from === null ? String(i % 24).padStart(2, '0') : hourLabel(from + i * HOUR_MS, tzOffsetMinutes));
  const values = labels.map((_, i) => (i < byHour.length ? byHour[i]! : null));
  return { mode: 'today', labels, values, previous: [], current: byHour.length - 1, peak: peakOf(values) };
}

/**
 * The current hour is still filling: drawn as a dashed segment from the hour before, so that a
 * low count a few minutes into the hour does not read as a collapse. Returns [complete, filling].
 */
export function splitCurrentHour(series: HourlySeries): [(number | null)[], (number | null)[]] {
  const c = series.current;
  if (c < 1) return [series.values, series.values.map(() => null)];
  const complete = series.values.map((v, i) => (i === c ? null : v));
  const filling = series.values.map((v, i) => (i === c || i === c - 1 ? v : null));
  return [complete, filling];
}

export function buildHourlyTrendOption(series: HourlySeries, ctx: ChartContext): EChartsCoreOption {
  const current = series.current;
  const [complete, filling] = splitCurrentHour(series);
  const marker = {
    showSymbol: true,
    symbol: 'circle',
    symbolSize: (_v: unknown, p: { dataIndex: number }) => (p.dataIndex === current ? px(ctx, 12) : 0),
    itemStyle: { color: COLOR.teal, borderColor: COLOR.bg, borderWidth: px(ctx, 2) },
    label: {
      show: true,
      // a point on the y axis (first hour of the day) is labelled to its right
      position: current === 0 ? 'right' : 'top',
      distance: px(ctx, 6),
      formatter: (p: { dataIndex: number; value: number | null }) => (p.dataIndex === current && p.value !== null ? String(p.value) : ''),
      ...text(ctx, FONT_SIZE.body, COLOR.text, 600),
    },
  };
  return {
    ...CALM_ANIMATION,
    // the top leaves room for the key (HourlyTrend.vue) above the highest grid line
    grid: { left: px(ctx, 6), right: px(ctx, 14), top: px(ctx, 48), bottom: px(ctx, 4), containLabel: true },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: series.labels,
      axisLine: { lineStyle: { color: COLOR.axis, width: px(ctx, 1) } },
      axisTick: { show: false },
      // every sixth hour: four labels at 24 px, not a row of crowded ones
      axisLabel: { ...text(ctx, FONT_SIZE.caption, COLOR.textDim), interval: 5, margin: px(ctx, 10) },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      splitNumber: 2,
      // no "0" under the first hour's label: the base line says zero
      axisLabel: { ...text(ctx, FONT_SIZE.caption, COLOR.textDim), margin: px(ctx, 8), showMinLabel: false },
      splitLine: { lineStyle: { color: COLOR.grid, type: [px(ctx, 4), px(ctx, 4)] } },
    },
    series: [
      {
        id: 'previous',
        type: 'line',
        smooth: 0.35,
        showSymbol: false,
        silent: true,
        lineStyle: { color: 'rgba(158, 193, 232, 0.45)', width: px(ctx, 2), type: [px(ctx, 6), px(ctx, 5)] },
        z: 1,
        data: series.previous,
      },
      {
        id: 'byHour',
        type: 'line',
        smooth: 0.35,
        connectNulls: false,
        ...(current === 0 ? marker : { showSymbol: false }),
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
        z: 2,
        data: complete,
      },
      {
        id: 'filling',
        type: 'line',
        connectNulls: false,
        ...marker,
        lineStyle: { color: COLOR.teal, width: px(ctx, 3), type: [px(ctx, 5), px(ctx, 4)] },
        z: 3,
        data: filling,
      },
    ],
  };
}
