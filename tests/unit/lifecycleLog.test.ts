import { describe, expect, it } from 'vitest';
import type { IncidentAction } from '@shared/schemas/incident';
import { applyCommand, detectOverdue, evolve, replay, type EntryDraft } from '../../server/domain/lifecycle';
import { command, cst, DEPARTMENT, H, incidentIn, policy, report } from './lifecycleSteps';

// The log side of the lifecycle: deadlines along the loop, pause, supervision, overdue, replay.

describe('deadlines and flags along the loop', () => {
  it('gives each stage its own deadline from the policy, and none once closed', () => {
    const t = (hh: number, mm = 0) => cst(23, hh, mm);
    let { incident } = report(); // reported Mon 09:00, due 10:00
    const step = (action: IncidentAction, at: number) => (incident = applyCommand(incident, ...command(action, at), { now: at, policy }).incident);
    expect(step('register', t(9, 30)).deadline).toEqual({ stage: 'registered', dueAt: t(10, 30) });
    expect(step('dispatch', t(10)).deadline).toEqual({ stage: 'dispatched', dueAt: t(12) });
    // exposed garbage: 4 working hours to handle, across lunch (11–12, 13:30–16:30)
    expect(step('accept', t(11)).deadline).toEqual({ stage: 'handling', dueAt: t(16, 30) });
    // verification: 4 working hours, overnight (15:00–17:30, then Tue 08:30–10:00)
    expect(step('feedback', t(15)).deadline).toEqual({ stage: 'handled', dueAt: cst(24, 10) });
    // rework gets a fresh handling limit: 16:00–17:30, Tue 08:30–11:00
    expect(step('verify_fail', t(16)).deadline).toEqual({ stage: 'handling', dueAt: cst(24, 11) });
    expect(incident).toMatchObject({ reworkCount: 1, stageEnteredAt: { handling: t(16) }, assignee: DEPARTMENT });
    step('feedback', t(17));
    expect(step('verify_pass', cst(24, 9)).deadline).toEqual({ stage: 'verified', dueAt: cst(24, 10) });
    expect(step('close', cst(24, 9, 30))).toMatchObject({ stage: 'closed', deadline: null, version: 9 });
  });

  it('moves the deadline by the paused working time on resume', () => {
    let { incident } = report(); // due Mon 10:00
    incident = applyCommand(incident, ...command('pause_sla', cst(23, 9, 30)), { now: cst(23, 9, 30), policy }).incident;
    expect(incident.deadline?.dueAt).toBe(cst(23, 10)); // untouched while paused
    const { incident: resumed, entry } = applyCommand(incident, ...command('resume_sla', cst(24, 9, 30)), { now: cst(24, 9, 30), policy });
    // paused working time Mon 09:30 → Tue 09:30 = 7.5 h; the 30 min left run Tue 09:30–10:00
    expect(resumed.deadline).toEqual({ stage: 'reported', dueAt: cst(24, 10) });
    expect(resumed.sla).toEqual({ pausedAt: null, pausedMs: 7.5 * H });
    expect(entry.data).toEqual({ deadline: { stage: 'reported', dueAt: cst(24, 10) }, pausedMs: 7.5 * H });
  });

  it('supervises on request and keeps the flag until the case ends', () => {
    const { incident, at } = incidentIn('registered');
    const supervised = applyCommand(incident, ...command('supervise', at), { now: at, policy }).incident;
    expect(supervised.supervised).toBe(true);
    const dispatched = applyCommand(supervised, ...command('dispatch', at), { now: at, policy }).incident;
    expect(dispatched.supervised).toBe(true);
    const rejected = applyCommand(applyCommand(report().incident, ...command('supervise', at), { now: at, policy }).incident, ...command('reject', at), { now: at, policy });
    expect(rejected.incident.supervised).toBe(false);
  });
});

