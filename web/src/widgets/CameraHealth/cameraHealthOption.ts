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

export function onlineRateColor(rate: number | null): string {
  if (rate === null) return COLOR.textMuted;
  return rate >= 0.95 ? COLOR.good : rate >= 0.85 ? COLOR.warn : COLOR.bad;
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

export function buildCameraGaugeOption(stats: Statistics | null, ctx: ChartContext): EChartsCoreOption {
  const rate = stats?.cameras.onlineRate ?? null;
  const color = onlineRateColor(rate);
  const label = fmtRate(rate);
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
        radius: '96%',
        center: ['50%', '56%'],
        progress: { show: true, roundCap: true, width: px(ctx, 10), itemStyle: { color, shadowColor: color, shadowBlur: px(ctx, 8) } },
        axisLine: { roundCap: true, lineStyle: { width: px(ctx, 10), color: [[1, 'rgba(79, 178, 255, 0.12)']] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        anchor: { show: false },
        title: { show: true, offsetCenter: [0, '42%'], ...text(ctx, FONT_SIZE.caption, COLOR.textDim) },
        detail: {
          valueAnimation: false,
          offsetCenter: [0, '-2%'],
          formatter: () => label,
          ...text(ctx, FONT_SIZE.h2, color, 700),
        },
        data: [{ value: rate === null ? 0 : rate * 100, name: ctx.lang === 'zh' ? '在线率' : 'online' }],
      },
    ],
  };
}
