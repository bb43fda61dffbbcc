import { describe, expect, it } from 'vitest';
import { HubError, type ErrorCode } from '@shared/errors';
import {
  IncidentCommand,
  NewIncident,
  STAGES,
  type Incident,
  type IncidentAction,
  type ParsedIncidentCommand,
  type Stage,
} from '@shared/schemas/incident';
import {
  applyCommand,
  defaultSlaPolicy,
  detectOverdue,
  evolve,
  maskPhone,
  replay,
  reportIncident,
  type EntryDraft,
} from '../../server/domain/lifecycle';

/** A local time at +08:00. 2026-11-23 is a Monday. */
const cst = (day: number, hh: number, mm = 0) => Date.UTC(2026, 10, day, hh - 8, mm);
const H = 3_600_000;
const MIN = 60_000;
const policy = defaultSlaPolicy();

const OPERATOR = { kind: 'operator', id: 'op-1' } as const;
const DEPARTMENT = { id: 'dept-sanitation', name: '环卫所' };
const SUPERVISOR = { kind: 'operator', id: 'sup-7' } as const;

function report(overrides: Record<string, unknown> = {}, now = cst(23, 9)) {
  const input = NewIncident.parse({
    source: 'patrol',
    category: 'sanitation',
    subcategory: '01-02',
    severity: 1,
    title: '暴露垃圾',
    location: { lng: 121.55, lat: 29.87 },
    reporter: { kind: 'patrol', id: 'p-12', name: '王芳', phone: '13812345678' },
    reportedAt: now,
    ...overrides,
  });
  return reportIncident(input, { id: 'INC-1', gridCode: 'G-1', regionPath: ['330200', '330203', 'S-1', 'C-1', 'G-1'], now, policy });
}

/** The command for an action with the fields it needs. */
function command(action: IncidentAction, at: number, extra: Record<string, unknown> = {}): ParsedIncidentCommand {
  const actor = action === 'accept' || action === 'feedback' ? { kind: 'department', id: DEPARTMENT.id } : action.startsWith('verify') ? SUPERVISOR : OPERATOR;
  const fields = action === 'dispatch' ? { assignee: DEPARTMENT } : action === 'reject' ? { reason: 'invalid' } : {};
  return IncidentCommand.parse({ action, actor, at, ...fields, ...extra });
}

/** The actions that bring a fresh report to each stage. */
const PATH_TO: Record<Stage, IncidentAction[]> = {
  reported: [],
  registered: ['register'],
  dispatched: ['register', 'dispatch'],
  handling: ['register', 'dispatch', 'accept'],
  handled: ['register', 'dispatch', 'accept', 'feedback'],
  verified: ['register', 'dispatch', 'accept', 'feedback', 'verify_pass'],
  closed: ['register', 'dispatch', 'accept', 'feedback', 'verify_pass', 'close'],
  rejected: ['reject'],
};

/** An incident in `stage`, each step ten minutes after the last, with the whole log. */
function incidentIn(stage: Stage, paused = false) {
  let { incident, entry } = report();
  const entries: EntryDraft[] = [entry];
  let at = cst(23, 9);
  for (const action of [...PATH_TO[stage], ...(paused ? (['pause_sla'] as const) : [])]) {
    at += 10 * MIN;
    ({ incident, entry } = applyCommand(incident, command(action, at), { now: at, policy }));
    entries.push(entry);
  }
  return { incident, entries, at };
}

function expectHubError(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe(code);
    if (message) expect((error as HubError).message).toMatch(message);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

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
    const { incident: next, entry } = applyCommand(incident, command(action, at + MIN), { now: at + MIN, policy });
    expect(next.stage).toBe(to);
    expect(entry).toMatchObject({ type: action, from: stage, to, at: at + MIN });
    expect(next.version).toBe(incident.version + 1);
    expect(next.updatedAt).toBe(at + MIN);
    expect(evolve(incident, entry)).toEqual(next);
  });

  it.each(cases.filter((c) => !c.to))('$stage --$action--> ILLEGAL_TRANSITION', ({ stage, action }) => {
    const { incident, at } = incidentIn(stage);
    expectHubError(
      () => applyCommand(incident, command(action, at + MIN), { now: at + MIN, policy }),
      'ILLEGAL_TRANSITION',
      new RegExp(`^Cannot ${action} incident INC-1: .*${action === 'resume_sla' && stage !== 'closed' && stage !== 'rejected' ? 'not paused' : `it is ${stage}`}`),
    );
  });

  it('says plainly what went wrong', () => {
    const { incident, at } = incidentIn('closed');
    expectHubError(() => applyCommand(incident, command('dispatch', at), { now: at, policy }), 'ILLEGAL_TRANSITION', /^Cannot dispatch incident INC-1: it is closed\.$/);
  });
});

describe('transitions from a paused clock', () => {
  const openStages = STAGES.filter((s) => s !== 'closed' && s !== 'rejected');
  it.each(openStages)('in %s: pause_sla is refused, resume_sla allowed', (stage) => {
    const { incident, at } = incidentIn(stage, true);
    expect(incident.sla.pausedAt).toBe(at);
    expectHubError(() => applyCommand(incident, command('pause_sla', at + MIN), { now: at + MIN, policy }), 'ILLEGAL_TRANSITION', /already paused/);
    const resumed = applyCommand(incident, command('resume_sla', at + MIN), { now: at + MIN, policy }).incident;
    expect(resumed.stage).toBe(stage);
    expect(resumed.sla.pausedAt).toBeNull();
  });

  it.each(openStages.filter((s) => s !== 'reported'))('in %s: a stage change ends the pause', (stage) => {
    const { incident, at } = incidentIn(stage, true);
    const [action] = Object.entries(LEGAL[stage]).find(([, to]) => to !== stage)!;
    const next = applyCommand(incident, command(action as IncidentAction, at + MIN), { now: at + MIN, policy }).incident;
    expect(next.sla).toEqual({ pausedAt: null, pausedMs: 0 });
  });
});

