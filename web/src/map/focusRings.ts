/**
 * Focus mode on the map (issue 16): rings at 500 m, 1 km and 3 km around the case — geodesic
 * circles, so that "1 km" is a kilometre on the ground at any latitude — with their distance
 * written on them, the place itself, the responders at their live positions (from `focus:track`,
 * wherever they are, inside the region on screen or not) and the cameras that can see the place.
 * Two sources: `focus-rings` (the rings and their labels; what a test queries) and `focus-marks`.
 * Drawn above every other live layer.
 */
import { FOCUS_RINGS_M, type Focus, type FocusTrack } from '@shared/schemas/focus';
import { fmtDistance } from '../format';
import { FONT_BOLD } from './palette';
import { SOURCE } from './sources';
import { isUsablePosition, type LayerSpec } from './mapTypes';

/** the sphere the hub's own distances use (server/domain/nearby/geodesy.ts), so a responder "1.0 km" away sits on the 1 km ring */
export const EARTH_RADIUS_M = 6_371_000;
export const RING_VERTICES = 64;

const rad = (d: number) => (d * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** the point `distanceM` from (lng, lat) on the initial bearing `bearingDeg` (great circle on a sphere) */
export function destination(lng: number, lat: number, distanceM: number, bearingDeg: number): [number, number] {
  const d = distanceM / EARTH_RADIUS_M;
  const th = rad(bearingDeg);
  const p1 = rad(lat);
  const l1 = rad(lng);
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(th));
  const l2 = l1 + Math.atan2(Math.sin(th) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [deg(l2), deg(p2)];
}

/** a closed ring of `vertices` points (the first repeated last) at `radiusM` around the centre */
export function geodesicCircle(lng: number, lat: number, radiusM: number, vertices = RING_VERTICES): [number, number][] {
  const ring: [number, number][] = [];
  for (let i = 0; i < vertices; i++) ring.push(destination(lng, lat, radiusM, (360 * i) / vertices));
  ring.push(ring[0]!);
  return ring;
}

/** the box the largest ring fills: what the map fits on entering a focus */
export function ringBounds(lng: number, lat: number, radiusM: number = FOCUS_RINGS_M[FOCUS_RINGS_M.length - 1]!): [[number, number], [number, number]] {
  const ring = geodesicCircle(lng, lat, radiusM);
  const lngs = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  return [
    [Math.min(...lngs), Math.min(...lats)],
    [Math.max(...lngs), Math.max(...lats)],
  ];
}

type Geometry = { type: 'LineString'; coordinates: [number, number][] } | { type: 'Point'; coordinates: [number, number] };
export interface Feature<P> {
  type: 'Feature';
  geometry: Geometry;
  properties: P;
}
export interface Collection<P> {
  type: 'FeatureCollection';
  features: Feature<P>[];
}

export interface RingProps {
  kind: 'ring' | 'label';
  radius: number;
  label: string;
}

/** the three rings as lines and a label on each ring (north; the innermost north-east) */
export function ringFeatures(focus: Pick<Focus, 'lng' | 'lat'> | null): Collection<RingProps> {
  if (!focus || !isUsablePosition(focus.lng, focus.lat)) return { type: 'FeatureCollection', features: [] };
  const features: Feature<RingProps>[] = [];
  for (const radius of FOCUS_RINGS_M) {
    const label = radius < 1000 ? fmtDistance(radius) : `${radius / 1000} km`;
    features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: geodesicCircle(focus.lng, focus.lat, radius) }, properties: { kind: 'ring', radius, label } });
    // the innermost label to the north-east, the others north: at the zoom that fits 3 km, 500 m and
    // 1 km are a few dozen pixels apart (and the legend's key sits at the bottom left)
    const bearing = radius === FOCUS_RINGS_M[0] ? 45 : 0;
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: destination(focus.lng, focus.lat, radius, bearing) }, properties: { kind: 'label', radius, label } });
  }
  return { type: 'FeatureCollection', features };
}

export interface MarkProps {
  kind: 'place' | 'camera' | 'responder';
  id: string;
  /** cameras: 1 sees the place, 0.5 direction unknown; responders and the place: 1 */
  strength: number;
  /** responders: "name · 1.2 km" */
  label: string;
  /** label priority (lower first): the nearest responder's label wins a collision */
  order: number;
}

