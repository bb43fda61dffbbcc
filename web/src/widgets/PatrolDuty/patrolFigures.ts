/**
 * Grid workers on duty, as the hub counts them (Statistics.patrols): coverage per area, never a
 * league table of individual workers (DOMAIN.md: positions serve dispatch, not ranking).
 */
import type { Statistics } from '@shared/schemas/stats';
import { fmtRate } from '../../format';
import type { DictKey } from '../../i18n';
import { PATROL_STATUS_COLOR } from '../../layouts/tokens';

export interface PatrolFigure {
  key: 'onShift' | 'onDuty' | 'responding' | 'total';
  label: DictKey;
  value: number | null;
  color: string;
}

export function patrolFigures(stats: Statistics | null): { rate: number | null; figures: PatrolFigure[] } {
  const p = stats?.patrols;
  return {
    rate: p ? p.onDutyRate : null,
    figures: [
      { key: 'onDuty', label: 'onDuty', value: p ? p.onDuty : null, color: PATROL_STATUS_COLOR.on_duty },
      { key: 'responding', label: 'responding', value: p ? p.responding : null, color: PATROL_STATUS_COLOR.responding },
      { key: 'onShift', label: 'onShift', value: p ? p.onShift : null, color: '#9ec1e8' },
      { key: 'total', label: 'patrolTotal', value: p ? p.total : null, color: '#6f89a8' },
    ],
  };
}

/** the on-duty rate as shown: a whole shift on duty is "100%", not "100.0%", so the figure keeps to the width of "99.9%" beside the counts */
export function patrolRateText(rate: number | null): string {
  return rate !== null && rate >= 0.9995 ? '100%' : fmtRate(rate);
}
