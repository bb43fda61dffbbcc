/**
 * The AI's precision per video alarm type (confirmed ÷ decided over seven days, as the hub counted
 * it) as rows for the wall: label, percentage, the counts it is made of, and how many still wait
 * for a person. A percentage never appears without its counts; a type with nothing decided shows
 * "—" and its counts (0/0), never 0 %; one with fewer than MIN_RATE_BASE decided says "few" instead of
 * a percentage (2 of 6 read from across a room as "33 %" says nothing about the detector). The
 * busiest types come first (they turn the first page).
 */
import { MIN_RATE_BASE } from '@shared/schemas/stats';
import type { AiPrecision } from '@shared/schemas/videoAlarm';
import { FEW_CASES, fmtInt, fmtRate, type Lang } from '../../format';
import { alarmTypeLabel } from '../../i18n';
import { COLOR } from '../../layouts/tokens';

/** the published precision of such detectors is 70–92 %: below 70 % a type is noisier than usual */
export const PRECISION_GOOD = 0.85;
export const PRECISION_FAIR = 0.7;
/** below this many decided alarms a percentage is noise: the counts are shown, the rate is not (the wall's one base for every rate) */
export const MIN_DECIDED = MIN_RATE_BASE;
const FEW = FEW_CASES;
/** design px of a row: a 28 px percentage beside 24 px words */
export const AI_ROW = 40;

/** a judged precision said by a shape as well as its colour: ✓ good, ▼ noisier than usual; none between or unjudged */
export function precisionMark(precision: number | null): string | null {
  if (precision === null) return null;
  return precision >= PRECISION_GOOD ? '✓' : precision >= PRECISION_FAIR ? null : '▼';
}

export interface PrecisionRow {
  type: string;
  label: string;
  /** "74.8%"; "—" while nothing of this type was decided; "样本少"/"few" below MIN_DECIDED */
  percent: string;
  /** 0…1 for the bar; 0 when nothing was decided */
  share: number;
  /** "80/107": confirmed / decided */
  counts: string;
  confirmed: number;
  decided: number;
  pending: number;
  color: string;
  /** ✓ / ▼ beside the percentage (precisionMark); null where not judged */
  mark: string | null;
}

export interface PrecisionView {
  /** no figures from the hub (no stats layer yet, or an older hub) */
  missing: boolean;
  /** nothing of any type was decided in the window: the panel says so instead of showing rows */
  noneDecided: boolean;
  rows: PrecisionRow[];
  /** all types together, with its counts; null when nothing was decided */
  overall: { percent: string; counts: string; color: string; mark: string | null } | null;
  /** alarms waiting for a person now, every type */
  pending: number;
}

export function precisionColor(precision: number | null): string {
  if (precision === null) return COLOR.textMuted;
  return precision >= PRECISION_GOOD ? COLOR.good : precision >= PRECISION_FAIR ? COLOR.accent : COLOR.warn;
}

const counts = (confirmed: number, decided: number) => `${fmtInt(confirmed)}/${fmtInt(decided)}`;

export function buildPrecisionView(p: AiPrecision | null, lang: Lang): PrecisionView {
  if (!p) return { missing: true, noneDecided: true, rows: [], overall: null, pending: 0 };
  let confirmed = 0;
  let decided = 0;
  const rows = p.byType.map((t): PrecisionRow => {
    const d = t.confirmed + t.dismissed;
    confirmed += t.confirmed;
    decided += d;
    // the hub's precision when it gave one (null exactly when nothing was decided), unless too few
    const precision = d >= MIN_DECIDED ? t.precision ?? t.confirmed / d : null;
    return {
      type: t.alarmType,
      label: alarmTypeLabel(lang, t.alarmType),
      percent: d > 0 && d < MIN_DECIDED ? FEW[lang] : fmtRate(precision),
      share: precision ?? 0,
      counts: counts(t.confirmed, d),
      confirmed: t.confirmed,
      decided: d,
      pending: t.pending,
      color: precisionColor(precision),
      mark: precisionMark(precision),
    };
  });
  // most decided first; the hub's order (a fixed order of types) among equals: the sort is stable
  rows.sort((a, b) => b.decided - a.decided || b.pending - a.pending);
  const rate = decided >= MIN_DECIDED ? confirmed / decided : null;
  return {
    missing: false,
    noneDecided: decided === 0,
    rows,
    overall: decided === 0 ? null : { percent: rate === null ? FEW[lang] : fmtRate(rate), counts: counts(confirmed, decided), color: precisionColor(rate), mark: precisionMark(rate) },
    pending: p.pending,
  };
}
