/**
 * Formatting of figures, durations and times for the wall. Figures come from the hub's Statistics
 * and are only formatted here, never recomputed. Times are shown on the centre's clock (its UTC
 * offset), not the kiosk's own time zone, which is often left at UTC.
 */
import { MIN_RATE_BASE } from '@shared/schemas/stats';

export type Lang = 'zh' | 'en';

const DAY = 86_400_000;
const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function fmtInt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return intFormat.format(Math.round(n));
}

/** a Statistics rate (0…1, null when there is no denominator) as a percentage */
export function fmtRate(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(rate * 100).toFixed(digits)}%`;
}

/** what a rate below its base says instead of a percentage (MIN_RATE_BASE cases) */
export const FEW_CASES: Record<Lang, string> = { zh: '样本少', en: 'few' };

/** a rate as the wall shows it: a percentage only over enough cases, always with its counts */
export interface ShownRate {
  /** "93.7%"; "样本少"/"few" below MIN_RATE_BASE; "—" with no denominator */
  text: string;
  /** the rate a colour or a bar may use: null when it is not shown as a percentage */
  rate: number | null;
  /** the denominator is above zero but below MIN_RATE_BASE */
  few: boolean;
  /** "911/972": numerator / denominator */
  counts: string;
}

/**
 * The hub's rate over `den` cases, or the counts and "too few cases" when `den` is below
 * MIN_RATE_BASE (2 of 3 read as 67 % from across the room is noise, not a figure).
 */
export function shownRate(rate: number | null | undefined, num: number, den: number, lang: Lang): ShownRate {
  const counts = `${fmtInt(num)}/${fmtInt(den)}`;
  if (den <= 0 || rate === null || rate === undefined || !Number.isFinite(rate)) return { text: '—', rate: null, few: false, counts };
  if (den < MIN_RATE_BASE) return { text: FEW_CASES[lang], rate: null, few: true, counts };
  return { text: fmtRate(rate), rate, few: false, counts };
}

/** the number part of a percentage, for big figures with a small % sign beside them */
export function ratePercent(rate: number | null | undefined): number | null {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return null;
  return rate * 100;
}

/**
 * A duration as at most two units: "2分15秒", "3小时12分", "2天3小时" / "2m 15s", "3h 12m", "2d 3h".
 */
export function fmtDuration(ms: number, lang: Lang): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const zh = lang === 'zh';
  const u = zh ? { d: '天', h: '小时', m: '分', s: '秒' } : { d: 'd', h: 'h', m: 'm', s: 's' };
  const join = (a: string, b: string | null) => (b === null ? a : zh ? a + b : `${a} ${b}`);
  if (d > 0) return join(`${d}${u.d}`, h > 0 ? `${h}${u.h}` : null);
  if (h > 0) return join(`${h}${u.h}`, m > 0 ? `${m}${u.m}` : null);
  if (m > 0) return join(`${m}${u.m}`, sec > 0 ? `${sec}${u.s}` : null);
  return `${sec}${u.s}`;
}

/**
 * Working time as hours of the centre's calendar: "5.2工时" / "5.2 working h". Never days: a
 * working day is not 24 hours, and "1天" of working time would read as a calendar day.
 */
export function fmtWorkingHours(ms: number | null | undefined, lang: Lang): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const h = Math.max(0, ms) / 3_600_000;
  const text = h >= 100 ? h.toFixed(0) : h.toFixed(1);
  return lang === 'zh' ? `${text}工时` : `${text} working h`;
}

/** "3 seconds ago" style age; `now` and `at` on the same clock */
export function fmtAgo(now: number, at: number, lang: Lang): string {
  const text = fmtDuration(now - at, lang);
  return lang === 'zh' ? `${text}前` : `${text} ago`;
}

export interface CentreTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

/** wall-clock fields at the centre's UTC offset */
export function centreTime(ms: number, tzOffsetMinutes: number): CentreTime {
  const d = new Date(ms + tzOffsetMinutes * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

export function fmtClock(ms: number, tzOffsetMinutes: number, withSeconds = true): string {
  const t = centreTime(ms, tzOffsetMinutes);
  return withSeconds ? `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}` : `${pad2(t.hour)}:${pad2(t.minute)}`;
}

const WEEKDAYS: Record<Lang, readonly string[]> = {
  zh: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

export function fmtDate(ms: number, tzOffsetMinutes: number, lang: Lang): string {
  const t = centreTime(ms, tzOffsetMinutes);
  const wd = WEEKDAYS[lang][t.weekday] ?? '';
  return lang === 'zh'
    ? `${t.year}年${t.month}月${t.day}日 ${wd}`
    : `${wd}, ${t.year}-${pad2(t.month)}-${pad2(t.day)}`;
}

/**
 * The centre's UTC offset, read back from a day window the hub cut at local midnight
 * (window.from = midnight − offset). Falls back to Asia/Shanghai (+480) without statistics.
 */
export function offsetFromDayStart(dayStartMs: number | null | undefined, fallback = 480): number {
  if (dayStartMs === null || dayStartMs === undefined) return fallback;
  const rest = (((-dayStartMs % DAY) + DAY) % DAY) / 60_000;
  return rest > 14 * 60 ? rest - 24 * 60 : rest;
}

/** a distance as the hub measured it: "850 m", "1.2 km", "14 km"; "—" without one */
export function fmtDistance(m: number | null | undefined): string {
  if (m === null || m === undefined || !Number.isFinite(m)) return '—';
  if (m < 1000) return `${Math.round(m / 10) * 10} m`;
  return m < 10_000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m / 1000)} km`;
}

/** an estimated time of arrival in whole minutes: "4 min" / "4分钟", "<1 min" / "不到1分钟", "已到达" / "there" at 0 */
export function fmtEta(seconds: number | null | undefined, lang: Lang): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds <= 0) return lang === 'zh' ? '已到达' : 'there';
  if (seconds < 60) return lang === 'zh' ? '不到1分钟' : '<1 min';
  const min = Math.round(seconds / 60);
  if (min < 120) return lang === 'zh' ? `${min}分钟` : `${min} min`;
  return fmtDuration(min * 60_000, lang);
}
