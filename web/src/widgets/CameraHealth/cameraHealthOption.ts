/**
 * The video online rate (视频在线率) as a gauge arc, with the hub's figure as its label, and the
 * status counts beside it — all from Statistics.cameras.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { Statistics } from '@shared/schemas/stats';
import type { DictKey } from '../../i18n';
import { fmtRate } from '../../format';
import { CAMERA_STATUS_COLOR, COLOR, FONT_SIZE } from '../../layouts/tokens';
import { CALM_ANIMATION, px, text, type ChartContext } from '../shared/chartKit';

export type OnlineTone = 'good' | 'warn' | 'bad';
/** at or above these the online rate is good / to watch; below the second it is low */
export const ONLINE_GOOD = 0.95;
export const ONLINE_WARN = 0.85;

export function onlineRateTone(rate: number | null): OnlineTone | null {
  if (rate === null) return null;
  return rate >= ONLINE_GOOD ? 'good' : rate >= ONLINE_WARN ? 'warn' : 'bad';
}

export function onlineRateColor(rate: number | null): string {
  const tone = onlineRateTone(rate);
  return tone === null ? COLOR.textMuted : COLOR[tone];
}

/**
 * The online rate's judgement said by a shape and a word as well as by the colour (as the KPI
 * strip does): ✓ 达标, ! 关注, ▼ 偏低. null without a figure.
 */
export function onlineRateMark(rate: number | null): { glyph: string; word: DictKey } | null {
  const tone = onlineRateTone(rate);
  if (tone === null) return null;
  return { good: { glyph: '✓', word: 'toneGood' as const }, warn: { glyph: '!', word: 'toneWarn' as const }, bad: { glyph: '▼', word: 'toneBad' as const } }[tone];
}

export interface CameraCount {
  key: 'online' | 'offline' | 'videoLost' | 'fault' | 'alarming';
  label: DictKey;
  value: number | null;
  color: string;
}

export function cameraCounts(stats: Statistics | null): CameraCount[] {
  const c = stats?.cameras;
  return [
    { key: 'online', label: 'camOnline', value: c ? c.online : null, color: CAMERA_STATUS_COLOR.online },
    { key: 'offline', label: 'camOffline', value: c ? c.offline : null, color: CAMERA_STATUS_COLOR.offline },
    { key: 'videoLost', label: 'camVideoLost', value: c ? c.videoLost : null, color: CAMERA_STATUS_COLOR.video_lost },
    { key: 'fault', label: 'camFault', value: c ? c.fault : null, color: CAMERA_STATUS_COLOR.fault },
    { key: 'alarming', label: 'camAlarming', value: c ? c.alarming : null, color: CAMERA_STATUS_COLOR.alarm },
  ];
}

/**
 * The gauge: the online rate as a figure (40 design px) in its arc, and beneath it "在线率" with
 * the judgement's shape (✓ / ! / ▼) — every canvas text at 24 design px or more.
 */
export function buildCameraGaugeOption(stats: Statistics | null, ctx: ChartContext): EChartsCoreOption {
  const rate = stats?.cameras.onlineRate ?? null;
  const color = onlineRateColor(rate);
  const label = fmtRate(rate);
  const mark = onlineRateMark(rate);
  const name = `${ctx.lang === 'zh' ? '在线率' : 'online'}${mark ? ` ${mark.glyph}` : ''}`;
  return {
    ...CALM_ANIMATION,
    series: [
      {
        id: 'onlineRate',
        type: 'gauge',
        startAngle: 220,
        endAngle: -40,
        min: 0,
        max: 100,
        radius: '98%',
        center: ['50%', '54%'],
        progress: { show: true, roundCap: true, width: px(ctx, 10), itemStyle: { color, shadowColor: color, shadowBlur: px(ctx, 8) } },
        axisLine: { roundCap: true, lineStyle: { width: px(ctx, 10), color: [[1, 'rgba(79, 178, 255, 0.12)']] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        anchor: { show: false },
        title: { show: true, offsetCenter: [0, '52%'], ...text(ctx, FONT_SIZE.caption, COLOR.textDim) },
        detail: {
          valueAnimation: false,
          offsetCenter: [0, '-4%'],
          formatter: () => label,
          ...text(ctx, FONT_SIZE.figure, color, 700),
        },
        data: [{ value: rate === null ? 0 : rate * 100, name }],
      },
    ],
  };
}

/** design px of the rate and the counts (five rows of 36) */
export const CAMERA_TOP = 186;
/** the list's heading and one row of a point (its name, its status and since when) */
const FAULT_LIST_MIN = 36 + 76;

/** whether a body of `designHeight` design px has room for the list of points beneath the counts */
export function faultListFits(designHeight: number): boolean {
  return designHeight >= CAMERA_TOP + 8 + FAULT_LIST_MIN;
}
