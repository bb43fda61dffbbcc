/**
 * Deadlines count down in WORKING time on the centre's calendar (Mon–Fri 08:30–12:00, 13:30–17:30
 * at +08:00 by default): lunch, nights and weekends do not count, a paused clock shows 挂起, and
 * an overdue case says by how much, in red.
 */
import { describe, expect, it } from 'vitest';
import { createBusinessCalendar, DEFAULT_CALENDAR_CONFIG } from '@shared/calendar';
import { deadlineState, fmtWorking, isOverdueNow } from '../../web/src/console/countdown';
import { incident } from './helpers/fixtures';

const cal = createBusinessCalendar(DEFAULT_CALENDAR_CONFIG);
/** Wednesday 25 November 2026 at hh:mm in Ningbo (UTC+8) */
const wed = (hh: number, mm = 0) => Date.UTC(2026, 10, 25, hh - 8, mm);
const HOUR = 3_600_000;

describe('the countdown in working hours', () => {
  it('skips the lunch break', () => {
    const inc = incident('E1', { deadline: { stage: 'registered', dueAt: wed(15) } });
    // 10:00–12:00 and 13:30–15:00 = 3.5 working hours, though 5 hours on the clock
    expect(deadlineState(inc, wed(10), cal)).toEqual({ kind: 'running', remainingMs: 3.5 * HOUR });
    // during lunch the countdown stands still
    expect(deadlineState(inc, wed(12, 15), cal)).toEqual(deadlineState(inc, wed(13, 15), cal));
  });

  it('skips nights and the weekend', () => {
    const friday = (hh: number, mm = 0) => Date.UTC(2026, 10, 27, hh - 8, mm);
    const monday = (hh: number) => Date.UTC(2026, 10, 30, hh - 8);
    const inc = incident('E1', { deadline: { stage: 'handling', dueAt: monday(10) } });
    // Friday 16:30–17:30, then Monday 08:30–10:00: 2.5 working hours
    expect(deadlineState(inc, friday(16, 30), cal)).toEqual({ kind: 'running', remainingMs: 2.5 * HOUR });
  });

  it('an overdue case says by how much working time, even when none has passed yet', () => {
    const late = incident('E1', { deadline: { stage: 'registered', dueAt: wed(9) } });
    expect(deadlineState(late, wed(10), cal)).toEqual({ kind: 'overdue', overdueMs: HOUR });
    // due at 17:30, now 19:00: past the instant, by zero working minutes — still overdue
    const evening = incident('E2', { deadline: { stage: 'registered', dueAt: wed(17, 30) } });
    expect(deadlineState(evening, wed(19), cal)).toEqual({ kind: 'overdue', overdueMs: 0 });
    // the hub's sweeper has marked it: overdue whatever the desk's clock says
    expect(isOverdueNow(incident('E3', { overdue: true, deadline: { stage: 'registered', dueAt: wed(11) } }), wed(10))).toBe(true);
  });

  it('a paused clock (挂起) does not count; a case without a deadline shows none', () => {
    const paused = incident('E1', { deadline: { stage: 'handling', dueAt: wed(9) }, sla: { pausedAt: wed(8), pausedMs: 0 } });
    expect(deadlineState(paused, wed(10), cal)).toEqual({ kind: 'paused', since: wed(8) });
    expect(isOverdueNow(paused, wed(10))).toBe(false);
    expect(deadlineState(incident('E2', { stage: 'closed', deadline: null }), wed(10), cal)).toEqual({ kind: 'none' });
  });

  it('formats working time in hours and minutes, never days', () => {
    expect(fmtWorking(3.5 * HOUR, 'zh')).toBe('3小时30分');
    expect(fmtWorking(150 * HOUR, 'zh')).toBe('150小时00分');
    expect(fmtWorking(12 * 60_000 + 5_000, 'zh')).toBe('12分05秒');
    expect(fmtWorking(3.5 * HOUR, 'en')).toBe('3h 30m');
    expect(fmtWorking(-5, 'en')).toBe('0m 00s');
  });
});
