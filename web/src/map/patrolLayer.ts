/**
 * Patrols as points by duty status, from the store's column arrays (positions by idx). Patrols
 * off duty are left out: positions serve dispatch (DOMAIN.md), not the watching of people.
 */
import type { Patrol, PatrolStatus } from '@shared/schemas/patrol';
import { PATROL_STATUSES } from '@shared/schemas/patrol';
import { PATROL_STYLES } from './palette';
import { SOURCE } from './sources';
import { isUsablePosition, point, pointCollection, type LayerSpec, type PointCollection } from './mapTypes';

export interface PatrolColumns {
  /** Patrol by idx; holes allowed */
  byIdx: ArrayLike<Patrol | undefined | null>;
  lng: ArrayLike<number>;
  lat: ArrayLike<number>;
  /** index into PATROL_STATUSES, by idx */
  status: ArrayLike<number>;
}

export interface PatrolProps {
  id: string;
  idx: number;
  status: PatrolStatus;
  kind: Patrol['kind'];
}

export function statusAt(cols: PatrolColumns, idx: number, fallback: PatrolStatus): PatrolStatus {
  const s = idx < cols.status.length ? cols.status[idx] : undefined;
  return (s !== undefined ? PATROL_STATUSES[s] : undefined) ?? fallback;
}

export function patrolFeatures(cols: PatrolColumns): PointCollection<PatrolProps> {
  const features = [];
  const n = cols.byIdx.length;
  for (let idx = 0; idx < n; idx++) {
    const p = cols.byIdx[idx];
    if (!p) continue;
    const status = statusAt(cols, idx, p.status);
    if (!PATROL_STYLES[status].shown) continue;
    // the column arrays carry the latest fix; the roster's own fix is the fallback
    let lng = idx < cols.lng.length ? cols.lng[idx]! : NaN;
    let lat = idx < cols.lat.length ? cols.lat[idx]! : NaN;
    if (!isUsablePosition(lng, lat)) {
      lng = p.lng ?? NaN;
      lat = p.lat ?? NaN;
    }
    if (!isUsablePosition(lng, lat)) continue;
    features.push(point<PatrolProps>(lng, lat, { id: p.id, idx, status, kind: p.kind }));
  }
  return pointCollection(features);
}

export function patrolColorExpression(): unknown {
  const pairs = (Object.keys(PATROL_STYLES) as PatrolStatus[]).flatMap((s) => [s, PATROL_STYLES[s].color]);
  return ['match', ['get', 'status'], ...pairs, '#8592a6'];
}

export function patrolLayers(scale: number): LayerSpec[] {
  const r = (v: number) => v * scale;
  return [
    {
      id: 'patrols',
      type: 'circle',
      source: SOURCE.patrols,
      paint: {
        // units (vehicles, teams) are larger than people on foot
        'circle-radius': [
          'interpolate',
          ['linear'],
          ['zoom'],
          7,
          ['case', ['==', ['get', 'kind'], 'unit'], r(2.6), r(1.8)],
          11,
          ['case', ['==', ['get', 'kind'], 'unit'], r(5), r(3.6)],
          15,
          ['case', ['==', ['get', 'kind'], 'unit'], r(8), r(6)],
        ] as never,
        'circle-color': patrolColorExpression() as never,
        'circle-stroke-color': 'rgba(2,8,18,0.9)',
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 7, 0.5 * scale, 12, 1.5 * scale] as never,
        'circle-opacity': ['case', ['==', ['get', 'status'], 'offline'], 0.6, 0.95] as never,
      },
    },
  ];
}
