/**
 * The published figures against an independent recomputation. fast-check draws random cases
 * (every path through the loop: rejection, hand-back, re-dispatch, rework, pauses, joined repeats,
 * callbacks) and random windows; the oracle below works every figure out from the step lists and
 * their times alone — not from log entries, and not with the hub's statistics code — with every
 * limit one natural hour, so a stage is due an hour after it is entered and a case five hours
 * after it is registered, both moved by the length of each pause that is resumed (unless already
 * passed when it began). A second property needs no oracle: counts of cases (due, closed on time,
 * registered…) add up over adjacent windows, as a leader adds days into a month.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBusinessCalendar, createSlaPolicy, natural } from '../../server/domain/sla';
import { computeStatistics } from '../../server/domain/stats';
import { buildCase, type CaseSpec, type CaseStep } from '../support/statsCases';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 10, 23, 0, 0) - 8 * HOUR; // Monday 23 November 2026, 00:00 at +08:00
const hour = natural(1, 'hours');
const calendar = createBusinessCalendar();
const policy = createSlaPolicy(
  { defaultLimits: { reported: hour, registered: hour, dispatched: hour, handling: hour, handled: hour, verified: hour }, categories: [{ code: 'sanitation' }] },
  { calendar },
);

/** the loop as the oracle knows it: which steps each stage offers, and where they lead */
const NEXT: Record<string, [string, string][]> = {
  reported: [['register', 'registered'], ['reject', 'rejected'], ['reject_dup', 'rejected'], ['join', 'reported']],
  registered: [['dispatch', 'dispatched'], ['supervise', 'registered'], ['join', 'registered']],
  dispatched: [['accept', 'handling'], ['hand_back', 'registered'], ['redispatch', 'dispatched']],
  handling: [['feedback', 'handled'], ['hand_back', 'registered'], ['redispatch', 'dispatched']],
  handled: [['verify_pass', 'verified'], ['verify_fail', 'handling']],
  verified: [['close', 'closed']],
  closed: [['evaluate', 'closed'], ['evaluate_unreachable', 'closed']],
  rejected: [],
};
const OPEN_STAGES = new Set(['reported', 'registered', 'dispatched', 'handling', 'handled', 'verified']);

interface Step {
  action: string;
  at: number;
}
interface Drawn {
  id: string;
  source: 'hotline' | 'patrol';
  at: number;
  steps: Step[];
  satisfied: boolean[];
}

const decision = fc.record({ pick: fc.nat(99), gap: fc.integer({ min: 0, max: 150 }), pause: fc.nat(9), sat: fc.boolean() });
const drawnCase = fc.record({
  offsetMin: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  hotline: fc.boolean(),
  decisions: fc.array(decision, { maxLength: 16 }),
});

/** walks the loop with the drawn decisions: a valid path, with pauses and resumes in open stages */
function walk(i: number, d: { offsetMin: number; hotline: boolean; decisions: { pick: number; gap: number; pause: number; sat: boolean }[] }): Drawn {
  let stage = 'reported';
  let at = T0 + d.offsetMin * MIN;
  let paused = false;
  let answered = false;
  const steps: Step[] = [];
  const satisfied: boolean[] = [];
  const source = d.hotline ? 'hotline' : 'patrol';
  for (const x of d.decisions) {
    at += x.gap * MIN;
    if (OPEN_STAGES.has(stage) && x.pause < 2) {
      steps.push({ action: paused ? 'resume_sla' : 'pause_sla', at });
      paused = !paused;
      continue;
    }
    const options = NEXT[stage]!.filter(([a]) => !(a.startsWith('evaluate') && (answered || source !== 'hotline')));
    if (options.length === 0) break;
    const [action, to] = options[x.pick % options.length]!;
    steps.push({ action, at });
    if (action === 'evaluate') {
      answered = true;
      satisfied.push(x.sat);
    }
    // every step of the loop starts a fresh, running clock (a redispatch too); flags do not
    if (!['join', 'supervise'].includes(action) && !action.startsWith('evaluate')) paused = false;
    stage = to;
  }
  return { id: `C${i}`, source, at: T0 + d.offsetMin * MIN, steps, satisfied };
}

