/**
 * Ranking (排名) of streets and of handling departments. Composite score 0–100:
 *
 *   score = 100 × (40·C + 40·T + 20·O) ÷ (sum of the weights of the parts that exist)
 *     C = dueClosed ÷ due               结案率: closure of the cases due in the window
 *     T = dueClosedOnTime ÷ due         按期结案率: closed by their own due time
 *     O = 1 − overdueOpen ÷ open        share of open cases within their limits
 *
 * A part whose denominator is 0 is left out and the other weights are rescaled; a unit with no
 * part at all (nothing due and nothing open) scores 100: nothing was asked of it and nothing is
 * late. Rounded to one decimal. Ties: higher score, then more cases closed among those due, then
 * more due, then the code ascending — so the order never depends on input order.
 */
import type { RankingRow } from '@shared/schemas/stats';
import type { Tally } from './caseReplay';
import { rate } from './figures';

export const SCORE_WEIGHTS = { closure: 40, onTime: 40, withinLimit: 20 } as const;

export function compositeScore(t: Pick<Tally, 'due' | 'dueClosed' | 'dueClosedOnTime' | 'open' | 'overdueOpen'>): number {
  const overdueShare = rate(t.overdueOpen, t.open);
  const parts: [number, number | null][] = [
    [SCORE_WEIGHTS.closure, rate(t.dueClosed, t.due)],
    [SCORE_WEIGHTS.onTime, rate(t.dueClosedOnTime, t.due)],
    [SCORE_WEIGHTS.withinLimit, overdueShare === null ? null : 1 - overdueShare],
  ];
  let weighted = 0;
  let weights = 0;
  for (const [weight, value] of parts) {
    if (value === null) continue;
    weighted += weight * value;
    weights += weight;
  }
  const score = weights === 0 ? 100 : (100 * weighted) / weights;
  return Math.round(score * 10) / 10;
}

export function rankUnits(units: readonly { code: string; name: string; tally: Tally }[]): RankingRow[] {
  const rows = units.map(({ code, name, tally: t }) => ({
    code,
    name,
    registered: t.registered,
    due: t.due,
    dueClosed: t.dueClosed,
    dueClosedOnTime: t.dueClosedOnTime,
    closureRate: rate(t.dueClosed, t.due),
    onTimeRate: rate(t.dueClosedOnTime, t.due),
    overdueOpen: t.overdueOpen,
    score: compositeScore(t),
    rank: 0,
  }));
  rows.sort((a, b) => b.score - a.score || b.dueClosed - a.dueClosed || b.due - a.due || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  rows.forEach((row, i) => (row.rank = i + 1));
  return rows;
}