describe('detectOverdue', () => {
  it('marks a case past its deadline as overdue and supervised, once per stage', () => {
    const { incident } = report(); // due Mon 10:00
    expect(detectOverdue(incident, cst(23, 10))).toBeNull();
    const decision = detectOverdue(incident, cst(23, 10, 1))!;
    expect(decision.entry).toEqual({
      incidentId: 'INC-1', type: 'overdue', from: 'reported', to: 'reported', actor: { kind: 'system', id: 'sla' },
      at: cst(23, 10, 1), note: null, data: { deadline: { stage: 'reported', dueAt: cst(23, 10) } },
    });
    expect(decision.incident).toMatchObject({ overdue: true, supervised: true, version: 2, stage: 'reported' });
    expect(detectOverdue(decision.incident, cst(23, 12))).toBeNull();
    const registered = applyCommand(decision.incident, ...command('register', cst(23, 12)), { now: cst(23, 12), policy }).incident;
    // registered at noon: the working hour starts after lunch
    expect(registered).toMatchObject({ overdue: false, supervised: true, deadline: { stage: 'registered', dueAt: cst(23, 14, 30) } });
    expect(detectOverdue(registered, cst(23, 14, 30))).toBeNull();
    expect(detectOverdue(registered, cst(23, 14, 31))?.incident.overdue).toBe(true);
  });

  it('leaves paused and ended cases alone', () => {
    const paused = incidentIn('reported', true).incident;
    expect(detectOverdue(paused, cst(30, 9))).toBeNull();
    expect(detectOverdue(incidentIn('closed').incident, cst(30, 9))).toBeNull();
  });
});

describe('replay', () => {
  it('rebuilds the incident from its log, entry by entry, even after a JSON round trip', () => {
    const decisions = [report()];
    const at = (day: number, hh: number, mm = 0) => cst(day, hh, mm);
    const steps: [IncidentAction | 'sweep', number, Record<string, unknown>?][] = [
      ['supervise', at(23, 9, 5)], ['register', at(23, 9, 10)], ['dispatch', at(23, 9, 20)], ['accept', at(23, 9, 40)],
      ['pause_sla', at(23, 10)], ['resume_sla', at(24, 10)], ['feedback', at(24, 11)],
      ['sweep', at(24, 16, 45)], // verification was due at 16:30
      ['verify_fail', at(24, 17), { note: '未清理干净' }], ['feedback', at(27, 16)], ['verify_pass', at(30, 9)], ['close', at(30, 11)],
    ];
    for (const [action, t, extra] of steps) {
      const last = decisions.at(-1)!.incident;
      decisions.push(action === 'sweep' ? detectOverdue(last, t)! : applyCommand(last, ...command(action, t, extra), { now: t, policy }));
    }
    expect(decisions[8]!.entry.type).toBe('overdue');
    const entries = JSON.parse(JSON.stringify(decisions.map((d) => d.entry))) as EntryDraft[];
    entries.forEach((_, i) => expect(replay(entries.slice(0, i + 1))).toEqual(decisions[i]!.incident));
    const final = replay(entries);
    expect(final).toMatchObject({ stage: 'closed', version: entries.length, reworkCount: 1, updatedAt: at(30, 11), supervised: false });
    expect(entries[9]!.note).toBe('未清理干净');
  });

  it('refuses entries out of order or of another incident', () => {
    const { incident, entries } = incidentIn('dispatched');
    expect(() => evolve(incident, entries[1]!)).toThrow(/starts from reported/);
    expect(() => evolve(null, entries[1]!)).toThrow(/does not start with a reported entry/);
    expect(() => evolve(incident, { ...entries[2]!, incidentId: 'INC-2', from: 'dispatched' })).toThrow(/another incident/);
    expect(() => evolve(incident, entries[0]!)).toThrow(/only start a log/);
  });
});

describe('resilience to imported state', () => {
  it('resumes a paused case that has no deadline by just ending the pause', () => {
    const { incident, at } = incidentIn('handling', true);
    const lost = { ...incident, deadline: null };
    const { incident: resumed, entry } = applyCommand(lost, ...command('resume_sla', at + H), { now: at + H, policy });
    expect(resumed).toMatchObject({ deadline: null, sla: { pausedAt: null, pausedMs: 0 } });
    expect(evolve(lost, entry)).toEqual(resumed);
  });
});
