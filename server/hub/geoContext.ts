/** What the hub needs to know about the region tree, whatever built it (generated city or a deployment's GeoJSON). */
import type { Region, RegionWithGeometry } from '@shared/schemas/region';

export interface GeoContext {
  readonly regions: readonly RegionWithGeometry[];
  readonly rootCode: string;
  get(code: string): Region | undefined;
  /** codes from the root down to `code`, inclusive */
  path(code: string): string[];
  children(code: string): Region[];
  /** every region below `code` (not itself) */
  descendants(code: string): Region[];
  isWithin(code: string, ancestorCode: string): boolean;
  /** the region's run [start, end) in the tree's depth-first numbering ([0, 0] when unknown) */
  span(code: string): [number, number];
  /** the grid containing the point, or null outside every grid */
  locate(lng: number, lat: number): string | null;
  /** as locate, with the point's distance to the grid's edges in metres (0 when placed by tolerance) */
  locateWithMargin?(lng: number, lat: number): { code: string; marginM: number } | null;
}
