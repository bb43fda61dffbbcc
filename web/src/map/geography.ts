/**
 * Loads the basemap geography from the hub once (city, districts, streets), retrying with a
 * capped back-off while the hub is not there yet, then the label font, then the labels. Grids
 * come apart (loadGrids), only for the part of the city on screen: a province's 61,000 grid
 * polygons are 25 MB, a district's a tenth of that.
 */
import { fetchRegions, labelFeatures, labelText, type RegionCollection } from './regionData';
import { loadLabelFont } from './fonts';
import { SOURCE, type SourceId } from './sources';

export interface GeographySink {
  setSourceData(id: SourceId, json: object): void;
  onProblem(failed: boolean): void;
  /** bounds of the whole geography, for the first view */
  onBounds(bounds: [[number, number], [number, number]]): void;
}

/** [minLng, minLat, maxLng, maxLat] over every coordinate of a collection, or null if empty. */
export function collectionBounds(fc: RegionCollection): [[number, number], [number, number]] | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      if (c[0] < minX) minX = c[0];
      if (c[0] > maxX) maxX = c[0];
      if (c[1] < minY) minY = c[1];
      if (c[1] > maxY) maxY = c[1];
      return;
    }
    for (const x of c) visit(x);
  };
  for (const f of fc.features) visit(f.geometry.coordinates);
  return Number.isFinite(minX) ? [[minX, minY], [maxX, maxY]] : null;
}

/** waits `ms`, or less when the signal aborts (never rejects): a retry's back-off */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

export async function loadGeography(sink: GeographySink, signal: AbortSignal): Promise<void> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const [city, districts, streets] = await Promise.all([
        fetchRegions('city', signal),
        fetchRegions('district', signal),
        fetchRegions('street', signal),
      ]);
      if (signal.aborted) return;
      sink.onProblem(false);
      const outline = city.features.length ? city : districts;
      const bounds = collectionBounds(outline);
      if (bounds) sink.onBounds(bounds);
      sink.setSourceData(SOURCE.city, city);
      sink.setSourceData(SOURCE.districts, districts);
      sink.setSourceData(SOURCE.streets, streets);
      // labels only once their characters are in the font: a glyph drawn early stays a box
      await loadLabelFont(labelText([districts, streets]));
      if (signal.aborted) return;
      sink.setSourceData(SOURCE.labels, labelFeatures([districts, streets]));
      return;
    } catch (e) {
      if (signal.aborted) return;
      sink.onProblem(true);
      console.warn('[map] geography:', (e as Error).message);
      await sleep(Math.min(30_000, 1000 * 2 ** attempt), signal);
    }
  }
}

/**
 * The grid polygons of one region (the risk map is drawn on them), retried like the rest. The
 * caller aborts the signal when the wall moves to another region before they arrive.
 */
export async function loadGrids(within: string, sink: Pick<GeographySink, 'setSourceData'>, signal: AbortSignal): Promise<void> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const grids = await fetchRegions('grid', signal, within);
      if (!signal.aborted) sink.setSourceData(SOURCE.grids, grids);
      return;
    } catch (e) {
      if (signal.aborted) return;
      console.warn('[map] grids:', (e as Error).message);
      await sleep(Math.min(30_000, 1000 * 2 ** attempt), signal);
    }
  }
}

/**
 * Which region's grids the map needs: none where the hub summarises the risk map per area, else
 * the district the wall looks at (a street or community shows its district's grids around it, so
 * that a drill within the district fetches nothing), or the region itself above district level.
 */
export function gridScope(region: { code: string; level: string } | null, path: readonly { code: string; level: string }[], gridsDetail: 'items' | 'summary' | undefined): string | null {
  if (!region || gridsDetail !== 'items') return null;
  if (region.level === 'city' || region.level === 'district') return region.code;
  return path.find((r) => r.level === 'district')?.code ?? region.code;
}
