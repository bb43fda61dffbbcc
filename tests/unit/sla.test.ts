import { describe, expect, it } from 'vitest';
import type { Incident } from '@shared/schemas/incident';
import { SHIPPED_CATEGORY_TABLE } from '../../server/domain/catalog';
import { createBusinessCalendar, DEFAULT_CALENDAR_CONFIG } from '../../server/domain/sla/calendar';
import { isOverdue, resumeDeadline } from '../../server/domain/sla/clock';
import { describeLimit, natural, working } from '../../server/domain/sla/limits';
import { createSlaPolicy, deadlineFor, isFastTrack, resolveLimit } from '../../server/domain/sla/policy';

/** A local time at +08:00. 2026-11-23 is a Monday, 2026-11-27 a Friday. */
const cst = (month: number, day: number, hh: number, mm = 0) => Date.UTC(2026, month - 1, day, hh - 8, mm);
const H = 3_600_000;
const MIN = 60_000;

const policy = createSlaPolicy(SHIPPED_CATEGORY_TABLE);
const garbage = { category: 'sanitation', subcategory: '01-02', severity: 1 };

describe('resolveLimit: subcategory → category → default', () => {
  it('uses the subcategory override (CJ/T 315 style)', () => {
    expect(resolveLimit(garbage, 'handling', policy)).toEqual({ clock: 'working', ms: 4 * H });
    expect(resolveLimit({ ...garbage, subcategory: '01-04' }, 'handling', policy)).toEqual({ clock: 'working', ms: 2 * H });
    expect(resolveLimit({ ...garbage, subcategory: '01-01' }, 'handling', policy)).toEqual({ clock: 'working', ms: 20 * 7.5 * H });
  });

  it('falls back to the category, then to the default of the stage', () => {
    expect(resolveLimit({ ...garbage, subcategory: '01-99' }, 'handling', policy)).toEqual({ clock: 'working', ms: 7.5 * H });
    expect(resolveLimit({ ...garbage, subcategory: null }, 'handling', policy)).toEqual({ clock: 'working', ms: 7.5 * H });
    expect(resolveLimit(garbage, 'reported', policy)).toEqual({ clock: 'working', ms: 1 * H });
    expect(resolveLimit({ category: 'not_in_table', severity: 1 }, 'dispatched', policy)).toEqual({ clock: 'working', ms: 2 * H });
  });

  it('keeps natural-clock limits natural', () => {
    expect(resolveLimit({ category: 'public_order', severity: 1 }, 'registered', policy)).toEqual({ clock: 'natural', ms: 30 * MIN });
  });

  it('describes limits for people', () => {
    expect(describeLimit(working(4, 'hours'))).toBe('4 working hours');
    expect(describeLimit(natural(1, 'days'))).toBe('1 natural day');
  });
});

describe('deadlineFor', () => {
  it('counts working limits on the business calendar (across a weekend)', () => {
    // exposed garbage, 4 working hours, handling entered Fri 16:00: 1.5 h on Friday, 2.5 h on Monday
    expect(deadlineFor(garbage, 'handling', cst(11, 27, 16), policy)).toEqual({ stage: 'handling', dueAt: cst(11, 30, 11) });
  });

  it('counts natural limits on the wall clock, even at night on a Saturday', () => {
    expect(deadlineFor({ category: 'public_order', severity: 1 }, 'reported', cst(11, 28, 3), policy)).toEqual({
      stage: 'reported',
      dueAt: cst(11, 28, 3, 30),
    });
  });

  it('counts working days as working days of the calendar (illegal building: 20)', () => {
    expect(deadlineFor({ ...garbage, subcategory: '01-01' }, 'handling', cst(11, 23, 8, 30), policy).dueAt).toBe(cst(12, 18, 17, 30));
  });

  it('honours holidays of the policy calendar', () => {
    const withHoliday = createSlaPolicy(SHIPPED_CATEGORY_TABLE, {
      calendar: createBusinessCalendar({ ...DEFAULT_CALENDAR_CONFIG, holidays: ['2026-11-30'] }),
    });
    expect(deadlineFor(garbage, 'handling', cst(11, 27, 16), withHoliday).dueAt).toBe(cst(12, 1, 11));
  });
});

describe('fast track', () => {
  it('starts at severity 3 by default', () => {
    expect([1, 2, 3, 4].map((s) => isFastTrack(s, policy))).toEqual([false, false, true, true]);
  });

  it('runs severity 3 on the natural clock at half the limit', () => {
    // 4 working hours → 2 natural hours, straight through Friday evening
    expect(resolveLimit({ ...garbage, severity: 3 }, 'handling', policy)).toEqual({ clock: 'natural', ms: 2 * H });
    expect(deadlineFor({ ...garbage, severity: 3 }, 'handling', cst(11, 27, 16), policy).dueAt).toBe(cst(11, 27, 18));
  });

  it('gives severity 4 the shortest limit (a quarter)', () => {
    expect(deadlineFor({ ...garbage, severity: 4 }, 'handling', cst(11, 27, 16), policy).dueAt).toBe(cst(11, 27, 17));
  });

  it('is configurable', () => {
    const eager = createSlaPolicy(SHIPPED_CATEGORY_TABLE, { fastTrack: { minSeverity: 2, factor: 0.75 } });
    expect(resolveLimit({ ...garbage, severity: 2 }, 'handling', eager)).toEqual({ clock: 'natural', ms: 3 * H });
    const off = createSlaPolicy(SHIPPED_CATEGORY_TABLE, { fastTrack: { minSeverity: 5 } });
    expect(resolveLimit({ ...garbage, severity: 4 }, 'handling', off)).toEqual({ clock: 'working', ms: 4 * H });
  });

  it('follows an incident’s own fastTrack flag when it has one', () => {
    expect(resolveLimit({ ...garbage, severity: 3, fastTrack: false }, 'handling', policy)).toEqual({ clock: 'working', ms: 4 * H });
  });
});

