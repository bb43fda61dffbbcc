import type { RegionWithGeometry } from '@shared/schemas/region';
import { createRng, type Rng } from '../lib/rng';
import { compareCodes, planGrids, type CommunityPlan, type StreetInput } from './allocation';
import { loadNingbo, type CitySource, type DistrictSource, type StreetSource } from './ningbo';
import { createProjection, ringFromCoords, ringsArea, ringsCentroid, type Projection, type Ring, type XY } from './planar';
import { buildRegion, ringsToCoords, toLngLat6, type RegionDraft } from './regionBuild';
import { placeSites, type Density } from './sites';
import { partitionShape } from './voronoi';

/**
 * The demo city: Ningbo's real districts, its real streets and committees with generated polygons,
 * and generated grids. Levels: city → district → street → community → grid.
 *
 * Each level splits its parent into seeded Voronoi cells (sites spread by k-means on a density,
 * see sites.ts; cells clipped to the parent, see voronoi.ts). Every part draws from its own rng
 * stream (fork by code), so the output depends only on the seed and the scale.
 *
 * Scales (a load profile on one city's footprint, not a claim about Ningbo's real grid count):
 *   district   海曙区 only, ~300 grids
 *   city       all 10 districts, ~1,300 grids (a district-sized deployment, per DOMAIN.md)
 *   province   all 10 districts, ~61,000 grids (Zhejiang's grid count, for load tests)
 */

export type CityScale = 'district' | 'city' | 'province';

export const SCALES: Record<CityScale, { districts: readonly string[] | 'all'; grids: number }> = {
  district: { districts: ['330203'], grids: 300 },
  city: { districts: 'all', grids: 1_300 },
  province: { districts: 'all', grids: 61_000 },
};

export interface GenerateCityOptions {
  seed: string;
  scale?: CityScale;
  /** the source geography; the committed Ningbo files by default */
  source?: CitySource;
}

const STREET_KIND_ORDER = { subdistrict: 0, town: 1, township: 2 } as const;

function gaussianBumps(bumps: { at: XY; amplitude: number; sigma: number }[]): Density {
  return {
    max: 1 + bumps.reduce((s, b) => s + b.amplitude, 0),
    at(x, y) {
      let v = 1;
      for (const b of bumps) {
        const d2 = (x - b.at[0]) ** 2 + (y - b.at[1]) ** 2;
        v += b.amplitude * Math.exp(-d2 / (2 * b.sigma * b.sigma));
      }
      return v;
    },
  };
}

/**
 * Where people live: a bump around each district seat, wider where the district has more 街道
 * (each urban street covering roughly 12 km²). Downtown streets thus come out small.
 */
function urbanDensity(district: DistrictSource, streets: readonly StreetSource[], projection: Projection, shape: Ring[]): Density {
  const urban = streets.filter((s) => s.kind === 'subdistrict').length;
  const seat: XY = district.seat ? projection.toXY(district.seat) : ringsCentroid(shape);
  const sigma = Math.max(2, Math.sqrt((urban * 12) / Math.PI) * 0.7);
  return gaussianBumps([{ at: seat, amplitude: 120, sigma }]);
}

/** splits a shape among items, handing the densest sites to the items listed first */
function splitAmong<T>(shape: Ring[], items: readonly T[], rng: Rng, density?: Density): { item: T; site: XY; rings: Ring[] }[] {
  const sites = placeSites(shape, items.length, rng, density ? { density } : {});
  const order = sites.map((_, i) => i);
  if (density) order.sort((a, b) => density.at(...(sites[b] as XY)) - density.at(...(sites[a] as XY)) || a - b);
  const orderedSites = order.map((i) => sites[i] as XY);
  const pieces = partitionShape(shape, orderedSites);
  return items.map((item, i) => {
    const rings = pieces[i] ?? [];
    if (rings.length === 0) throw new Error('generateCity: a Voronoi cell came out empty (generator bug)');
    return { item, site: orderedSites[i] as XY, rings };
  });
}

function draft(
  projection: Projection,
  fields: Omit<RegionDraft, 'polygons' | 'center' | 'generated'>,
  rings: Ring[],
  site: XY,
): RegionDraft {
  return { ...fields, generated: true, polygons: ringsToCoords(rings, projection), center: toLngLat6(projection, site) };
}

