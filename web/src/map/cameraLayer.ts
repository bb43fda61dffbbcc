/** Video points as camera glyphs by status; points raising an alarm turn red and pulse. */
import type { Camera, CameraStatus } from '@shared/schemas/camera';
import { CAMERA_STYLES } from './palette';
import { SOURCE } from './sources';
import { isUsablePosition, point, pointCollection, type LayerSpec, type PointCollection } from './mapTypes';

export interface CameraProps {
  id: string;
  status: CameraStatus;
  icon: string;
  alarm: 0 | 1;
}

export function cameraFeatures(cameras: Iterable<Camera>): PointCollection<CameraProps> {
  const features = [];
  for (const c of cameras) {
    if (!isUsablePosition(c.lng, c.lat)) continue;
    const alarm = c.alarm != null;
    const icon = alarm ? CAMERA_STYLES.alarm.icon : CAMERA_STYLES[c.status].icon;
    features.push(point<CameraProps>(c.lng, c.lat, { id: c.id, status: c.status, icon, alarm: alarm ? 1 : 0 }));
  }
  // alarms last, so they are drawn over their quiet neighbours
  features.sort((a, b) => a.properties.alarm - b.properties.alarm);
  return pointCollection(features);
}

export function cameraLayers(scale: number): LayerSpec[] {
  return [
    {
      id: 'camera-alarm',
      type: 'circle',
      source: SOURCE.cameras,
      filter: ['==', ['get', 'alarm'], 1],
      paint: {
        'circle-radius': 10 * scale,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': CAMERA_STYLES.alarm.color,
        'circle-stroke-width': 2 * scale,
        'circle-stroke-opacity': 0.6,
      },
    },
    {
      id: 'camera-icons',
      type: 'symbol',
      source: SOURCE.cameras,
      layout: {
        'icon-image': ['get', 'icon'],
        'icon-size': [
          'interpolate',
          ['linear'],
          ['zoom'],
          7,
          ['case', ['==', ['get', 'alarm'], 1], 0.7 * scale, 0.45 * scale],
          11,
          ['case', ['==', ['get', 'alarm'], 1], 1.05 * scale, 0.85 * scale],
          15,
          ['case', ['==', ['get', 'alarm'], 1], 1.45 * scale, 1.25 * scale],
        ] as never,
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'symbol-sort-key': ['get', 'alarm'],
      },
      paint: {
        'icon-opacity': ['match', ['get', 'status'], 'online', 0.9, 0.75] as never,
      },
    },
  ];
}
