/**
 * Incident heat: the store's flat array [lng, lat, severity, reportedAt, count, …] (the last seven
 * days; a large region's incidents come binned, one point standing for `count` of them) cut to
 * the chosen window and weighted by severity and count.
 */
import { HEAT_STRIDE } from '@shared/schemas/live';
import { HEAT_RAMP } from './palette';
import { SOURCE } from './sources';
import { isUsablePosition, point, pointCollection, type LayerSpec, type PointCollection } from './mapTypes';

export type HeatWindow = 'today' | 'week' | 'off';

export { HEAT_STRIDE };
/** weight of one incident by severity: a serious case glows more than a general one */
const SEVERITY_WEIGHT = [0, 0.35, 0.6, 0.85, 1] as const;
const DAY_MS = 86_400_000;
/** Asia/Shanghai: the centre's day starts at local midnight whatever the wall's clock says. */
export const CENTRE_TZ_OFFSET_MINUTES = 480;

/** Start of the day containing `now` in a fixed UTC offset. */
export function startOfDay(now: number, tzOffsetMinutes = CENTRE_TZ_OFFSET_MINUTES): number {
  const offset = tzOffsetMinutes * 60_000;
  return Math.floor((now + offset) / DAY_MS) * DAY_MS - offset;
}

/** First instant of the window: today since midnight, or the seven days up to now. */
export function heatWindowStart(window: HeatWindow, now: number, tzOffsetMinutes = CENTRE_TZ_OFFSET_MINUTES): number {
  if (window === 'today') return startOfDay(now, tzOffsetMinutes);
  return now - 7 * DAY_MS;
}

export interface HeatProps {
  w: number;
}

export function heatFeatures(
  flat: ArrayLike<number>,
  window: HeatWindow,
  now: number,
  tzOffsetMinutes = CENTRE_TZ_OFFSET_MINUTES,
): PointCollection<HeatProps> {
  const features = [];
  if (window !== 'off') {
    const from = heatWindowStart(window, now, tzOffsetMinutes);
    const n = flat.length - (flat.length % HEAT_STRIDE);
    for (let i = 0; i < n; i += HEAT_STRIDE) {
      const lng = flat[i]!;
      const lat = flat[i + 1]!;
      const severity = flat[i + 2]!;
      const at = flat[i + 3]!;
      const count = flat[i + 4]!;
      if (at < from || at > now + 60_000) continue;
      if (!isUsablePosition(lng, lat) || !(count >= 1)) continue;
      const weight = SEVERITY_WEIGHT[Math.min(4, Math.max(1, Math.round(severity)))]!;
      features.push(point<HeatProps>(lng, lat, { w: Math.round(weight * count * 100) / 100 }));
    }
  }
  return pointCollection(features);
}

export function heatLayers(scale: number, window: HeatWindow = 'today'): LayerSpec[] {
  // a week holds about seven times the points: lower intensity keeps it from saturating
  const intensity = window === 'week' ? 0.28 : 1;
  const ramp = HEAT_RAMP.flatMap(([stop, color]) => [stop, color]);
  return [
    {
      id: 'heat',
      type: 'heatmap',
      source: SOURCE.heat,
      maxzoom: 17,
      paint: {
        'heatmap-weight': ['get', 'w'] as never,
        'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 7, 0.6 * intensity, 11, 1.2 * intensity, 15, 2.2 * intensity] as never,
        'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 7, 8 * scale, 10, 18 * scale, 13, 34 * scale, 16, 60 * scale] as never,
        'heatmap-color': ['interpolate', ['linear'], ['heatmap-density'], ...ramp] as never,
        'heatmap-opacity': ['interpolate', ['linear'], ['zoom'], 7, 0.85, 14, 0.7, 17, 0.25] as never,
      },
    },
  ];
}
