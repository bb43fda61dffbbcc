/**
 * Ranking of child regions (排名). Composite score 0–100:
 *
 *   score = 100 × (40·C + 40·T + 20·O) ÷ (sum of the weights of the parts that exist)
 *     C = min(1, closed ÷ registered)            closure, capped: old cases closing do not earn extra
 *     T = closedOnTime ÷ closed                   on-time closure
 *     O = 1 − overdueOpen ÷ open                  share of open cases within their limits
 *
 * A part whose denominator is 0 is left out and the other weights are rescaled; a region with no
 * part at all (nothing registered, closed or open) scores 100: nothing was asked of it and nothing
 * is late. Rounded to one decimal. Ties: higher score, then more cases closed, then more
 * registered, then the code in ascending order — so the order never depends on input order.
 */
import type { RankingRow } from '@shared/schemas/stats';
import { rate } from './figures';
import type { Tally } from './scanLog';

export const SCORE_WEIGHTS = { closure: 40, onTime: 40, withinLimit: 20 } as const;

export function compositeScore(t: Pick<Tally, 'registered' | 'closed' | 'closedOnTime' | 'open' | 'overdueOpen'>): number {
  const closure = rate(t.closed, t.registered);
  const onTime = rate(t.closedOnTime, t.closed);
  const overdueShare = rate(t.overdueOpen, t.open);
  const parts: [number, number | null][] = [
    [SCORE_WEIGHTS.closure, closure === null ? null : Math.min(1, closure)],
    [SCORE_WEIGHTS.onTime, onTime],
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

export function rankChildren(children: readonly { code: string; name: string }[], tallies: ReadonlyMap<string, Tally>): RankingRow[] {
  const rows = children.map(({ code, name }) => {
    const t = tallies.get(code);
    const registered = t?.registered ?? 0;
    const closed = t?.closed ?? 0;
    const closedOnTime = t?.closedOnTime ?? 0;
    const open = t?.open ?? 0;
    const overdueOpen = t?.overdueOpen ?? 0;
    return {
      code,
      name,
      registered,
      closed,
      closureRate: rate(closed, registered),
      onTimeRate: rate(closedOnTime, closed),
      overdueOpen,
      score: compositeScore({ registered, closed, closedOnTime, open, overdueOpen }),
      rank: 0,
    };
  });
  rows.sort(
    (a, b) =>
      b.score - a.score || b.closed - a.closed || b.registered - a.registered || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  rows.forEach((row, i) => (row.rank = i + 1));
  return rows;
}