export function generateCity(options: GenerateCityOptions): RegionWithGeometry[] {
  const scale = SCALES[options.scale ?? 'city'] as (typeof SCALES)[CityScale] | undefined;
  if (!scale) throw new RangeError(`generateCity: unknown scale ${String(options.scale)}; use ${Object.keys(SCALES).join(', ')}`);
  const source = options.source ?? loadNingbo();
  const rng = createRng(`${options.seed}|${options.scale ?? 'city'}`);
  const districts = source.districts
    .filter((d) => scale.districts === 'all' || scale.districts.includes(d.code))
    .sort((a, b) => compareCodes(a.code, b.code));
  if (districts.length === 0) throw new Error('generateCity: no district in scope');

  const vertices = districts.flatMap((d) => d.polygons.flat(2));
  const lng0 = vertices.reduce((s, p) => s + p[0], 0) / vertices.length;
  const lat0 = vertices.reduce((s, p) => s + p[1], 0) / vertices.length;
  const projection = createProjection(lng0, lat0);

  const inScope = new Set(districts.map((d) => d.code));
  const streets = source.streets.filter((s) => inScope.has(s.districtCode)).sort((a, b) => compareCodes(a.code, b.code));
  const inputs: StreetInput[] = streets.map((s) => ({
    ...s,
    communities: source.communities.filter((c) => c.streetCode === s.code),
  }));
  const plans = new Map(planGrids(inputs, scale.grids).map((p) => [p.code, p]));

  const drafts: RegionDraft[] = [
    {
      code: source.code,
      name: source.name,
      level: 'city',
      parentCode: null,
      generated: false,
      polygons: districts.flatMap((d) => d.polygons),
    },
  ];
  const streetDrafts: RegionDraft[] = [];
  const communityDrafts: RegionDraft[] = [];
  const gridDrafts: RegionDraft[] = [];

  for (const district of districts) {
    drafts.push({ code: district.code, name: district.name, level: 'district', parentCode: source.code, generated: false, polygons: district.polygons });
    const districtStreets = streets
      .filter((s) => s.districtCode === district.code)
      .sort((a, b) => STREET_KIND_ORDER[a.kind] - STREET_KIND_ORDER[b.kind] || compareCodes(a.code, b.code));
    if (districtStreets.length === 0) continue;
    // outer rings only: the shipped districts have no holes
    const shape = district.polygons.map((p) => ringFromCoords(p[0] ?? [], projection)).filter((r) => r.length >= 3);
    const density = urbanDensity(district, districtStreets, projection, shape);

    for (const street of splitAmong(shape, districtStreets, rng.fork(`streets:${district.code}`), density)) {
      const s = street.item;
      streetDrafts.push(draft(projection, { code: s.code, name: s.name, level: 'street', parentCode: district.code }, street.rings, street.site));
      const plan = plans.get(s.code);
      if (!plan) continue;
      // committees: residents' committees (urban) take the densest sites around the street's centre
      const communities = plan.communities
        .slice()
        .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'residents' ? -1 : 1) || b.weight - a.weight || compareCodes(a.code, b.code));
      const sigma = Math.sqrt(ringsArea(street.rings)) * 0.3;
      const local = gaussianBumps([{ at: street.site, amplitude: 30, sigma }]);
      for (const community of splitAmong(street.rings, communities, rng.fork(`communities:${s.code}`), local)) {
        const c: CommunityPlan = community.item;
        communityDrafts.push(
          draft(projection, { code: c.code, name: c.name, level: 'community', parentCode: s.code }, community.rings, community.site),
        );
        const gridNumbers = Array.from({ length: c.grids }, (_, i) => i + 1);
        if (c.grids > 999) throw new Error(`community ${c.code} would need ${c.grids} grids; codes allow 999`);
        for (const grid of splitAmong(community.rings, gridNumbers, rng.fork(`grids:${c.code}`))) {
          gridDrafts.push(
            draft(
              projection,
              { code: `${c.code}${String(grid.item).padStart(3, '0')}`, name: `${c.name}第${grid.item}网格`, level: 'grid', parentCode: c.code },
              grid.rings,
              grid.site,
            ),
          );
        }
      }
    }
  }

  const byCode = (a: RegionDraft, b: RegionDraft): number => compareCodes(a.code, b.code);
  return [...drafts, ...streetDrafts.sort(byCode), ...communityDrafts.sort(byCode), ...gridDrafts.sort(byCode)].map(buildRegion);
}
