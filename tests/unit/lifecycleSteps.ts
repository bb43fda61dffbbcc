/**
 * Builders shared by the lifecycle tests: a report, a command with the fields its action needs, an
 * incident brought to any stage through the real commands. Pure functions, no shared state.
 */
import { expect } from 'vitest';
import { HubError, type ErrorCode } from '@shared/errors';
import type { Actor } from '@shared/schemas/common';
import { IncidentCommand, NewIncident, type IncidentAction, type ParsedIncidentCommand, type Stage } from '@shared/schemas/incident';
import { applyCommand, defaultSlaPolicy, reportIncident, type CommandOrigin, type EntryDraft } from '../../server/domain/lifecycle';

/** A local time at +08:00. 2026-11-23 is a Monday. */
export const cst = (day: number, hh: number, mm = 0) => Date.UTC(2026, 10, day, hh - 8, mm);
export const H = 3_600_000;
export const MIN = 60_000;
export const policy = defaultSlaPolicy();

export const OPERATOR = { kind: 'operator', id: 'op-1' } as const;
export const DEPARTMENT = { id: 'dept-sanitation', name: '环卫所' };
export const SUPERVISOR = { kind: 'operator', id: 'sup-7' } as const;

export function report(overrides: Record<string, unknown> = {}, now = cst(23, 9)) {
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

/** reasons the steps that need one are given by default */
const NEEDS_REASON: ReadonlySet<IncidentAction> = new Set<IncidentAction>(['reject', 'verify_fail', 'pause_sla', 'hand_back', 'redispatch', 'note']);

/**
 * The command for an action with the fields it needs, and its origin (who, when): spread it into
 * applyCommand(incident, ...command(action, at), ctx). `extra.actor` overrides the actor.
 */
export function command(action: IncidentAction, at: number | undefined, extra: Record<string, unknown> = {}): [ParsedIncidentCommand, CommandOrigin] {
  const { actor: actorOverride, ...rest } = extra;
  const actor = (actorOverride as Actor | undefined) ?? (action === 'accept' || action === 'feedback' ? { kind: 'department', id: DEPARTMENT.id } : action.startsWith('verify') ? SUPERVISOR : OPERATOR);
  const fields = action === 'dispatch' || action === 'redispatch' ? { assignee: DEPARTMENT } : action === 'reject' ? { reason: 'invalid' } : {};
  const note = NEEDS_REASON.has(action) ? { note: `reason for ${action}` } : {};
  return [IncidentCommand.parse({ action, ...fields, ...note, ...rest }), at === undefined ? { actor } : { actor, at }];
}

/** The actions that bring a fresh report to each stage. */
export const PATH_TO: Record<Stage, IncidentAction[]> = {
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
export function incidentIn(stage: Stage, paused = false) {
  let { incident, entry } = report();
  const entries: EntryDraft[] = [entry];
  let at = cst(23, 9);
  for (const action of [...PATH_TO[stage], ...(paused ? (['pause_sla'] as const) : [])]) {
    at += 10 * MIN;
    ({ incident, entry } = applyCommand(incident, ...command(action, at), { now: at, policy }));
    entries.push(entry);
  }
  return { incident, entries, at };
}

export function expectHubError(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
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
