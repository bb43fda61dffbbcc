/**
 * Rows of a ranking exactly as the hub ranked them (Statistics.ranking for streets,
 * Statistics.departmentRanking for the departments that handle the cases: composite score, cases
 * due, closure and on-time rates over them), in rank order. Only formatting happens here: a rate
 * over fewer than MIN_RATE_BASE cases due shows "样本少" with its counts, never a percentage.
 * Never a ranking of individual workers (DOMAIN.md).
 */
import type { RankingRow, Statistics } from '@shared/schemas/stats';
import { fmtInt, shownRate, type Lang, type ShownRate } from '../../format';

export type RankingKind = 'street' | 'department';
export const RANKING_KINDS: readonly RankingKind[] = ['street', 'department'];

export interface RankingViewRow {
  code: string;
  rank: number;
  name: string;
  score: number;
  scoreText: string;
  due: number;
  dueText: string;
  closure: ShownRate;
  onTime: ShownRate;
  overdueOpen: number;
  registered: number;
}

export function rankingOf(stats: Statistics | null, kind: RankingKind): readonly RankingRow[] {
  if (!stats) return [];
  // an older hub sends no department ranking
  return (kind === 'street' ? stats.ranking : stats.departmentRanking) ?? [];
}

/**
 * A unit's name without the region the wall already shows: "海曙区城管执法局" reads "城管执法局" on
 * 海曙区's wall (the panel is narrow and the prefix says nothing there).
 */
export function shortName(name: string, regionName: string | null): string {
  return regionName && name.length > regionName.length && name.startsWith(regionName) ? name.slice(regionName.length) : name;
}

export function rankingRows(stats: Statistics | null, kind: RankingKind = 'street', lang: Lang = 'zh', regionName: string | null = null): RankingViewRow[] {
  return [...rankingOf(stats, kind)]
    .sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code))
    .map((r) => ({
      code: r.code,
      rank: r.rank,
      name: shortName(r.name, regionName),
      score: r.score,
      scoreText: r.score.toFixed(1),
      due: r.due,
      dueText: fmtInt(r.due),
      closure: shownRate(r.closureRate, r.dueClosed, r.due, lang),
      onTime: shownRate(r.onTimeRate, r.dueClosedOnTime, r.due, lang),
      overdueOpen: r.overdueOpen,
      registered: r.registered,
    }));
}
