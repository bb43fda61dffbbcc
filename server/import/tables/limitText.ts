/**
 * Time limits as a table writes them. Plain units are working time (the SLA calendar's hours, as
 * CJ/T 315-style tables count them): `4h`, `4 hours`, `20d`, `30min`, `4工作小时`, `20工作日`.
 * The natural clock (every minute counts) is said explicitly: `natural 12h`, `12h natural`,
 * `12小时`, `1天`, `30分钟`.
 */
import type { TimeLimit } from '../../domain/sla/limits';

const UNITS: Record<string, { unit: TimeLimit['unit']; clock?: TimeLimit['clock'] }> = {
  m: { unit: 'minutes' },
  min: { unit: 'minutes' },
  mins: { unit: 'minutes' },
  minute: { unit: 'minutes' },
  minutes: { unit: 'minutes' },
  h: { unit: 'hours' },
  hr: { unit: 'hours' },
  hour: { unit: 'hours' },
  hours: { unit: 'hours' },
  d: { unit: 'days' },
  day: { unit: 'days' },
  days: { unit: 'days' },
  工作小时: { unit: 'hours', clock: 'working' },
  工作日: { unit: 'days', clock: 'working' },
  小时: { unit: 'hours', clock: 'natural' },
  天: { unit: 'days', clock: 'natural' },
  分钟: { unit: 'minutes', clock: 'natural' },
};

export function parseLimit(text: string): TimeLimit | string {
  const m = /^(natural\s+|n)?(\d+(?:\.\d+)?)\s*([a-z]+|[\u4e00-\u9fff]+)(\s+natural)?$/i.exec(text.trim().replace(/^working\s+/i, ''));
  const unit = m ? UNITS[m[3]!.toLowerCase()] : undefined;
  if (!m || !unit) return `"${text.slice(0, 30)}" is not a time limit: write e.g. 4h (working hours), 20d (working days), 30min, or natural 12h`;
  const amount = Number(m[2]);
  if (!(amount > 0) || amount > 100_000) return `"${text}" is not a positive time limit`;
  const clock = unit.clock ?? (m[1] || m[4] ? 'natural' : 'working');
  return { clock, amount, unit: unit.unit };
}
