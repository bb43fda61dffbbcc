/**
 * (Shared: the hub computes deadlines with it, consoles count them down with it.)
 * Business calendar for SLA clocks counted in working time (CJ/T 315 style limits such as
 * "4 working hours"). Pure: every function takes the instant it works on; nothing reads a clock.
 *
 * Local dates are computed in one fixed UTC offset (China has no daylight saving time), so a day
 * is always 24 h long and "local midnight" is a plain arithmetic step. Holidays and make-up
 * working days (调休) are listed by local date because the State Council publishes them that way.
 */
import { z } from 'zod';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** refuse to look further than this for working time, so a calendar with no working days cannot loop */
const MAX_SCAN_DAYS = 3_660;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM, 00:00 to 24:00');
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const WorkingWindowSchema = z
  .object({ start: HHMM, end: HHMM })
  .refine((w) => toMinutes(w.start) < toMinutes(w.end), { message: 'start must be before end' });
export type WorkingWindow = z.infer<typeof WorkingWindowSchema>;

/** What a deployment configures. Weekdays are 0 Sunday … 6 Saturday, as in Date#getUTCDay. */
export const CalendarConfigSchema = z.object({
  /** minutes east of UTC; +480 is China Standard Time */
  utcOffsetMinutes: z.number().int().min(-720).max(840),
  weekly: z.array(z.array(WorkingWindowSchema)).length(7),
  holidays: z.array(LocalDate).default([]),
  /** weekend days worked to make up for a holiday bridge (调休); they use `makeUpWindows` */
  makeUpDays: z.array(LocalDate).default([]),
  makeUpWindows: z.array(WorkingWindowSchema).optional(),
  /**
   * length of one "working day" when a limit is given in working days; defaults to the sum of
   * Monday's windows (7.5 h for the default hours)
   */
  workingDayMinutes: z.number().int().min(1).max(1440).optional(),
});
export type CalendarConfig = z.input<typeof CalendarConfigSchema>;

const DEFAULT_DAY: WorkingWindow[] = [
  { start: '08:30', end: '12:00' },
  { start: '13:30', end: '17:30' },
];

/** Mon–Fri 08:30–12:00 and 13:30–17:30 at +08:00 (Asia/Shanghai), no holidays listed. */
export const DEFAULT_CALENDAR_CONFIG: CalendarConfig = {
  utcOffsetMinutes: 480,
  weekly: [[], DEFAULT_DAY, DEFAULT_DAY, DEFAULT_DAY, DEFAULT_DAY, DEFAULT_DAY, []],
  holidays: [],
  makeUpDays: [],
};

/** Minutes-of-day pairs, sorted and non-overlapping: [start0, end0, start1, end1, …]. */
type CompiledDay = readonly number[];

/** A calendar compiled for fast lookups; build it once with createBusinessCalendar. */
export interface BusinessCalendar {
  readonly offsetMs: number;
  readonly weekly: readonly CompiledDay[];
  readonly makeUp: CompiledDay;
  /** local day numbers (days since 1970-01-01 local) */
  readonly holidays: ReadonlySet<number>;
  readonly makeUpDays: ReadonlySet<number>;
  readonly workingDayMs: number;
}

export function createBusinessCalendar(config: CalendarConfig = DEFAULT_CALENDAR_CONFIG): BusinessCalendar {
  const parsed = CalendarConfigSchema.parse(config);
  const weekly = parsed.weekly.map(compileDay);
  const monday = weekly[1] ?? [];
  const makeUp = parsed.makeUpWindows ? compileDay(parsed.makeUpWindows) : monday;
  const dayLength = (day: CompiledDay) => {
    let sum = 0;
    for (let i = 0; i < day.length; i += 2) sum += day[i + 1]! - day[i]!;
    return sum;
  };
  const workingDayMinutes = parsed.workingDayMinutes ?? (dayLength(monday) || dayLength(makeUp) || 480);
  return {
    offsetMs: parsed.utcOffsetMinutes * MINUTE,
    weekly,
    makeUp,
    holidays: new Set(parsed.holidays.map(localDayNumber)),
    makeUpDays: new Set(parsed.makeUpDays.map(localDayNumber)),
    workingDayMs: workingDayMinutes * MINUTE,
  };
}

