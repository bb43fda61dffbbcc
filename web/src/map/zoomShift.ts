/**
 * A 3840×2160 wall shows the same area as a 1920×1080 one at one zoom level more. Sizes are
 * already multiplied by the wall scale, so every zoom stop (label sizes, fades, the zoom at which
 * streets appear or dots become icons) moves by log2(scale) too; otherwise a 4K wall would draw
 * its labels twice too big and show street names in the city view.
 */
import type { LayerSpec } from './mapTypes';

export function zoomShift(scale: number): number {
  const s = Number.isFinite(scale) && scale > 0 ? scale : 1;
  return Math.round(Math.min(2, Math.max(-1, Math.log2(s))) * 100) / 100;
}

const isZoom = (v: unknown) => Array.isArray(v) && v.length === 1 && v[0] === 'zoom';

/** Moves the stops of every ['interpolate', …, ['zoom'], …] and ['step', ['zoom'], …] expression. */
export function shiftExpression(expr: unknown, shift: number): unknown {
  if (!Array.isArray(expr)) return expr;
  const out = expr.map((x) => shiftExpression(x, shift));
  if ((out[0] === 'interpolate' || out[0] === 'interpolate-hcl' || out[0] === 'interpolate-lab') && isZoom(out[2])) {
    for (let i = 3; i < out.length; i += 2) if (typeof out[i] === 'number') out[i] = (out[i] as number) + shift;
  } else if (out[0] === 'step' && isZoom(out[1])) {
    for (let i = 3; i < out.length; i += 2) if (typeof out[i] === 'number') out[i] = (out[i] as number) + shift;
  }
  return out;
}

type Shiftable = LayerSpec & { minzoom?: number; maxzoom?: number; layout?: Record<string, unknown>; paint?: Record<string, unknown> };

export function shiftLayerZooms(layers: readonly LayerSpec[], shift: number): LayerSpec[] {
  if (shift === 0) return [...layers];
  return (layers as Shiftable[]).map((layer) => {
    const next: Shiftable = { ...layer };
    if (layer.minzoom !== undefined) next.minzoom = Math.max(0, layer.minzoom + shift);
    if (layer.maxzoom !== undefined) next.maxzoom = Math.min(24, layer.maxzoom + shift);
    for (const kind of ['layout', 'paint'] as const) {
      const props = layer[kind];
      if (!props) continue;
      next[kind] = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, shiftExpression(v, shift)]));
    }
    return next as LayerSpec;
  });
}
