/**
 * The steps the console offers: per stage, per role and per region, exactly what the shared
 * lifecycle and access tables allow; and the command bodies it sends pass the hub's strict schema
 * (no actor, no time, the version the operator saw).
 */
import { describe, expect, it } from 'vitest';
import { allowedActions } from '@shared/lifecycle';
import type { Role, User } from '@shared/schemas/auth';
import { IncidentCommand, type Stage } from '@shared/schemas/incident';
import { ACTION_DIALOG, ACTION_KEYS, actionForKey, buildCommand, offeredActions } from '../../web/src/console/actions';
import { evaluationOf, missingChoice, NO_CHOICE, pickByKey } from '../../web/src/console/evaluation';
import { incident, T0 } from './helpers/fixtures';

function user(role: Role, regionCode = '330200'): User {
  return { username: 'op1', displayName: '值班员甲', role, regionCode, disabled: false, createdAt: T0, passwordChangedAt: T0 };
}

const at = (stage: Stage, over: Parameters<typeof incident>[1] = {}) => incident('E1', { stage, version: 3, ...over });

describe('offered steps', () => {
  it('follow the stage for an operator', () => {
    const op = user('operator');
    expect(offeredActions(at('reported'), op)).toEqual(['register', 'reject', 'pause_sla', 'note']);
    expect(offeredActions(at('registered'), op)).toEqual(['dispatch', 'pause_sla', 'note']);
    expect(offeredActions(at('dispatched'), op)).toEqual(['accept', 'hand_back', 'redispatch', 'pause_sla', 'note']);
    expect(offeredActions(at('handling'), op)).toEqual(['hand_back', 'redispatch', 'feedback', 'pause_sla', 'note']);
    expect(offeredActions(at('handled'), op)).toEqual(['verify_pass', 'verify_fail', 'pause_sla', 'note']);
    expect(offeredActions(at('verified'), op)).toEqual(['close', 'pause_sla', 'note']);
    expect(offeredActions(at('closed', { deadline: null }), op)).toEqual(['evaluate', 'note']);
  });

  it('督办 is a supervisor’s step; a viewer is offered nothing', () => {
    expect(offeredActions(at('registered'), user('operator'))).not.toContain('supervise');
    expect(offeredActions(at('registered'), user('supervisor'))).toContain('supervise');
    expect(offeredActions(at('registered'), user('admin'))).toContain('supervise');
    // whatever the shared lifecycle says about a case already under supervision, the console follows it
    const supervised = at('registered', { supervised: true });
    expect(offeredActions(supervised, user('admin')).includes('supervise')).toBe(allowedActions(supervised).includes('supervise'));
    for (const stage of ['reported', 'registered', 'handled'] as const) expect(offeredActions(at(stage), user('viewer'))).toEqual([]);
  });

  it('a paused clock offers resume instead of pause, both on z', () => {
    const paused = at('handling', { sla: { pausedAt: T0 - 1000, pausedMs: 0 } });
    const offered = offeredActions(paused, user('operator'));
    expect(offered).toContain('resume_sla');
    expect(offered).not.toContain('pause_sla');
    expect(actionForKey('z', offered)).toBe('resume_sla');
    expect(actionForKey('z', offeredActions(at('handling'), user('operator')))).toBe('pause_sla');
  });

  it('拆单 is offered only on an open case that stands for joined reports', () => {
    const joined = { count: 2, bySource: { patrol: 1, hotline: 1 }, lastAt: T0 };
    expect(offeredActions(at('dispatched', { reports: joined }), user('operator'))).toContain('split');
    expect(offeredActions(at('dispatched'), user('operator'))).not.toContain('split');
    expect(offeredActions(at('closed', { reports: joined, deadline: null }), user('operator'))).not.toContain('split');
    expect(actionForKey('u', offeredActions(at('dispatched', { reports: joined }), user('operator')))).toBe('split');
  });

  it('回访 is offered on a closed case until the resident has answered, on e', () => {
    const closed = at('closed', { deadline: null });
    expect(actionForKey('e', offeredActions(closed, user('operator')))).toBe('evaluate');
    expect(offeredActions(at('verified'), user('operator'))).not.toContain('evaluate');
    expect(offeredActions(closed, user('viewer'))).toEqual([]);
    // not reached: the resident may be called back again; answered: the verdict stands
    expect(offeredActions(at('closed', { deadline: null, evaluation: { at: T0, contacted: false } }), user('operator'))).toContain('evaluate');
    expect(offeredActions(at('closed', { deadline: null, evaluation: { at: T0, contacted: true, resolved: true, satisfaction: 'satisfied' } }), user('operator'))).not.toContain('evaluate');
    expect(ACTION_DIALOG.evaluate).toBe('evaluate');
  });

  it('nothing outside the user’s region, and nothing for a disabled account', () => {
    expect(offeredActions(at('reported'), user('operator', '330205'))).toEqual([]);
    expect(offeredActions(at('reported'), user('operator', '330203001'))).toContain('register');
    expect(offeredActions(at('reported'), { ...user('admin'), disabled: true })).toEqual([]);
  });

  it('every action has its own key, except pause and resume which are never offered together', () => {
    const keys = Object.entries(ACTION_KEYS).filter(([a]) => a !== 'resume_sla').map(([, k]) => k);
    expect(new Set(keys).size).toBe(keys.length);
    expect(actionForKey('R', ['register'])).toBe('register');
    expect(actionForKey('d', ['register'])).toBeNull();
  });
});

