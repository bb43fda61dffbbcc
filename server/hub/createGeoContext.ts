/**
 * Builds the hub's GeoContext from a list of regions with geometry: the region tree for paths and
 * containment, the spatial index for point → grid. A point just off the coastline or a generated
 * edge (GPS error) is taken by the nearest grid within a small tolerance.
 */
import type { RegionWithGeometry } from '@shared/schemas/region';
import { GridIndex } from '../domain/regions/gridIndex';
import { withEnglishNames } from '../geo/englishNames';
import { RegionTree } from '../domain/regions/regionTree';
import type { GeoContext } from './geoContext';

/** how far outside every polygon a reported point may lie and still be placed in the nearest grid */
export const NEAREST_GRID_TOLERANCE_M = 150;

export function createGeoContext(source: readonly RegionWithGeometry[]): GeoContext {
  // every region the hub serves has an English name (the geography's own, else transliterated)
  const regions = withEnglishNames(source.map((r) => (r.nameEn ? r : { ...r })));
  const tree = new RegionTree(regions);
  const index = new GridIndex(regions.filter((r) => r.level === 'grid'));
  const pathCache = new Map<string, string[]>();
  return {
    regions,
    rootCode: tree.root.code,
    get: (code) => tree.get(code),
    path: (code) => {
      let path = pathCache.get(code);
      if (!path) {
        path = tree.path(code);
        pathCache.set(code, path);
      }
      return path;
    },
    children: (code) => tree.children(code),
    descendants: (code) => tree.descendants(code),
    isWithin: (code, ancestor) => tree.isWithin(code, ancestor),
    span: (code) => tree.span(code),
    // nearestGrid answers with the containing grid first, then the closest within the tolerance.
    locate: (lng, lat) => index.nearestGrid(lng, lat, NEAREST_GRID_TOLERANCE_M)?.code ?? null,
    locateWithMargin: (lng, lat) => {
      const inside = index.locateWithMargin(lng, lat);
      if (inside) return inside;
      const near = index.nearestGrid(lng, lat, NEAREST_GRID_TOLERANCE_M);
      return near ? { code: near.code, marginM: 0 } : null;
    },
  };
}
