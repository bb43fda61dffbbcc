/** The highlight ring around the place the alarm popup (or an operator) asked the wall to show. */
import { SOURCE } from './sources';
import { isUsablePosition, point, pointCollection, type LayerSpec, type PointCollection } from './mapTypes';

export interface WallFocus {
  incidentId: string | null;
  lng: number;
  lat: number;
  at: number;
}

/** How long the ring stays after the wall flew to a focus. */
export const FOCUS_RING_MS = 120_000;

export function focusFeatures(focus: WallFocus | null): PointCollection<{ id: string }> {
  if (!focus || !isUsablePosition(focus.lng, focus.lat)) return pointCollection([]);
  return pointCollection([point(focus.lng, focus.lat, { id: focus.incidentId ?? '' })]);
}

export function focusRingRadius(phase: number, scale: number): number {
  return (22 + 26 * phase) * scale;
}

export function focusLayers(scale: number): LayerSpec[] {
  return [
    {
      id: 'focus-ring',
      type: 'circle',
      source: SOURCE.focus,
      paint: {
        'circle-radius': focusRingRadius(0, scale),
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 3 * scale,
        'circle-stroke-opacity': 0.9,
        'circle-pitch-alignment': 'map',
      },
    },
    {
      id: 'focus-core',
      type: 'circle',
      source: SOURCE.focus,
      paint: {
        'circle-radius': 20 * scale,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#7fd4ff',
        'circle-stroke-width': 2 * scale,
        'circle-stroke-opacity': 1,
      },
    },
  ];
}
