/**
 * How many grids each street and community gets. Grids follow population, not area: a grid is
 * drawn so that one team can know everybody in it, which in town means 4,000–5,000 residents and in
 * the countryside fewer, spread over far more land.
 *
 * No population figures ship with the data, so they are estimated from what does: the kind of
 * each committee (residents' committee 社区 vs villagers' committee 村, from its division code)
 * and the kind of street it sits in (街道, 镇, 乡). The figures below are rough typical sizes for
 * the Yangtze delta; they only need to be plausible, not true.
 */

/** plain code-unit order: locale-independent, so the output is the same on every machine */
export const compareCodes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export type StreetKind = 'subdistrict' | 'town' | 'township';
export type CommunityKind = 'residents' | 'villagers';

const RESIDENTS: Record<CommunityKind, Record<StreetKind, number>> = {
  residents: { subdistrict: 8_000, town: 5_000, township: 3_000 },
  villagers: { subdistrict: 2_500, town: 1_800, township: 1_200 },
};
const RESIDENTS_PER_GRID: Record<CommunityKind, Record<StreetKind, number>> = {
  residents: { subdistrict: 4_500, town: 4_000, township: 3_500 },
  villagers: { subdistrict: 3_000, town: 2_500, township: 2_000 },
};

export interface CommunityInput {
  code: string;
  name: string;
  kind: CommunityKind;
}

export interface StreetInput {
  code: string;
  name: string;
  kind: StreetKind;
  communities: readonly CommunityInput[];
}

export interface CommunityPlan extends CommunityInput {
  grids: number;
  /** relative population, for placing residents' committees where the people are */
  weight: number;
}

export interface StreetPlan {
  code: string;
  grids: number;
  communities: CommunityPlan[];
}

/** grids a community would have in a real deployment (fractional) */
export function naturalGrids(kind: CommunityKind, streetKind: StreetKind): number {
  return RESIDENTS[kind][streetKind] / RESIDENTS_PER_GRID[kind][streetKind];
}

/**
 * Splits `total` into integers proportional to `weights` (largest remainder), each at least
 * `minimum`. If the minimums alone exceed the total, every share is the minimum.
 */
export function apportion(weights: readonly number[], total: number, minimum = 1): number[] {
  const shares = weights.map(() => minimum);
  const rest = total - minimum * weights.length;
  const sum = weights.reduce((s, w) => s + w, 0);
  if (rest <= 0 || sum <= 0) return shares;
  const exact = weights.map((w) => (w / sum) * rest);
  let given = 0;
  exact.forEach((e, i) => {
    const whole = Math.floor(e);
    shares[i] = (shares[i] as number) + whole;
    given += whole;
  });
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; k < rest - given; k++) {
    const i = (byRemainder[k % byRemainder.length] as { i: number }).i;
    shares[i] = (shares[i] as number) + 1;
  }
  return shares;
}

/**
 * Plans the grids of every street so that the whole comes to `totalGrids`.
 *
 * When the total is small (the 'city' scale has ~1,300 grids for ~3,000 real committees), a street
 * keeps only its most populous committees — about one per `gridsPerCommunity` grids, at least one
 * — and their generated polygons cover the whole street. With a large total every real committee
 * is kept. A street without any committee in the data gets generated ones ("<street>第N社区").
 */
export function planGrids(streets: readonly StreetInput[], totalGrids: number, gridsPerCommunity = 3): StreetPlan[] {
  const withCommunities = streets.map((street) => {
    const communities: CommunityInput[] =
      street.communities.length > 0
        ? street.communities.slice()
        : [{ code: `${street.code}901`, name: `${street.name}第1社区`, kind: 'residents' }];
    const weights = communities.map((c) => naturalGrids(c.kind, street.kind));
    return { street, communities, weights, natural: weights.reduce((s, w) => s + w, 0) };
  });
  const streetGrids = apportion(
    withCommunities.map((s) => s.natural),
    totalGrids,
  );
  return withCommunities.map(({ street, communities, weights }, s) => {
    const grids = streetGrids[s] as number;
    const keep = Math.min(communities.length, Math.max(1, Math.round(grids / gridsPerCommunity)));
    const kept = communities
      .map((c, i) => ({ c, w: weights[i] as number }))
      .sort((a, b) => b.w - a.w || compareCodes(a.c.code, b.c.code))
      .slice(0, keep)
      .sort((a, b) => compareCodes(a.c.code, b.c.code));
    const shares = apportion(
      kept.map((k) => k.w),
      grids,
    );
    return {
      code: street.code,
      grids,
      communities: kept.map((k, i) => ({ ...k.c, weight: k.w, grids: shares[i] as number })),
    };
  });
}
