/**
 * Today's headline figures, straight from the hub's Statistics (no recomputation): what each KPI
 * cell shows, its kind (count or rate), the counts beneath it, a tone and the definition a hover
 * shows. The two rates are over the cases due today (应结案), as centres publish them; below
 * MIN_RATE_BASE cases due a rate shows "样本少" and its counts, never a big percentage of 2 of 3.
 */
import { MIN_RATE_BASE, type Statistics } from '@shared/schemas/stats';
import { fmtInt } from '../../format';
import type { DictKey } from '../../i18n';

export type KpiTone = 'plain' | 'good' | 'warn' | 'bad';

/**
 * What a tone means, said by a shape and a word as well as by the colour: a leader who cannot
 * tell the green from the red (one man in twelve), or reads a photo of the wall in grey, still
 * reads 达标 / 关注 / 偏低.
 */
export interface KpiMark {
  glyph: string;
  word: DictKey;
}
const RATE_MARK: Record<Exclude<KpiTone, 'plain'>, KpiMark> = {
  good: { glyph: '✓', word: 'toneGood' },
  warn: { glyph: '!', word: 'toneWarn' },
  bad: { glyph: '▼', word: 'toneBad' },
};
/** a rate's mark: none where there is no percentage to judge (no basis, or too few cases) */
const rateMark = (tone: KpiTone, value: number | null): KpiMark | null => (tone === 'plain' || value === null ? null : RATE_MARK[tone]);

export type KpiKey = 'reported' | 'registered' | 'due' | 'closureRate' | 'onTimeRate' | 'overdue';

export interface KpiItem {
  key: KpiKey;
  label: DictKey;
  kind: 'count' | 'rate';
  /** a count, or a rate 0…1; null when the hub has no basis for it (or too few cases for a rate) */
  value: number | null;
  /** a rate whose denominator is above zero but under MIN_RATE_BASE: the cell says so */
  few: boolean;
  /** the line beneath the figure: a dictionary entry and its parameters */
  sub: { label: DictKey; params: Record<string, string> } | null;
  tone: KpiTone;
  /** the tone said by a shape and a word (TONE words), or null where the figure is not judged */
  mark: KpiMark | null;
  /** the definition (numerator, denominator, window) shown on hover */
  hint: DictKey;
}

function rateTone(rate: number | null): KpiTone {
  if (rate === null) return 'plain';
  return rate >= 0.9 ? 'good' : rate >= 0.75 ? 'warn' : 'bad';
}

/** a rate over the cases due: null (not a percentage) below the base */
function dueRate(rate: number | null, due: number): number | null {
  return due >= MIN_RATE_BASE ? rate : null;
}

const n = (v: number) => ({ n: fmtInt(v) });

/**
 * The order in which the KPIs leave a narrow strip: the rates and the overdue count stay (with the
 * cases due in their counts), the intake's detail goes first.
 */
export const KPI_PRIORITY: readonly KpiKey[] = ['reported', 'closureRate', 'onTimeRate', 'overdue', 'due', 'registered'];
/** design px a KPI needs at the type scale's sizes (a 64 px rate with its % and a 24 px label with its mark) */
export const KPI_MIN_WIDTH = 225;

/** the KPIs a strip of this design width shows, in their usual order: at least four */
export function kpisThatFit(items: KpiItem[], designWidth: number): KpiItem[] {
  const count = Math.max(4, Math.min(items.length, Math.floor(designWidth / KPI_MIN_WIDTH)));
  const kept = new Set(KPI_PRIORITY.slice(0, count));
  return items.filter((i) => kept.has(i.key));
}

export function kpiItems(stats: Statistics | null): KpiItem[] {
  const s = stats;
  const few = !!s && s.due > 0 && s.due < MIN_RATE_BASE;
  const closure = s ? dueRate(s.closureRate, s.due) : null;
  const onTime = s ? dueRate(s.onTimeRate, s.due) : null;
  return [
    { key: 'reported', label: 'kpiReported', kind: 'count', value: s ? s.intake.total : null, few: false, sub: s ? { label: 'kpiOpen', params: n(s.open) } : null, tone: 'plain', mark: null, hint: 'hintReported' },
    { key: 'registered', label: 'kpiRegistered', kind: 'count', value: s ? s.registered : null, few: false, sub: s ? { label: 'kpiRejected', params: n(s.rejected) } : null, tone: 'plain', mark: null, hint: 'hintRegistered' },
    { key: 'due', label: 'kpiDue', kind: 'count', value: s ? s.due : null, few: false, sub: s ? { label: 'kpiClosedFlow', params: n(s.closed) } : null, tone: 'plain', mark: null, hint: 'hintDue' },
    {
      key: 'closureRate',
      label: 'kpiClosureRate',
      kind: 'rate',
      value: closure,
      few,
      sub: s ? { label: 'kpiRateCounts', params: { a: fmtInt(s.dueClosed), b: fmtInt(s.due) } } : null,
      tone: rateTone(closure),
      mark: rateMark(rateTone(closure), closure),
      hint: 'hintClosureRate',
    },
    {
      key: 'onTimeRate',
      label: 'kpiOnTimeRate',
      kind: 'rate',
      value: onTime,
      few,
      sub: s ? { label: 'kpiRateCounts', params: { a: fmtInt(s.dueClosedOnTime), b: fmtInt(s.due) } } : null,
      tone: rateTone(onTime),
      mark: rateMark(rateTone(onTime), onTime),
      hint: 'hintOnTimeRate',
    },
    {
      key: 'overdue',
      label: 'kpiOverdue',
      kind: 'count',
      value: s ? s.overdueOpen : null,
      few: false,
      sub: s ? { label: 'kpiOverdueSub', params: { a: fmtInt(s.overdueInWindow) } } : null,
      tone: s && s.overdueOpen > 0 ? 'bad' : 'good',
      mark: !s ? null : s.overdueOpen > 0 ? { glyph: '▲', word: 'toneOverdue' } : { glyph: '✓', word: 'toneNone' },
      hint: 'hintOverdue',
    },
  ];
}