function toSpec(c: Drawn): CaseSpec {
  let s = 0;
  const steps: CaseStep[] = c.steps.map(({ action, at }) => {
    if (action === 'reject_dup') return ['reject', at, { reason: 'duplicate', duplicateOf: 'C-original' }];
    if (action === 'join') return ['join', at, { source: 'video_ai' }];
    if (action === 'evaluate_unreachable') return ['evaluate', at, { evaluation: { contacted: false } }];
    if (action === 'evaluate') {
      const happy = c.satisfied[s++]!;
      return ['evaluate', at, { evaluation: { contacted: true, resolved: happy, satisfaction: happy ? 'basically_satisfied' : 'dissatisfied' } }];
    }
    return [action as CaseStep[0], at];
  });
  return { id: c.id, street: 'S1', at: c.at, source: c.source, category: 'sanitation', steps };
}

interface Expected {
  total: number;
  repeats: number;
  registered: number;
  closed: number;
  due: number;
  dueClosed: number;
  dueClosedOnTime: number;
  overdueInWindow: number;
  open: number;
  overdueOpen: number;
  casesVerified: number;
  casesReworked: number;
  responseDue: number;
  respondedOnTime: number;
  callbacks: number;
  contacted: number;
  resolved: number;
  satisfied: number;
}

/** every figure of one window, worked out from the cases' steps and times */
function oracle(cases: readonly Drawn[], from: number, to: number, asOf: number): Expected {
  const e: Expected = { total: 0, repeats: 0, registered: 0, closed: 0, due: 0, dueClosed: 0, dueClosedOnTime: 0, overdueInWindow: 0, open: 0, overdueOpen: 0, casesVerified: 0, casesReworked: 0, responseDue: 0, respondedOnTime: 0, callbacks: 0, contacted: 0, resolved: 0, satisfied: 0 };
  const inside = (t: number) => t >= from && t < to;
  for (const c of cases) {
    if (c.at >= asOf) continue;
    if (inside(c.at)) e.total++;
    let stage = 'reported';
    let stageDue = c.at + HOUR;
    let pausedAt: number | null = null;
    let registeredAt: number | null = null;
    let closeBy: number | null = null;
    let closedAt: number | null = null;
    let closeEnd = 0;
    let missed = false;
    let verified = false;
    let reworked = false;
    let s = 0;
    const miss = (due: number, end: number) => {
      if (due < end && inside(due)) missed = true;
    };
    for (const step of c.steps) {
      if (step.at >= asOf) break;
      const t = step.at;
      const win = inside(t);
      const a = step.action;
      if (a === 'pause_sla') {
        pausedAt = t;
        continue;
      }
      if (a === 'resume_sla') {
        // a deadline already passed when the pause began stays put
        const length = t - pausedAt!;
        if (stageDue >= pausedAt!) stageDue += length;
        if (closeBy !== null && closeBy >= pausedAt!) closeBy += length;
        pausedAt = null;
        continue;
      }
      if (a === 'join') {
        if (win) e.repeats++;
        continue;
      }
      if (a === 'supervise') continue;
      if (a.startsWith('evaluate')) {
        if (!win) continue;
        e.callbacks++;
        if (a === 'evaluate') {
          const happy = c.satisfied[s++]!;
          e.contacted++;
          if (happy) e.resolved++, e.satisfied++;
        }
        continue;
      }
      // a stage change: judge the visit that ends here; it ends a pause too, moving the case's due time
      const end = pausedAt ?? t;
      if (pausedAt !== null && closeBy !== null && closeBy >= pausedAt) closeBy += t - pausedAt;
      miss(stageDue, end);
      if (stage === 'dispatched' && c.source === 'hotline') {
        const late = stageDue < end;
        if (!(a === 'redispatch' && !late)) {
          const moment = late ? stageDue : t;
          if (inside(moment)) {
            e.responseDue++;
            if (!late && (a === 'accept' || a === 'hand_back')) e.respondedOnTime++;
          }
        }
      }
      if (a === 'register') {
        registeredAt = t;
        closeBy = t + 5 * HOUR;
        if (win) e.registered++;
      }
      if (a === 'reject_dup' && win) e.repeats++;
      if (a === 'verify_pass' || a === 'verify_fail') {
        if (win) verified = true;
        if (win && a === 'verify_fail') reworked = true;
      }
      if (a === 'close') {
        closedAt = t;
        closeEnd = end;
        if (win) e.closed++;
      }
      stage = NEXT[stage]!.find(([x]) => x === a)![1];
      stageDue = t + HOUR;
      pausedAt = null;
    }
    const open = OPEN_STAGES.has(stage);
    const now = pausedAt ?? asOf;
    if (open) {
      e.open++;
      if (stageDue < now) e.overdueOpen++;
      miss(stageDue, now);
      if (c.source === 'hotline' && stage === 'dispatched' && stageDue < now && inside(stageDue)) e.responseDue++;
    }
    if (verified) e.casesVerified++;
    if (reworked) e.casesReworked++;
    if (registeredAt !== null && closeBy !== null) {
      if (closedAt !== null) {
        const late = closeBy < closeEnd;
        miss(closeBy, closeEnd);
        const moment = late ? closeBy : closedAt;
        if (inside(moment)) {
          e.due++;
          e.dueClosed++;
          if (!late) e.dueClosedOnTime++;
        }
      } else if (closeBy < now) {
        miss(closeBy, now);
        if (inside(closeBy)) e.due++;
      }
    }
    if (missed) e.overdueInWindow++;
  }
  return e;
}

