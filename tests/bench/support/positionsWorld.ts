/**
 * The world of the positions benchmark, the same in every process that needs it: the generated
 * city (Ningbo's 10 districts, ~1,300 grids) and a roster of N patrols, patrol i in grid
 * i mod grids (idx = i). The loader reads the grid centres to send fixes inside the area; the real
 * hub loads the roster; the walls pick their regions from it.
 */
import type { Patrol } from '@shared/schemas/patrol';
import type { RegionWithGeometry } from '@shared/schemas/region';
import { generateCity } from '../../../server/geo/generateCity';

export const BENCH_CITY_SEED = 'bench';

let city: RegionWithGeometry[] | undefined;

export function benchCity(): RegionWithGeometry[] {
  city ??= generateCity({ seed: BENCH_CITY_SEED, scale: 'city' });
  return city;
}

export function benchGrids(): RegionWithGeometry[] {
  return benchCity().filter((r) => r.level === 'grid');
}

/** flat [lng, lat, …] of each patrol's home: the centre of its grid */
export function patrolHomes(patrols: number): Float64Array {
  const grids = benchGrids();
  const out = new Float64Array(patrols * 2);
  for (let i = 0; i < patrols; i++) {
    const g = grids[i % grids.length]!;
    out[2 * i] = g.center[0];
    out[2 * i + 1] = g.center[1];
  }
  return out;
}

export function benchRoster(patrols: number, at: number): Patrol[] {
  const grids = benchGrids();
  return Array.from({ length: patrols }, (_, i) => ({
    id: `B-${i}`,
    idx: i,
    name: `巡查${i}`,
    kind: 'worker' as const,
    role: 'grid_manager' as const,
    gridCode: grids[i % grids.length]!.code,
    status: 'on_duty' as const,
    statusSince: at,
    lng: null,
    lat: null,
    fixAt: null,
  }));
}

/** the walls' regions: each district, then the first street of each district, up to `count` */
export function wallRegions(count: number): string[] {
  const all = benchCity();
  const root = all.find((r) => r.parentCode === null)!;
  const districts = all.filter((r) => r.parentCode === root.code);
  const streets = districts.map((d) => all.find((r) => r.parentCode === d.code)!).filter(Boolean);
  const list = [...districts, ...streets].map((r) => r.code);
  return Array.from({ length: count }, (_, i) => list[i % list.length]!);
}

export function rootRegion(): string {
  return benchCity().find((r) => r.parentCode === null)!.code;
}
