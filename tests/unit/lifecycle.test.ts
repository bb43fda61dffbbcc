import { describe, expect, it } from 'vitest';
import { IncidentCommand, NewIncident, STAGES, type IncidentAction, type Stage } from '@shared/schemas/incident';
import { applyCommand, evolve, maskPhone, reportIncident } from '../../server/domain/lifecycle';
import { command, cst, DEPARTMENT, expectHubError, H, incidentIn, MIN, OPERATOR, policy, report } from './lifecycleSteps';

describe('reportIncident', () => {
  it('opens a case in stage reported with a deadline to register it', () => {
    const { incident, entry } = report();
    expect(incident).toMatchObject({
      id: 'INC-1',
      stage: 'reported',
      version: 1,
      reportedAt: cst(23, 9),
      updatedAt: cst(23, 9),
      stageEnteredAt: { reported: cst(23, 9) },
      deadline: { stage: 'reported', dueAt: cst(23, 10) }, // 1 working hour
      sla: { pausedAt: null, pausedMs: 0 },
      fastTrack: false,
      overdue: false,
      supervised: false,
      assignee: null,
      subcategory: '01-02',
      externalRef: null,
    });
    expect(entry).toMatchObject({ type: 'reported', from: null, to: 'reported', at: cst(23, 9), actor: { kind: 'patrol', id: 'p-12' } });
    expect(entry.data).toEqual({ incident, deadline: incident.deadline });
  });

  it('masks the reporter’s phone number', () => {
    expect(report().incident.reporter.phone).toBe('138****5678');
    expect(maskPhone('0574-87654321')).toBe('057****4321');
    expect(maskPhone('12345')).toBe('***45');
    expect(maskPhone('138****5678')).toBe('138****5678');
  });

  it('fast-tracks severity 3 and 4 on the natural clock', () => {
    const serious = report({ severity: 3 }, cst(28, 22)); // a Saturday night
    expect(serious.incident.fastTrack).toBe(true);
    expect(serious.incident.deadline).toEqual({ stage: 'reported', dueAt: cst(28, 22, 30) }); // 1 h × 0.5
    expect(report({ severity: 4 }, cst(28, 22)).incident.deadline?.dueAt).toBe(cst(28, 22, 15));
  });

  it('names anonymous reporters after their channel', () => {
    const { entry } = report({ source: 'hotline', reporter: { kind: 'citizen' } });
    expect(entry.actor).toEqual({ kind: 'citizen', id: 'hotline' });
  });

  it('refuses a category that is not in the table', () => {
    expectHubError(() => report({ category: 'space_debris' }), 'UNKNOWN_CATEGORY', /space_debris/);
  });

  it('refuses a report from the future, keeps one from the past', () => {
    const now = cst(23, 9);
    expectHubError(
      () => reportIncident(NewIncident.parse({ ...baseInput(), reportedAt: now + H }), { id: 'X', gridCode: 'G', regionPath: ['G'], now, policy }),
      'VALIDATION_FAILED',
      /future/,
    );
    const old = reportIncident(NewIncident.parse({ ...baseInput(), reportedAt: now - 30 * 24 * H }), { id: 'X', gridCode: 'G', regionPath: ['G'], now, policy });
    expect(old.incident.reportedAt).toBe(now - 30 * 24 * H);
  });
});

function baseInput() {
  return { source: 'patrol', category: 'traffic', severity: 1, title: 't', location: { lng: 121, lat: 29 }, reporter: { kind: 'patrol' } };
}

/**
 * Every action from every stage. Written by hand: the stage each legal action leads to; every
 * action missing from a row is illegal there. Flags keep the stage.
 */
const LEGAL: Record<Stage, Partial<Record<IncidentAction, Stage>>> = {
  reported: { register: 'registered', reject: 'rejected', supervise: 'reported', pause_sla: 'reported' },
  registered: { dispatch: 'dispatched', supervise: 'registered', pause_sla: 'registered' },
  dispatched: { accept: 'handling', supervise: 'dispatched', pause_sla: 'dispatched' },
  handling: { feedback: 'handled', supervise: 'handling', pause_sla: 'handling' },
  handled: { verify_pass: 'verified', verify_fail: 'handling', supervise: 'handled', pause_sla: 'handled' },
  verified: { close: 'closed', supervise: 'verified', pause_sla: 'verified' },
  closed: {},
  rejected: {},
};
const ACTIONS: IncidentAction[] = [
  'register', 'reject', 'dispatch', 'accept', 'feedback', 'verify_pass', 'verify_fail', 'close', 'supervise', 'pause_sla', 'resume_sla',
];
const cases = STAGES.flatMap((stage) => ACTIONS.map((action) => ({ stage, action, to: LEGAL[stage][action] })));

