import { describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  createBusinessCalendar,
  DEFAULT_CALENDAR_CONFIG,
  isWorkingDay,
  isWorkingTime,
  workingTimeBetween,
} from '../../server/domain/sla/calendar';

/** A local time at +08:00 (China Standard Time). 2026-11-23 is a Monday. */
const cst = (month: number, day: number, hh: number, mm = 0) => Date.UTC(2026, month - 1, day, hh - 8, mm);
const H = 3_600_000;
const MIN = 60_000;

const office = createBusinessCalendar();

describe('isWorkingTime (Mon–Fri 08:30–12:00, 13:30–17:30 at +08:00)', () => {
  it.each([
    ['Mon 08:29', cst(11, 23, 8, 29), false],
    ['Mon 08:30', cst(11, 23, 8, 30), true],
    ['Mon 11:59', cst(11, 23, 11, 59), true],
    ['Mon 12:00 (lunch starts)', cst(11, 23, 12, 0), false],
    ['Mon 13:29', cst(11, 23, 13, 29), false],
    ['Mon 13:30', cst(11, 23, 13, 30), true],
    ['Mon 17:30 (day ends)', cst(11, 23, 17, 30), false],
    ['Fri 17:00', cst(11, 27, 17, 0), true],
    ['Sat 10:00', cst(11, 28, 10, 0), false],
    ['Sun 10:00', cst(11, 29, 10, 0), false],
  ])('%s → %s', (_label, at, expected) => {
    expect(isWorkingTime(at, office)).toBe(expected);
  });

  it('uses the local date, not the UTC date (Mon 00:30 local is Sunday 16:30 UTC)', () => {
    expect(isWorkingDay(cst(11, 23, 0, 30), office)).toBe(true);
    expect(isWorkingDay(cst(11, 22, 23, 59), office)).toBe(false);
  });
});

describe('addWorkingTime', () => {
  it('adds inside one window', () => {
    expect(addWorkingTime(cst(11, 23, 9), 2 * H, office)).toBe(cst(11, 23, 11));
  });

  it('skips the lunch break', () => {
    // 09:00–12:00 is 3 h, the fourth hour runs 13:30–14:30
    expect(addWorkingTime(cst(11, 23, 9), 4 * H, office)).toBe(cst(11, 23, 14, 30));
  });

  it('may end exactly at the end of a window', () => {
    expect(addWorkingTime(cst(11, 23, 11), 1 * H, office)).toBe(cst(11, 23, 12));
  });

  it('starts at the next window when started outside working time', () => {
    expect(addWorkingTime(cst(11, 23, 7), 30 * MIN, office)).toBe(cst(11, 23, 9));
    expect(addWorkingTime(cst(11, 23, 12, 30), 30 * MIN, office)).toBe(cst(11, 23, 14));
    expect(addWorkingTime(cst(11, 23, 20), 30 * MIN, office)).toBe(cst(11, 24, 9));
  });

  it('skips the weekend', () => {
    // Fri 16:30–17:30 is 1 h; the other 3 h run Mon 08:30–11:30
    expect(addWorkingTime(cst(11, 27, 16, 30), 4 * H, office)).toBe(cst(11, 30, 11, 30));
    expect(addWorkingTime(cst(11, 28, 10), 1 * H, office)).toBe(cst(11, 30, 9, 30));
  });

  it('skips a holiday', () => {
    const cal = createBusinessCalendar({ ...DEFAULT_CALENDAR_CONFIG, holidays: ['2026-11-25'] });
    // Tue 17:00–17:30, Wed is a holiday, Thu 08:30–09:00
    expect(addWorkingTime(cst(11, 24, 17), 1 * H, cal)).toBe(cst(11, 26, 9));
  });

  it('works on a make-up Saturday (调休)', () => {
    const cal = createBusinessCalendar({ ...DEFAULT_CALENDAR_CONFIG, makeUpDays: ['2026-11-28'] });
    expect(isWorkingTime(cst(11, 28, 10), cal)).toBe(true);
    expect(addWorkingTime(cst(11, 27, 17), 1 * H, cal)).toBe(cst(11, 28, 9));
  });

  it('handles a holiday week bridged by make-up days', () => {
    // A synthetic Golden Week: Thu 1 Oct – Wed 7 Oct off, Sat 10 Oct worked instead.
    const cal = createBusinessCalendar({
      ...DEFAULT_CALENDAR_CONFIG,
      holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
      makeUpDays: ['2026-10-10'],
    });
    // Wed 30 Sep 17:00 + 1 h: 30 min that evening, then nothing until Thu 8 Oct 08:30
    expect(addWorkingTime(cst(9, 30, 17), 1 * H, cal)).toBe(cst(10, 8, 9));
    // Fri 9 Oct 17:00 + 1 h: 30 min, then Saturday 10 Oct is a working day
    expect(addWorkingTime(cst(10, 9, 17), 1 * H, cal)).toBe(cst(10, 10, 9));
  });

  it('counts 20 working days as 20 × 7.5 working hours (Mon 08:30 → Fri four weeks on, 17:30)', () => {
    expect(office.workingDayMs).toBe(7.5 * H);
    expect(addWorkingTime(cst(11, 23, 8, 30), 20 * 7.5 * H, office)).toBe(cst(12, 18, 17, 30));
  });

  it('jumps by windows: a thousand working days is 200 weeks', () => {
    // ends on the Friday of the 200th week at 17:30: 2 days and 15 hours before Monday 08:30 of week 201
    expect(addWorkingTime(cst(11, 23, 8, 30), 1000 * 7.5 * H, office)).toBe(cst(11, 23, 8, 30) + 200 * 7 * 24 * H - 63 * H);
  });

  it('returns the start for zero or negative durations', () => {
    expect(addWorkingTime(cst(11, 28, 10), 0, office)).toBe(cst(11, 28, 10));
    expect(addWorkingTime(cst(11, 28, 10), -5, office)).toBe(cst(11, 28, 10));
  });

  it('refuses a calendar without working time instead of looping forever', () => {
    const never = createBusinessCalendar({ utcOffsetMinutes: 480, weekly: [[], [], [], [], [], [], []] });
    expect(() => addWorkingTime(cst(11, 23, 9), H, never)).toThrow(/no working time/);
  });
});

