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

/** `nameOf`: a row's name in another language where one is known (a street's English name) */
export function rankingRows(
  stats: Statistics | null,
  kind: RankingKind = 'street',
  lang: Lang = 'zh',
  regionName: string | null = null,
  nameOf: (code: string) => string | undefined = () => undefined,
): RankingViewRow[] {
  return [...rankingOf(stats, kind)]
    .sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code))
    .map((r) => ({
      code: r.code,
      rank: r.rank,
      name: nameOf(r.code) ?? shortName(r.name, regionName),
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

/** a row of the excerpt: a ranked row, or how many rows were left out at that point */
export type ExcerptRow<T> = { kind: 'row'; row: T; own: boolean } | { kind: 'gap'; skipped: number };

/**
 * What a wall can show of a long table in `fit` lines: the top and the bottom — the leaders and
 * the ones a leader asks about — with a line saying how many lie between, and the centre's own
 * row (`ownCode`) kept in place wherever it ranks. Paging through 32 pages instead left the wall
 * showing mid-table streets most of the time. A table that fits is shown whole.
 */
export function excerptRows<T extends { code: string }>(rows: readonly T[], fit: number, ownCode: string | null = null): ExcerptRow<T>[] {
  const mark = (row: T): ExcerptRow<T> => ({ kind: 'row', row, own: row.code === ownCode });
  if (rows.length <= fit) return rows.map(mark);
  const lines = Math.max(3, fit);
  const ownAt = ownCode === null ? -1 : rows.findIndex((r) => r.code === ownCode);
  // without the own row in the middle: top, one gap line, bottom
  let top = Math.ceil((lines - 1) / 2);
  let bottom = lines - 1 - top;
  // top, gap, own, gap, bottom needs five lines at least
  const middle = lines >= 5 && ownAt >= top && ownAt < rows.length - bottom;
  if (middle) {
    // top, gap, own, gap, bottom: two gap lines and the own row take three
    const rest = lines - 3;
    top = Math.ceil(rest / 2);
    bottom = rest - top;
  }
  const out: ExcerptRow<T>[] = rows.slice(0, top).map(mark);
  if (middle && ownAt >= top && ownAt < rows.length - bottom) {
    if (ownAt > top) out.push({ kind: 'gap', skipped: ownAt - top });
    out.push(mark(rows[ownAt]!));
    if (rows.length - bottom > ownAt + 1) out.push({ kind: 'gap', skipped: rows.length - bottom - ownAt - 1 });
  } else {
    out.push({ kind: 'gap', skipped: rows.length - top - bottom });
  }
  out.push(...rows.slice(rows.length - bottom).map(mark));
  return out;
}
