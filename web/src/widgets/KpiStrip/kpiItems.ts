/**
 * Today's headline figures, straight from the hub's Statistics (no recomputation): what each KPI
 * cell shows, its kind (count or rate), a secondary figure and a tone.
 */
import type { Statistics } from '@shared/schemas/stats';
import type { DictKey } from '../../i18n';

export type KpiTone = 'plain' | 'good' | 'warn' | 'bad';

export interface KpiItem {
  key: 'reported' | 'registered' | 'closed' | 'closureRate' | 'onTimeRate' | 'overdue';
  label: DictKey;
  kind: 'count' | 'rate';
  /** a count, or a rate 0…1; null when the hub has no basis for it */
  value: number | null;
  sub: { label: DictKey; n: number } | null;
  tone: KpiTone;
}

function rateTone(rate: number | null): KpiTone {
  if (rate === null) return 'plain';
  return rate >= 0.9 ? 'good' : rate >= 0.75 ? 'warn' : 'bad';
}

export function kpiItems(stats: Statistics | null): KpiItem[] {
  const s = stats;
  return [
    { key: 'reported', label: 'kpiReported', kind: 'count', value: s ? s.intake.total : null, sub: s ? { label: 'kpiOpen', n: s.open } : null, tone: 'plain' },
    { key: 'registered', label: 'kpiRegistered', kind: 'count', value: s ? s.registered : null, sub: s ? { label: 'kpiRejected', n: s.rejected } : null, tone: 'plain' },
    { key: 'closed', label: 'kpiClosed', kind: 'count', value: s ? s.closed : null, sub: s ? { label: 'kpiClosedOnTime', n: s.closedOnTime } : null, tone: 'plain' },
    { key: 'closureRate', label: 'kpiClosureRate', kind: 'rate', value: s ? s.closureRate : null, sub: null, tone: rateTone(s ? s.closureRate : null) },
    { key: 'onTimeRate', label: 'kpiOnTimeRate', kind: 'rate', value: s ? s.onTimeRate : null, sub: null, tone: rateTone(s ? s.onTimeRate : null) },
    {
      key: 'overdue',
      label: 'kpiOverdue',
      kind: 'count',
      value: s ? s.overdueOpen : null,
      sub: s ? { label: 'kpiSupervised', n: s.supervisedOpen } : null,
      tone: s && s.overdueOpen > 0 ? 'bad' : 'good',
    },
  ];
}