/** Adds `ms` of working time to `start`; the result may fall on a window's end (e.g. 12:00). */
export function addWorkingTime(start: number, ms: number, cal: BusinessCalendar): number {
  if (ms <= 0) return start;
  let remaining = ms;
  let day = dayOf(start, cal);
  for (let scanned = 0; scanned < MAX_SCAN_DAYS; scanned++, day++) {
    const windows = windowsOf(day, cal);
    const midnight = day * DAY - cal.offsetMs;
    for (let i = 0; i < windows.length; i += 2) {
      const end = midnight + windows[i + 1]! * MINUTE;
      if (end <= start) continue;
      const from = Math.max(start, midnight + windows[i]! * MINUTE);
      const available = end - from;
      if (remaining <= available) return from + remaining;
      remaining -= available;
    }
  }
  throw new Error(`The business calendar has no working time within ${MAX_SCAN_DAYS} days of ${new Date(start).toISOString()}.`);
}

/** Working time from a to b; negative when b is before a. */
export function workingTimeBetween(a: number, b: number, cal: BusinessCalendar): number {
  if (b < a) return -workingTimeBetween(b, a, cal);
  let total = 0;
  const lastDay = dayOf(b, cal);
  for (let day = dayOf(a, cal); day <= lastDay; day++) {
    const windows = windowsOf(day, cal);
    const midnight = day * DAY - cal.offsetMs;
    for (let i = 0; i < windows.length; i += 2) {
      const from = Math.max(a, midnight + windows[i]! * MINUTE);
      const to = Math.min(b, midnight + windows[i + 1]! * MINUTE);
      if (to > from) total += to - from;
    }
  }
  return total;
}

/** True inside a working window (start inclusive, end exclusive). */
export function isWorkingTime(at: number, cal: BusinessCalendar): boolean {
  const day = dayOf(at, cal);
  const minute = (at + cal.offsetMs - day * DAY) / MINUTE;
  const windows = windowsOf(day, cal);
  for (let i = 0; i < windows.length; i += 2) {
    if (minute >= windows[i]! && minute < windows[i + 1]!) return true;
  }
  return false;
}

/** True when the local date of `at` has any working window (a make-up day counts, a holiday not). */
export function isWorkingDay(at: number, cal: BusinessCalendar): boolean {
  return windowsOf(dayOf(at, cal), cal).length > 0;
}

function windowsOf(day: number, cal: BusinessCalendar): CompiledDay {
  if (cal.holidays.has(day)) return [];
  if (cal.makeUpDays.has(day)) return cal.makeUp;
  // 1970-01-01 was a Thursday (weekday 4).
  return cal.weekly[(((day + 4) % 7) + 7) % 7] ?? [];
}

function dayOf(at: number, cal: BusinessCalendar): number {
  return Math.floor((at + cal.offsetMs) / DAY);
}

function localDayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function compileDay(windows: readonly WorkingWindow[]): CompiledDay {
  const sorted = windows.map((w) => [toMinutes(w.start), toMinutes(w.end)] as const).sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [start, end] of sorted) {
    const lastEnd = out[out.length - 1];
    if (lastEnd !== undefined && start <= lastEnd) out[out.length - 1] = Math.max(lastEnd, end); // merge overlaps
    else out.push(start, end);
  }
  return out;
}

/** The configuration a compiled calendar came from, for clients that count deadlines down themselves. */
export function describeCalendar(cal: BusinessCalendar): z.output<typeof CalendarConfigSchema> {
  const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  const windows = (day: CompiledDay) => {
    const out: WorkingWindow[] = [];
    for (let i = 0; i < day.length; i += 2) out.push({ start: hhmm(day[i]!), end: hhmm(day[i + 1]!) });
    return out;
  };
  const date = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
  return {
    utcOffsetMinutes: cal.offsetMs / MINUTE,
    weekly: cal.weekly.map(windows),
    holidays: [...cal.holidays].sort((a, b) => a - b).map(date),
    makeUpDays: [...cal.makeUpDays].sort((a, b) => a - b).map(date),
    makeUpWindows: windows(cal.makeUp),
    workingDayMinutes: cal.workingDayMs / MINUTE,
  };
}