describe('guards', () => {
  it('keeps the supervisor apart from the handler (监督与处置相分离)', () => {
    const { incident, at } = incidentIn('handled');
    for (const action of ['verify_pass', 'verify_fail'] as const) {
      const byHandler = command(action, at + MIN, { actor: { kind: 'department', id: DEPARTMENT.id } });
      expectHubError(() => applyCommand(incident, byHandler, { now: at + MIN, policy }), 'SEPARATION_OF_DUTIES', /dept-sanitation/);
    }
    expect(applyCommand(incident, command('verify_pass', at + MIN), { now: at + MIN, policy }).incident.stage).toBe('verified');
  });

  it('refuses a command made against an older version', () => {
    const { incident, at } = incidentIn('registered'); // version 2
    expectHubError(
      () => applyCommand(incident, command('dispatch', at, { expectedVersion: 1 }), { now: at, policy }),
      'VERSION_CONFLICT',
      /version 2, not 1/,
    );
    expect(applyCommand(incident, command('dispatch', at, { expectedVersion: 2 }), { now: at, policy }).incident.version).toBe(3);
  });

  it('refuses a command time before the last change, and one in the future', () => {
    const { incident, at } = incidentIn('registered');
    expectHubError(() => applyCommand(incident, command('dispatch', at - 1), { now: at + H, policy }), 'VALIDATION_FAILED', /earlier than the last change/);
    expectHubError(() => applyCommand(incident, command('dispatch', at + 2 * H), { now: at, policy }), 'VALIDATION_FAILED', /future/);
  });

  it('uses now when the command has no time, never earlier than the last change', () => {
    const { incident, at } = incidentIn('registered');
    const untimed = IncidentCommand.parse({ action: 'supervise', actor: OPERATOR });
    expect(applyCommand(incident, untimed, { now: at + H, policy }).entry.at).toBe(at + H);
    expect(applyCommand(incident, untimed, { now: at - H, policy }).entry.at).toBe(at);
  });

  it('requires duplicateOf for a duplicate, and only for a duplicate', () => {
    const { incident, at } = incidentIn('reported');
    const ctx = { now: at, policy };
    expectHubError(() => applyCommand(incident, command('reject', at, { reason: 'duplicate' }), ctx), 'VALIDATION_FAILED', /duplicateOf/);
    expectHubError(() => applyCommand(incident, command('reject', at, { reason: 'duplicate', duplicateOf: 'INC-1' }), ctx), 'VALIDATION_FAILED', /itself/);
    expectHubError(() => applyCommand(incident, command('reject', at, { reason: 'invalid', duplicateOf: 'INC-0' }), ctx), 'VALIDATION_FAILED');
    const { incident: rejected, entry } = applyCommand(incident, command('reject', at, { reason: 'duplicate', duplicateOf: 'INC-0' }), ctx);
    expect(rejected).toMatchObject({ stage: 'rejected', rejectReason: 'duplicate', duplicateOf: 'INC-0', deadline: null });
    expect(entry.data).toEqual({ deadline: null, reason: 'duplicate', duplicateOf: 'INC-0' });
  });
});

describe('deadlines and flags along the loop', () => {
  it('gives each stage its own deadline from the policy, and none once closed', () => {
    const t = (hh: number, mm = 0) => cst(23, hh, mm);
    let { incident } = report(); // reported Mon 09:00, due 10:00
    const step = (action: IncidentAction, at: number) => (incident = applyCommand(incident, command(action, at), { now: at, policy }).incident);
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
    incident = applyCommand(incident, command('pause_sla', cst(23, 9, 30)), { now: cst(23, 9, 30), policy }).incident;
    expect(incident.deadline?.dueAt).toBe(cst(23, 10)); // untouched while paused
    const { incident: resumed, entry } = applyCommand(incident, command('resume_sla', cst(24, 9, 30)), { now: cst(24, 9, 30), policy });
    // paused working time Mon 09:30 → Tue 09:30 = 7.5 h; the 30 min left run Tue 09:30–10:00
    expect(resumed.deadline).toEqual({ stage: 'reported', dueAt: cst(24, 10) });
    expect(resumed.sla).toEqual({ pausedAt: null, pausedMs: 7.5 * H });
    expect(entry.data).toEqual({ deadline: { stage: 'reported', dueAt: cst(24, 10) }, pausedMs: 7.5 * H });
  });

  it('supervises on request and keeps the flag until the case ends', () => {
    const { incident, at } = incidentIn('registered');
    const supervised = applyCommand(incident, command('supervise', at), { now: at, policy }).incident;
    expect(supervised.supervised).toBe(true);
    const dispatched = applyCommand(supervised, command('dispatch', at), { now: at, policy }).incident;
    expect(dispatched.supervised).toBe(true);
    const rejected = applyCommand(applyCommand(report().incident, command('supervise', at), { now: at, policy }).incident, command('reject', at), { now: at, policy });
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
    const registered = applyCommand(decision.incident, command('register', cst(23, 12)), { now: cst(23, 12), policy }).incident;
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
      decisions.push(action === 'sweep' ? detectOverdue(last, t)! : applyCommand(last, command(action, t, extra), { now: t, policy }));
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
