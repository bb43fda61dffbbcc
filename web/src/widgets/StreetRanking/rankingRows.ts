/**
 * Rows of the street ranking exactly as the hub ranked them (Statistics.ranking: composite score,
 * closure rate, on-time rate, overdue open), in rank order. Only formatting happens here.
 */
import type { Statistics } from '@shared/schemas/stats';
import { fmtInt, fmtRate } from '../../format';

export interface RankingViewRow {
  code: string;
  rank: number;
  name: string;
  score: number;
  scoreText: string;
  /** bar length 0…1 of the score scale (0–100) */
  bar: number;
  closureRate: string;
  onTimeRate: string;
  overdueOpen: number;
  overdueText: string;
  registered: number;
  closed: number;
}

export function rankingRows(stats: Statistics | null): RankingViewRow[] {
  if (!stats) return [];
  return [...stats.ranking]
    .sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code))
    .map((r) => ({
      code: r.code,
      rank: r.rank,
      name: r.name,
      score: r.score,
      scoreText: r.score.toFixed(1),
      bar: Math.min(1, Math.max(0, r.score / 100)),
      closureRate: fmtRate(r.closureRate),
      onTimeRate: fmtRate(r.onTimeRate),
      overdueOpen: r.overdueOpen,
      overdueText: fmtInt(r.overdueOpen),
      registered: r.registered,
      closed: r.closed,
    }));
}
