/** Region lookups: the administrative tree, point → grid, and geometry helpers. Pure: no I/O. */
export { RegionTree } from './regionTree';
export { GridIndex, type IndexedGrid, type NearestGrid } from './gridIndex';
export { pointInRing, pointInPolygon, pointInMultiPolygon } from './pointInPolygon';
export * from './geo';
