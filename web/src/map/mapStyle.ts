/**
 * The whole style, built in code: no `glyphs` (labels are drawn with the page's bundled CJK font),
 * no `sprite` (markers are drawn on a canvas at run time), no tiles. Sources start empty.
 */
import { basemapLayers, districtLabelLayers, streetLabelLayers } from './basemapLayers';
import { areaLayers } from './areaLayer';
import { cameraLayers } from './cameraLayer';
import { focusLayers } from './focusLayer';
import { focusRingLayers } from './focusRings';
import { heatLayers, type HeatWindow } from './heatLayer';
import { incidentLayers } from './incidentLayer';
import { patrolLayers } from './patrolLayer';
import { visibilityOf, type WallLayers } from './layerVisibility';
import { sourceSpecs } from './sources';
import { BASEMAP_SOURCE, basemapSourceSpec, withVectorBasemap, type BasemapTiles } from './vectorBasemap';
import type { LayerSpec, StyleSpec } from './mapTypes';
import { shiftLayerZooms, zoomShift } from './zoomShift';

export interface StyleOptions {
  /** size multiplier of every line, text and marker (1 on 1920×1080) */
  scale: number;
  layers: WallLayers;
  /** the hub's own vector basemap (BASEMAP_FILE), drawn under the live layers; absent: the demo basemap alone */
  basemap?: BasemapTiles | null;
}

/** Layers bottom to top, their zoom stops moved by the wall scale (zoomShift.ts). */
export function allLayers(scale: number, heat: HeatWindow, vectorBasemap = false): LayerSpec[] {
  return shiftLayerZooms(layersAt(scale, heat, vectorBasemap), zoomShift(scale));
}

function layersAt(scale: number, heat: HeatWindow, vectorBasemap: boolean): LayerSpec[] {
  const demo = basemapLayers(scale, heat !== 'off');
  return [
    ...(vectorBasemap ? withVectorBasemap(demo, scale) : demo),
    ...heatLayers(scale, heat),
    ...areaLayers(scale),
    ...cameraLayers(scale),
    ...patrolLayers(scale),
    ...incidentLayers(scale),
    ...streetLabelLayers(scale),
    ...districtLabelLayers(scale),
    ...focusLayers(scale),
    // focus mode on top of everything
    ...focusRingLayers(scale),
  ];
}

export function buildStyle(opts: StyleOptions): StyleSpec {
  const visibility = visibilityOf(opts.layers);
  const layers = allLayers(opts.scale, opts.layers.heat, !!opts.basemap).map((layer) => {
    const v = visibility[layer.id];
    if (!v || layer.type === 'background') return layer;
    return { ...layer, layout: { ...(layer as { layout?: object }).layout, visibility: v } } as LayerSpec;
  });
  return {
    version: 8,
    name: 'command-wall-dark',
    sources: opts.basemap ? { ...sourceSpecs(), [BASEMAP_SOURCE]: basemapSourceSpec(opts.basemap) } : sourceSpecs(),
    layers,
  };
}

type Props = Record<string, unknown>;

/** Layers whose zoom range differs between two builds (after the wall scale changed). */
export function zoomRangeChanges(before: readonly LayerSpec[], after: readonly LayerSpec[]): { layer: string; minzoom: number; maxzoom: number }[] {
  const old = new Map(before.map((l) => [l.id, l]));
  return after
    .filter((l) => {
      const p = old.get(l.id);
      return !p || p.minzoom !== l.minzoom || p.maxzoom !== l.maxzoom;
    })
    .map((l) => ({ layer: l.id, minzoom: l.minzoom ?? 0, maxzoom: l.maxzoom ?? 24 }));
}

/**
 * The layout and paint properties that differ between two builds of the same layers (e.g. after
 * the wall scale changed): applied with setLayoutProperty/setPaintProperty instead of a new style.
 * `visibility` is left alone; the toggles own it.
 */
export function propertyChanges(
  before: readonly LayerSpec[],
  after: readonly LayerSpec[],
): { layer: string; kind: 'layout' | 'paint'; name: string; value: unknown }[] {
  const out: { layer: string; kind: 'layout' | 'paint'; name: string; value: unknown }[] = [];
  const old = new Map(before.map((l) => [l.id, l as LayerSpec & { layout?: Props; paint?: Props }]));
  for (const l of after as (LayerSpec & { layout?: Props; paint?: Props })[]) {
    const prev = old.get(l.id);
    for (const kind of ['layout', 'paint'] as const) {
      const next = l[kind] ?? {};
      const was = prev?.[kind] ?? {};
      for (const name of Object.keys(next)) {
        if (name === 'visibility') continue;
        if (JSON.stringify(next[name]) !== JSON.stringify(was[name])) out.push({ layer: l.id, kind, name, value: next[name] });
      }
    }
  }
  return out;
}
