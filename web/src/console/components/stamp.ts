/** Times on the centre's clock: "14:05" today, "11-24 14:05" on another day (no year: cases are recent). */
import { centreTime, fmtClock } from '../../format';

export function fmtStamp(ms: number, tzOffsetMinutes: number, now: number): string {
  const a = centreTime(ms, tzOffsetMinutes);
  const b = centreTime(now, tzOffsetMinutes);
  const time = fmtClock(ms, tzOffsetMinutes, false);
  if (a.year === b.year && a.month === b.month && a.day === b.day) return time;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(a.month)}-${pad(a.day)} ${time}`;
}
