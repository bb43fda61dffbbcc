/** The centre's calendar from configuration: the default hours at an offset, a file, and clear refusals. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCalendar } from '../../server/calendarConfig';
import { isWorkingTime } from '../../server/domain/sla/calendar';

const dir = mkdtempSync(join(tmpdir(), 'calendar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
};
const DAY = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
];

describe('loadCalendar', () => {
  it('uses office hours at TZ_OFFSET_MINUTES when no file is given (not always +08:00)', () => {
    const c = loadCalendar({ tzOffsetMinutes: 420 });
    expect(c.utcOffsetMinutes).toBe(420);
    // Monday 2026-11-23 08:45 at +07:00 is 01:45Z: inside 08:30–12:00 there, not at +08:00
    expect(isWorkingTime(Date.UTC(2026, 10, 23, 1, 45), c.calendar)).toBe(true);
    expect(loadCalendar({}).utcOffsetMinutes).toBe(480);
  });

  it('reads a year’s table: hours, a holiday and a make-up Saturday', () => {
    const path = file('ok.json', { utcOffsetMinutes: 480, weekly: [[], DAY, DAY, DAY, DAY, DAY, []], holidays: ['2026-10-01'], makeUpDays: ['2026-10-10'] });
    const c = loadCalendar({ file: path });
    const at = (d: number, h: number) => Date.UTC(2026, 9, d, h - 8, 30);
    expect(isWorkingTime(at(1, 10), c.calendar)).toBe(false); // a Thursday, but a holiday
    expect(isWorkingTime(at(10, 10), c.calendar)).toBe(true); // a Saturday, but a make-up working day
    expect(isWorkingTime(at(12, 8), c.calendar)).toBe(false); // Monday 08:30: this centre opens at 09:00
    expect(c.source).toBe(path);
  });

  it('refuses a file that is not JSON, a field that is wrong, and an offset that disagrees', () => {
    expect(() => loadCalendar({ file: file('broken.json', '{ weekly: ') })).toThrow(/cannot be read as JSON/);
    expect(() => loadCalendar({ file: join(dir, 'missing.json') })).toThrow(/cannot be read/);
    expect(() => loadCalendar({ file: file('short.json', { utcOffsetMinutes: 480, weekly: [DAY] }) })).toThrow(/weekly/);
    expect(() => loadCalendar({ file: file('date.json', { utcOffsetMinutes: 480, weekly: [[], DAY, DAY, DAY, DAY, DAY, []], holidays: ['1 Oct'] }) })).toThrow(/holidays\.0: YYYY-MM-DD/);
    const ok = file('tz.json', { utcOffsetMinutes: 480, weekly: [[], DAY, DAY, DAY, DAY, DAY, []] });
    expect(() => loadCalendar({ file: ok, tzOffsetMinutes: 420 })).toThrow(/disagree/);
    expect(loadCalendar({ file: ok, tzOffsetMinutes: 480 }).utcOffsetMinutes).toBe(480);
  });
});