describe('transitions from a running clock', () => {
  it.each(cases.filter((c) => c.to))('$stage --$action--> $to', ({ stage, action, to }) => {
    const { incident, at } = incidentIn(stage);
    const { incident: next, entry } = applyCommand(incident, ...command(action, at + MIN), { now: at + MIN, policy });
    expect(next.stage).toBe(to);
    expect(entry).toMatchObject({ type: action, from: stage, to, at: at + MIN });
    expect(next.version).toBe(incident.version + 1);
    expect(next.updatedAt).toBe(at + MIN);
    expect(evolve(incident, entry)).toEqual(next);
  });

  it.each(cases.filter((c) => !c.to))('$stage --$action--> ILLEGAL_TRANSITION', ({ stage, action }) => {
    const { incident, at } = incidentIn(stage);
    expectHubError(
      () => applyCommand(incident, ...command(action, at + MIN), { now: at + MIN, policy }),
      'ILLEGAL_TRANSITION',
      new RegExp(`^Cannot ${action} incident INC-1: .*${action === 'resume_sla' && stage !== 'closed' && stage !== 'rejected' ? 'not paused' : `it is ${stage}`}`),
    );
  });

  it('says plainly what went wrong', () => {
    const { incident, at } = incidentIn('closed');
    expectHubError(() => applyCommand(incident, ...command('dispatch', at), { now: at, policy }), 'ILLEGAL_TRANSITION', /^Cannot dispatch incident INC-1: it is closed\.$/);
  });
});

describe('transitions from a paused clock', () => {
  const openStages = STAGES.filter((s) => s !== 'closed' && s !== 'rejected');
  it.each(openStages)('in %s: pause_sla is refused, resume_sla allowed', (stage) => {
    const { incident, at } = incidentIn(stage, true);
    expect(incident.sla.pausedAt).toBe(at);
    expectHubError(() => applyCommand(incident, ...command('pause_sla', at + MIN), { now: at + MIN, policy }), 'ILLEGAL_TRANSITION', /already paused/);
    const resumed = applyCommand(incident, ...command('resume_sla', at + MIN), { now: at + MIN, policy }).incident;
    expect(resumed.stage).toBe(stage);
    expect(resumed.sla.pausedAt).toBeNull();
  });

  it.each(openStages.filter((s) => s !== 'reported'))('in %s: a stage change ends the pause', (stage) => {
    const { incident, at } = incidentIn(stage, true);
    const [action] = Object.entries(LEGAL[stage]).find(([, to]) => to !== stage)!;
    const next = applyCommand(incident, ...command(action as IncidentAction, at + MIN), { now: at + MIN, policy }).incident;
    expect(next.sla).toEqual({ pausedAt: null, pausedMs: 0 });
  });
});

describe('guards', () => {
  it('keeps the supervisor apart from the handler (监督与处置相分离)', () => {
    const { incident, at } = incidentIn('handled');
    for (const action of ['verify_pass', 'verify_fail'] as const) {
      const byHandler = command(action, at + MIN, { actor: { kind: 'department', id: DEPARTMENT.id } });
      expectHubError(() => applyCommand(incident, ...byHandler, { now: at + MIN, policy }), 'SEPARATION_OF_DUTIES', /dept-sanitation/);
    }
    expect(applyCommand(incident, ...command('verify_pass', at + MIN), { now: at + MIN, policy }).incident.stage).toBe('verified');
  });

  it('refuses a command made against an older version', () => {
    const { incident, at } = incidentIn('registered'); // version 2
    expectHubError(
      () => applyCommand(incident, ...command('dispatch', at, { expectedVersion: 1 }), { now: at, policy }),
      'VERSION_CONFLICT',
      /version 2, not 1/,
    );
    expect(applyCommand(incident, ...command('dispatch', at, { expectedVersion: 2 }), { now: at, policy }).incident.version).toBe(3);
  });

  it('refuses a command time before the last change, and one in the future', () => {
    const { incident, at } = incidentIn('registered');
    expectHubError(() => applyCommand(incident, ...command('dispatch', at - 1), { now: at + H, policy }), 'VALIDATION_FAILED', /earlier than the last change/);
    expectHubError(() => applyCommand(incident, ...command('dispatch', at + 2 * H), { now: at, policy }), 'VALIDATION_FAILED', /future/);
  });

  it('uses now when the command has no time, never earlier than the last change', () => {
    const { incident, at } = incidentIn('registered');
    const untimed = IncidentCommand.parse({ action: 'supervise' });
    expect(applyCommand(incident, untimed, { actor: OPERATOR }, { now: at + H, policy }).entry.at).toBe(at + H);
    expect(applyCommand(incident, untimed, { actor: OPERATOR }, { now: at - H, policy }).entry.at).toBe(at);
  });

  it('requires duplicateOf for a duplicate, and only for a duplicate', () => {
    const { incident, at } = incidentIn('reported');
    const ctx = { now: at, policy };
    expectHubError(() => applyCommand(incident, ...command('reject', at, { reason: 'duplicate' }), ctx), 'VALIDATION_FAILED', /duplicateOf/);
    expectHubError(() => applyCommand(incident, ...command('reject', at, { reason: 'duplicate', duplicateOf: 'INC-1' }), ctx), 'VALIDATION_FAILED', /itself/);
    expectHubError(() => applyCommand(incident, ...command('reject', at, { reason: 'invalid', duplicateOf: 'INC-0' }), ctx), 'VALIDATION_FAILED');
    const { incident: rejected, entry } = applyCommand(incident, ...command('reject', at, { reason: 'duplicate', duplicateOf: 'INC-0' }), ctx);
    expect(rejected).toMatchObject({ stage: 'rejected', rejectReason: 'duplicate', duplicateOf: 'INC-0', deadline: null });
    expect(entry.data).toEqual({ deadline: null, reason: 'duplicate', duplicateOf: 'INC-0' });
  });
});