describe('statistics against an independent recomputation (fast-check)', () => {
  it('agrees on every figure of any window, and no rate is ever above 1', () => {
    fc.assert(
      fc.property(
        fc.array(drawnCase, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: -12 * 60, max: 4 * 24 * 60 }),
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        fc.nat(100),
        (drawn, fromMin, lengthMin, asOfShare) => {
          const cases = drawn.map((d, i) => walk(i, d));
          const from = T0 + fromMin * MIN;
          const to = from + lengthMin * MIN;
          // the end of what is known: the window's end, or somewhere inside it (a window reaching past now)
          const asOf = asOfShare >= 50 ? to : from + 1 + Math.floor(((to - from - 1) * asOfShare) / 50);
          const stats = computeStatistics({
            regionCode: 'D1', window: { from, to }, asOf, calendar,
            incidents: cases.map((c) => buildCase(toSpec(c), policy)),
            patrols: [], cameras: [], children: [], childOf: () => undefined,
          });
          const x = oracle(cases, from, to, asOf);
          expect({
            total: stats.intake.total, repeats: stats.intake.repeats, registered: stats.registered, closed: stats.closed,
            due: stats.due, dueClosed: stats.dueClosed, dueClosedOnTime: stats.dueClosedOnTime, overdueInWindow: stats.overdueInWindow,
            open: stats.open, overdueOpen: stats.overdueOpen, casesVerified: stats.casesVerified, casesReworked: stats.casesReworked,
            responseDue: stats.hotline.responseDue, respondedOnTime: stats.hotline.respondedOnTime, callbacks: stats.hotline.callbacks,
            contacted: stats.hotline.contacted, resolved: stats.hotline.resolved, satisfied: stats.hotline.satisfied,
          }).toEqual(x);
          for (const r of [stats.closureRate, stats.onTimeRate, stats.reworkRate, stats.hotline.responseRate, stats.hotline.resolutionRate, stats.hotline.satisfactionRate]) {
            if (r !== null) expect(r).toBeLessThanOrEqual(1);
          }
          expect(stats.closureRate).toBe(x.due ? x.dueClosed / x.due : null);
          expect(stats.onTimeRate).toBe(x.due ? x.dueClosedOnTime / x.due : null);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('adds up: a case is due (and closed on time) in one window only, so two adjacent windows add to their union', () => {
    fc.assert(
      fc.property(
        fc.array(drawnCase, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: -12 * 60, max: 3 * 24 * 60 }),
        fc.integer({ min: 1, max: 2 * 24 * 60 }),
        fc.integer({ min: 1, max: 2 * 24 * 60 }),
        (drawn, fromMin, firstMin, secondMin) => {
          const incidents = drawn.map((d, i) => buildCase(toSpec(walk(i, d)), policy));
          const from = T0 + fromMin * MIN;
          const mid = from + firstMin * MIN;
          const to = mid + secondMin * MIN;
          const at = (f: number, t: number) =>
            computeStatistics({ regionCode: 'D1', window: { from: f, to: t }, asOf: to, calendar, incidents, patrols: [], cameras: [], children: [], childOf: () => undefined });
          // each window read as of the same end, so that only the cutting differs
          const [a, b, whole] = [at(from, mid), at(mid, to), at(from, to)];
          for (const key of ['due', 'dueClosedOnTime', 'registered', 'closed', 'rejected', 'verifications'] as const) {
            expect(a[key] + b[key], key).toBe(whole[key]);
          }
          // closed among the due is as known at each window's end: a case due late in the first
          // window and closed in the second counts as closed in the union only
          expect(a.dueClosed + b.dueClosed).toBeLessThanOrEqual(whole.dueClosed);
          expect(a.intake.total + b.intake.total).toBe(whole.intake.total);
          expect(a.hotline.responseDue + b.hotline.responseDue).toBe(whole.hotline.responseDue);
        },
      ),
      { numRuns: 300 },
    );
  });
});
