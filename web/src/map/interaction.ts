/**
 * Pointer handling: what is under the pointer (a marker first, then the region that a click would
 * open), hover feature-state on regions, and clicks. Pointer moves are coalesced to one query per
 * animation frame. `detach()` removes every listener it added.
 */
import type { Map as MapLibreMap, MapMouseEvent, MapGeoJSONFeature } from 'maplibre-gl';
import type { RegionLevel } from '@shared/schemas/region';
import { SOURCE } from './sources';

export type HitTarget =
  | { kind: 'incident' | 'patrol' | 'camera'; id: string }
  | { kind: 'region'; code: string; level: RegionLevel; name: string };

export interface HitPoint {
  x: number;
  y: number;
}

/** Marker layers, topmost first: the first hit wins. */
export const MARKER_LAYERS = ['incident-icons', 'incident-icons-minor', 'camera-icons', 'patrols'] as const;
type MarkerLayer = (typeof MARKER_LAYERS)[number];
/** Region layers that answer hover and click (the drill-down). */
export const REGION_LAYERS = ['street-hover', 'land'] as const;

/**
 * Below this zoom only the full incident icons answer the pointer: the city view holds thousands
 * of small dots (minor incidents, patrols, cameras), and there a click means "open this district".
 */
export const SMALL_MARKERS_FROM_ZOOM = 10;

const KIND_OF_LAYER: Record<MarkerLayer, 'incident' | 'camera' | 'patrol'> = {
  'incident-icons': 'incident',
  'incident-icons-minor': 'incident',
  'camera-icons': 'camera',
  patrols: 'patrol',
};

/** The marker layers that answer the pointer at a zoom. */
export function pointerLayers(zoom: number): MarkerLayer[] {
  return zoom >= SMALL_MARKERS_FROM_ZOOM ? [...MARKER_LAYERS] : ['incident-icons'];
}

/** Which target a list of rendered features (in layer order, topmost first) stands for. */
export function pickTarget(features: readonly Pick<MapGeoJSONFeature, 'layer' | 'properties'>[], regionLevel: RegionLevel | null): HitTarget | null {
  for (const f of features) {
    const layerId = f.layer.id as MarkerLayer;
    const kind = KIND_OF_LAYER[layerId];
    const id = f.properties?.id;
    if (kind && typeof id === 'string') return { kind, id };
  }
  if (!regionLevel) return null;
  for (const f of features) {
    const p = f.properties ?? {};
    if (p.level === regionLevel && typeof p.code === 'string') {
      return { kind: 'region', code: p.code, level: p.level as RegionLevel, name: String(p.name ?? '') };
    }
  }
  return null;
}

export interface InteractionOptions {
  /** the level whose regions a click would open (district at city level …), null: none */
  drillLevel(): RegionLevel | null;
  /** how far the wall scale moves the zoom levels (zoomShift.ts) */
  zoomShift(): number;
  onHover(target: HitTarget | null, at: HitPoint): void;
  onClick(target: HitTarget | null, at: HitPoint): void;
}

export function attachInteraction(map: MapLibreMap, opts: InteractionOptions): () => void {
  let frame = 0;
  let lastPoint: HitPoint | null = null;
  let hovered: { source: string; code: string } | null = null;

  const visible = (id: string) => !!map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none';

  const queryAt = (p: HitPoint): HitTarget | null => {
    // markers within a few pixels (a finger is not a mouse), else the region right under the point
    const pad = 5;
    const markers = pointerLayers(map.getZoom() - opts.zoomShift()).filter(visible);
    const hits = markers.length
      ? map.queryRenderedFeatures(
          [
            [p.x - pad, p.y - pad],
            [p.x + pad, p.y + pad],
          ],
          { layers: markers },
        )
      : [];
    const marker = pickTarget(hits, null);
    if (marker) return marker;
    const regions = REGION_LAYERS.filter(visible);
    return regions.length ? pickTarget(map.queryRenderedFeatures([p.x, p.y], { layers: [...regions] }), opts.drillLevel()) : null;
  };

  const setRegionHover = (target: HitTarget | null) => {
    const next =
      target?.kind === 'region' ? { source: target.level === 'street' ? SOURCE.streets : SOURCE.districts, code: target.code } : null;
    if (hovered && (!next || next.code !== hovered.code)) {
      map.setFeatureState({ source: hovered.source, id: hovered.code }, { hover: false });
      hovered = null;
    }
    if (next && !hovered) {
      map.setFeatureState({ source: next.source, id: next.code }, { hover: true });
      hovered = next;
    }
  };

  const onMove = (e: MapMouseEvent) => {
    lastPoint = { x: e.point.x, y: e.point.y };
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (!lastPoint || !map.style) return;
      const target = queryAt(lastPoint);
      setRegionHover(target);
      map.getCanvas().style.cursor = target ? 'pointer' : '';
      opts.onHover(target, lastPoint);
    });
  };

  const onLeave = () => {
    lastPoint = null;
    if (map.style) setRegionHover(null);
    map.getCanvas().style.cursor = '';
    opts.onHover(null, { x: 0, y: 0 });
  };

  const onClick = (e: MapMouseEvent) => {
    if (!map.style) return;
    const at = { x: e.point.x, y: e.point.y };
    opts.onClick(queryAt(at), at);
  };

  map.on('mousemove', onMove);
  map.on('mouseout', onLeave);
  map.on('click', onClick);
  return () => {
    if (frame) cancelAnimationFrame(frame);
    map.off('mousemove', onMove);
    map.off('mouseout', onLeave);
    map.off('click', onClick);
  };
}