describe('command bodies', () => {
  const inc = at('registered');
  const assignee = { id: 'D1', name: '海曙区城管执法局', kind: 'department' as const };

  it('carry the version the operator saw and never an actor or a time', () => {
    const bodies = [
      buildCommand('register', at('reported')),
      buildCommand('reject', at('reported'), { reason: 'duplicate', duplicateOf: 'E0', note: '重复' }),
      buildCommand('dispatch', inc, { assignee }),
      buildCommand('hand_back', at('dispatched'), { note: '不属本单位' }),
      buildCommand('redispatch', at('dispatched'), { assignee, note: '改由城管' }),
      buildCommand('verify_fail', at('handled'), { note: '现场未清理' }),
      buildCommand('pause_sla', inc, { note: '等待市民' }),
      buildCommand('note', inc, { note: '已电话联系' }),
      buildCommand('close', at('verified')),
      buildCommand('split', inc, { reportSeq: 12, note: '不是同一处' }),
      buildCommand('evaluate', inc, { evaluation: { contacted: true, resolved: true, satisfaction: 'basically_satisfied' }, note: '居民表示已清理' }),
      buildCommand('evaluate', inc, { evaluation: { contacted: false } }),
    ];
    for (const body of bodies) {
      expect(body).not.toHaveProperty('actor');
      expect(body).not.toHaveProperty('at');
      expect(body.expectedVersion).toBe(3);
      expect(IncidentCommand.safeParse(body).success).toBe(true);
    }
  });

  it('send the reason as the note, and an optional note only when given', () => {
    expect(buildCommand('register', inc)).toEqual({ action: 'register', expectedVersion: 3 });
    expect(buildCommand('register', inc, { note: '  ' })).toEqual({ action: 'register', expectedVersion: 3 });
    expect(buildCommand('dispatch', inc, { assignee, note: '尽快' })).toEqual({ action: 'dispatch', assignee, note: '尽快', expectedVersion: 3 });
    expect(buildCommand('reject', inc, { reason: 'invalid', duplicateOf: 'E0', note: '无效' })).toEqual({ action: 'reject', reason: 'invalid', note: '无效', expectedVersion: 3 });
    expect(buildCommand('evaluate', inc, { evaluation: { contacted: false }, note: ' ' })).toEqual({ action: 'evaluate', evaluation: { contacted: false }, expectedVersion: 3 });
    expect(() => buildCommand('evaluate', inc)).toThrow(/evaluation/);
  });
});

describe('the callback’s choices (回访)', () => {
  it('nothing is preset: each part of the answer must be chosen, in the order asked', () => {
    expect(missingChoice(NO_CHOICE)).toBe('contacted');
    expect(evaluationOf(NO_CHOICE)).toBeNull();
    expect(missingChoice({ ...NO_CHOICE, contacted: true })).toBe('resolved');
    expect(missingChoice({ contacted: true, resolved: false, satisfaction: null })).toBe('satisfaction');
    expect(evaluationOf({ contacted: true, resolved: false, satisfaction: 'dissatisfied' })).toEqual({ contacted: true, resolved: false, satisfaction: 'dissatisfied' });
  });

  it('a resident not reached is recorded as that alone, whatever was picked before', () => {
    expect(evaluationOf({ contacted: false, resolved: true, satisfaction: 'satisfied' })).toEqual({ contacted: false });
  });

  it('digits pick in one sweep: 1 3 5 is reached, solved, satisfied; an answer implies the resident was reached', () => {
    let c = NO_CHOICE;
    for (const k of ['1', '3', '5']) c = pickByKey(c, k)!;
    expect(evaluationOf(c)).toEqual({ contacted: true, resolved: true, satisfaction: 'satisfied' });
    expect(pickByKey(NO_CHOICE, '6')).toEqual({ contacted: true, resolved: null, satisfaction: 'basically_satisfied' });
    expect(pickByKey(NO_CHOICE, '4')).toMatchObject({ contacted: true, resolved: false });
    expect(pickByKey(c, '2')).toMatchObject({ contacted: false });
    expect(pickByKey(c, '8')).toBeNull();
  });
});