/** the place, the focus's cameras, and the responders where the latest track puts them */
export function markFeatures(focus: Focus | null, track: FocusTrack | null): Collection<MarkProps> {
  if (!focus || !isUsablePosition(focus.lng, focus.lat)) return { type: 'FeatureCollection', features: [] };
  const pt = (lng: number, lat: number, properties: MarkProps): Feature<MarkProps> => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lng, lat] }, properties });
  const features: Feature<MarkProps>[] = [];
  for (const c of focus.cameras) {
    if (c.sees === false || !isUsablePosition(c.lng, c.lat)) continue;
    features.push(pt(c.lng, c.lat, { kind: 'camera', id: c.cameraId, strength: c.sees ? 1 : 0.5, label: '', order: 0 }));
  }
  features.push(pt(focus.lng, focus.lat, { kind: 'place', id: focus.incidentId, strength: 1, label: '', order: 0 }));
  const names = new Map(focus.responders.map((r) => [r.patrolId, r.name]));
  if (track && track.focusId === focus.id) {
    for (const r of track.responders) {
      if (!names.has(r.patrolId) || !isUsablePosition(r.lng, r.lat)) continue;
      features.push(pt(r.lng!, r.lat!, { kind: 'responder', id: r.patrolId, strength: 1, label: `${names.get(r.patrolId)} · ${fmtDistance(r.distanceM)}`, order: r.distanceM ?? 1e9 }));
    }
  }
  return { type: 'FeatureCollection', features };
}

export const FOCUS_COLOR = { ring: '#ffd166', place: '#ff3b6b', responder: '#00d5ff', camera: '#7fffd4', halo: '#050d19' } as const;

/** layer ids: `focus-rings` is the rings' line layer (and source), for the end-to-end test */
export function focusRingLayers(scale: number): LayerSpec[] {
  const s = (v: number) => v * scale;
  const kind = (k: string) => ['==', ['get', 'kind'], k] as never;
  return [
    {
      id: 'focus-rings',
      type: 'line',
      source: SOURCE.focusRings,
      filter: kind('ring'),
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': FOCUS_COLOR.ring,
        'line-width': ['match', ['get', 'radius'], 500, s(3), 1000, s(2.5), s(2)] as never,
        'line-opacity': ['match', ['get', 'radius'], 500, 0.95, 1000, 0.8, 0.65] as never,
        'line-dasharray': [4, 2],
      },
    },
    {
      id: 'focus-cameras',
      type: 'circle',
      source: SOURCE.focusMarks,
      filter: kind('camera'),
      paint: {
        'circle-radius': ['case', ['==', ['get', 'strength'], 1], s(13), s(10)] as never,
        'circle-color': FOCUS_COLOR.camera,
        'circle-opacity': ['case', ['==', ['get', 'strength'], 1], 0.35, 0.12] as never,
        'circle-stroke-color': FOCUS_COLOR.camera,
        'circle-stroke-width': ['case', ['==', ['get', 'strength'], 1], s(3), s(1.5)] as never,
        'circle-stroke-opacity': ['case', ['==', ['get', 'strength'], 1], 1, 0.55] as never,
      },
    },
    {
      id: 'focus-place',
      type: 'circle',
      source: SOURCE.focusMarks,
      filter: kind('place'),
      paint: {
        'circle-radius': s(12),
        'circle-color': FOCUS_COLOR.place,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': s(3),
      },
    },
    {
      id: 'focus-responders',
      type: 'circle',
      source: SOURCE.focusMarks,
      filter: kind('responder'),
      paint: {
        'circle-radius': s(11),
        'circle-color': FOCUS_COLOR.responder,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': s(3),
      },
    },
    {
      id: 'focus-ring-labels',
      type: 'symbol',
      source: SOURCE.focusRings,
      filter: kind('label'),
      layout: {
        'text-field': ['get', 'label'] as never,
        'text-font': FONT_BOLD,
        'text-size': s(24),
        'text-allow-overlap': true,
        'text-ignore-placement': true,
        'text-anchor': ['case', ['==', ['get', 'radius'], FOCUS_RINGS_M[0]], 'bottom-left', 'bottom'] as never,
        'text-offset': [0, -0.1],
      },
      paint: { 'text-color': FOCUS_COLOR.ring, 'text-halo-color': FOCUS_COLOR.halo, 'text-halo-width': s(3) },
    },
    {
      id: 'focus-responder-labels',
      type: 'symbol',
      source: SOURCE.focusMarks,
      filter: kind('responder'),
      layout: {
        'text-field': ['get', 'label'] as never,
        'text-font': FONT_BOLD,
        'text-size': s(24),
        'text-anchor': 'left',
        'text-offset': [0.9, 0],
        // responders close together: one readable label rather than a blob (the panel lists them all)
        'text-allow-overlap': false,
        'symbol-sort-key': ['get', 'order'] as never,
      },
      paint: { 'text-color': '#e8f1ff', 'text-halo-color': FOCUS_COLOR.halo, 'text-halo-width': s(3) },
    },
  ];
}
