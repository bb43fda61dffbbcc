/**
 * Times in import files. A source system exports either ISO 8601 with an offset
 * (`2026-03-02T09:15:00+08:00`, `…Z`) — taken as given — or a local wall-clock time without one
 * (`2026-03-02 09:15:00`, `2026/3/2 9:15`), as most Chinese case systems and Excel do: that is read
 * in the centre's configured UTC offset (TZ_OFFSET_MINUTES or the calendar file's). Epoch
 * milliseconds (a JSON number, or 12–13 digits) are taken as they are. Nothing else is guessed:
 * a date without a time, or a day that does not exist, is refused.
 */

const WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const LOCAL = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

export type TimeResult = { ok: true; at: number } | { ok: false; message: string };

export function parseTime(value: unknown, utcOffsetMinutes: number): TimeResult {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= 8_640_000_000_000 ? { ok: true, at: value } : { ok: false, message: `${value} is not a time (epoch milliseconds or ISO 8601)` };
  }
  if (typeof value !== 'string') return { ok: false, message: 'not a time' };
  const text = value.trim();
  if (/^\d{12,13}$/.test(text)) return { ok: true, at: Number(text) };
  const withOffset = WITH_OFFSET.exec(text);
  if (withOffset) {
    const [, y, mo, d, h, mi, s, frac, zone] = withOffset;
    const offset = zoneMinutes(zone!);
    if (offset === null) return { ok: false, message: `"${text}" has an offset that does not exist` };
    return wallClock(text, y!, mo!, d!, h!, mi!, s, frac, offset);
  }
  const local = LOCAL.exec(text);
  if (local) {
    const [, y, mo, d, h, mi, s, frac] = local;
    return wallClock(text, y!, mo!, d!, h!, mi!, s, frac, utcOffsetMinutes);
  }
  return { ok: false, message: `"${text.slice(0, 40)}" is not a time: use ISO 8601 with an offset (2026-03-02T09:15:00+08:00) or local time (2026-03-02 09:15:00)` };
}

function zoneMinutes(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (Number(m[2]) > 14 || Number(m[3] ?? 0) > 59) return null;
  return m[1] === '-' ? -minutes : minutes;
}

function wallClock(text: string, y: string, mo: string, d: string, h: string, mi: string, s: string | undefined, frac: string | undefined, offsetMinutes: number): TimeResult {
  const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0)] as const;
  const [year, month, day, hour, minute, second] = parts;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const back = new Date(utc);
  // Date.UTC rolls 2026-02-30 over to March: refuse days and hours that do not exist instead
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, message: `"${text}" is not a real date and time` };
  }
  return { ok: true, at: utc - offsetMinutes * 60_000 };
}