describe('workingTimeBetween', () => {
  it('counts across lunch', () => {
    expect(workingTimeBetween(cst(11, 23, 11), cst(11, 23, 14), office)).toBe(1.5 * H);
  });

  it('counts across a weekend', () => {
    expect(workingTimeBetween(cst(11, 27, 16), cst(11, 30, 10), office)).toBe(3 * H);
  });

  it('counts nothing across a holiday', () => {
    const cal = createBusinessCalendar({ ...DEFAULT_CALENDAR_CONFIG, holidays: ['2026-11-25'] });
    expect(workingTimeBetween(cst(11, 25, 8), cst(11, 25, 20), cal)).toBe(0);
    expect(workingTimeBetween(cst(11, 24, 17), cst(11, 26, 9), cal)).toBe(1 * H);
  });

  it('is negative when the end is before the start', () => {
    expect(workingTimeBetween(cst(11, 23, 14), cst(11, 23, 11), office)).toBe(-1.5 * H);
  });

  it('is the inverse of addWorkingTime', () => {
    const starts = [cst(11, 23, 8, 30), cst(11, 23, 12, 15), cst(11, 27, 17, 10), cst(11, 28, 3)];
    const durations = [1, 30 * MIN, 4 * H, 7.5 * H, 3 * 7.5 * H + 17 * MIN];
    for (const start of starts) {
      for (const ms of durations) {
        expect(workingTimeBetween(start, addWorkingTime(start, ms, office), office)).toBe(ms);
      }
    }
  });
});

describe('calendar configuration', () => {
  it('supports another offset and other hours', () => {
    const utc = createBusinessCalendar({
      utcOffsetMinutes: 0,
      weekly: [[], [{ start: '09:00', end: '17:00' }], [], [], [], [], []],
    });
    expect(utc.workingDayMs).toBe(8 * H);
    // Monday 2026-11-23 16:00 UTC + 2 h: 1 h on Monday, next Monday 09:00 + 1 h
    expect(addWorkingTime(Date.UTC(2026, 10, 23, 16), 2 * H, utc)).toBe(Date.UTC(2026, 10, 30, 10));
  });

  it('merges overlapping windows', () => {
    const cal = createBusinessCalendar({
      utcOffsetMinutes: 480,
      weekly: [[], [{ start: '08:00', end: '12:00' }, { start: '11:00', end: '13:00' }], [], [], [], [], []],
    });
    expect(cal.workingDayMs).toBe(5 * H);
    expect(workingTimeBetween(cst(11, 23, 0), cst(11, 23, 23), cal)).toBe(5 * H);
  });

  it('refuses malformed windows', () => {
    expect(() => createBusinessCalendar({ ...DEFAULT_CALENDAR_CONFIG, weekly: [[], [{ start: '8:30', end: '12:00' }], [], [], [], [], []] })).toThrow();
    expect(() => createBusinessCalendar({ ...DEFAULT_CALENDAR_CONFIG, weekly: [[], [{ start: '13:00', end: '12:00' }], [], [], [], [], []] })).toThrow();
    expect(() => createBusinessCalendar({ ...DEFAULT_CALENDAR_CONFIG, holidays: ['25/11/2026'] })).toThrow();
  });
});