/** The SLA-relevant part of an incident in stage `handling`. */
function handling(subject: { category: string; subcategory: string | null; severity: 1 | 2 | 3 | 4 }, dueAt: number, pausedAt: number | null) {
  return {
    ...subject,
    fastTrack: subject.severity >= 3,
    deadline: { stage: 'handling' as const, dueAt },
    sla: { pausedAt, pausedMs: 0 },
  } satisfies Pick<Incident, 'category' | 'subcategory' | 'severity' | 'fastTrack' | 'deadline' | 'sla'>;
}

describe('pause and resume', () => {
  it('moves a working-time deadline by the working time spent paused', () => {
    // handling entered Mon 09:00 with 4 working hours → due Mon 14:30; paused Mon 10:00 → Tue 10:00
    // paused working time: Mon 10–12 (2 h) + 13:30–17:30 (4 h) + Tue 08:30–10 (1.5 h) = 7.5 h
    const paused = handling({ category: 'sanitation', subcategory: '01-02', severity: 1 }, cst(11, 23, 14, 30), cst(11, 23, 10));
    const resumed = resumeDeadline(paused, cst(11, 24, 10), policy);
    expect(resumed.pausedMs).toBe(7.5 * H);
    // the 3 working hours left at the pause now run from Tue 10:00: 10–12, 13:30–14:30
    expect(resumed.deadline).toEqual({ stage: 'handling', dueAt: cst(11, 24, 14, 30) });
  });

  it('does not count a paused weekend on the working clock', () => {
    const paused = handling({ category: 'sanitation', subcategory: '01-02', severity: 1 }, cst(11, 30, 11), cst(11, 27, 17));
    const resumed = resumeDeadline(paused, cst(11, 30, 8, 30), policy);
    expect(resumed.pausedMs).toBe(30 * MIN); // only Fri 17:00–17:30
    expect(resumed.deadline.dueAt).toBe(cst(11, 30, 11, 30));
  });

  it('moves a natural-clock deadline by the whole pause', () => {
    const paused = handling({ category: 'public_order', subcategory: null, severity: 1 }, cst(11, 28, 15), cst(11, 28, 3));
    const resumed = resumeDeadline(paused, cst(11, 28, 6), policy);
    expect(resumed).toEqual({ pausedMs: 3 * H, deadline: { stage: 'handling', dueAt: cst(11, 28, 18) }, closeBy: null });
    // the case's own due time moves by the same pause on the same clock
    expect(resumeDeadline({ ...paused, closeBy: cst(11, 29, 9) }, cst(11, 28, 6), policy).closeBy).toBe(cst(11, 29, 12));
  });

  it('uses the natural clock for fast-tracked cases', () => {
    const paused = handling({ category: 'sanitation', subcategory: '01-02', severity: 3 }, cst(11, 27, 18), cst(11, 27, 17));
    expect(resumeDeadline(paused, cst(11, 28, 17), policy).deadline.dueAt).toBe(cst(11, 28, 18));
  });
});

describe('isOverdue', () => {
  const running = (dueAt: number) => ({ deadline: { stage: 'handling' as const, dueAt }, sla: { pausedAt: null, pausedMs: 0 } });

  it('is overdue only after the deadline (the deadline instant itself is in time)', () => {
    const due = cst(11, 23, 14);
    expect(isOverdue(running(due), due - 1)).toBe(false);
    expect(isOverdue(running(due), due)).toBe(false);
    expect(isOverdue(running(due), due + 1)).toBe(true);
  });

  it('does not run while paused', () => {
    const due = cst(11, 23, 14);
    expect(isOverdue({ deadline: { stage: 'handling', dueAt: due }, sla: { pausedAt: due - H, pausedMs: 0 } }, due + 48 * H)).toBe(false);
  });

  it('stays overdue when paused after the deadline', () => {
    const due = cst(11, 23, 14);
    expect(isOverdue({ deadline: { stage: 'handling', dueAt: due }, sla: { pausedAt: due + H, pausedMs: 0 } }, due + 2 * H)).toBe(true);
  });

  it('never applies without a deadline (closed, rejected)', () => {
    expect(isOverdue({ deadline: null, sla: { pausedAt: null, pausedMs: 0 } }, cst(12, 31, 0))).toBe(false);
  });
});
