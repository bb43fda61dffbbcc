/**
 * The steps of a case: actions and their Chinese names, who took them, and the command each becomes.
 * Used by both layouts (one row per step, one row per case with its step times).
 */
import { createHash } from 'node:crypto';
import type { Actor } from '@shared/schemas/common';
import { INCIDENT_ACTIONS } from '@shared/schemas/incident';
import type { RowReader } from '../fields';

/** every loop step a file may carry; `split` names a log entry of this hub, so it cannot be imported */
export const IMPORTABLE_ACTIONS = INCIDENT_ACTIONS.filter((a) => a !== 'split');

export const ACTION_ALIASES: Readonly<Record<string, string>> = {
  reported: 'report',
  上报: 'report',
  立案: 'register',
  不予立案: 'reject',
  作废: 'reject',
  派遣: 'dispatch',
  派单: 'dispatch',
  接单: 'accept',
  处置反馈: 'feedback',
  反馈: 'feedback',
  核查通过: 'verify_pass',
  核查不通过: 'verify_fail',
  返工: 'verify_fail',
  结案: 'close',
  退单: 'hand_back',
  改派: 'redispatch',
  督办: 'supervise',
  挂起: 'pause_sla',
  恢复计时: 'resume_sla',
  备注: 'note',
  回访: 'evaluate',
};

export const STEP_COLUMNS = {
  actorId: ['actor', 'actor_id', 'operator', 'operator_id', '操作人'],
  actorName: ['actor_name', 'operator_name'],
  actorKind: ['actor_kind'],
  assigneeId: ['assignee_id', 'department_id', 'dept_id'],
  assigneeName: ['assignee', 'assignee_name', 'department', 'dept', '处置部门'],
  assigneeKind: ['assignee_kind'],
  note: ['note', 'comment', 'opinion', '意见', '备注'],
  reason: ['reason', 'reject_reason', '不予立案原因'],
  duplicateOf: ['duplicate_of'],
  contacted: ['contacted'],
  resolved: ['resolved', '是否解决'],
  satisfaction: ['satisfaction', '满意度'],
} as const;

/** the default actor of the centre's own steps: the source system, named as such */
export function systemActor(system: string): Actor {
  return { kind: 'operator', id: `import:${system}`, name: `${system} (imported)` };
}

/** an id for a unit known only by its name (ids are ASCII; names are often Chinese) */
export function unitId(name: string): string {
  return `unit-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

export function readActor(row: RowReader, fallback: Actor): Actor {
  const id = row.text(STEP_COLUMNS.actorId, { max: 80 });
  const name = row.text(STEP_COLUMNS.actorName, { max: 80 });
  const kind = row.oneOf(STEP_COLUMNS.actorKind, ['operator', 'department', 'patrol', 'citizen'] as const);
  if (id === undefined && name === undefined) return kind ? { ...fallback, kind } : fallback;
  // an actor column holding a person's name (not an id) is kept as the name, with an id made from it
  const actorId = id !== undefined && ID.test(id) && id.length <= 64 ? id : unitId(id ?? name!);
  return { kind: kind ?? fallback.kind, id: actorId, name: name ?? id ?? actorId };
}

export function readAssignee(row: RowReader): Record<string, unknown> | undefined {
  const id = row.text(STEP_COLUMNS.assigneeId, { max: 64 });
  const name = row.text(STEP_COLUMNS.assigneeName, { max: 80 });
  const kind = row.oneOf(STEP_COLUMNS.assigneeKind, ['department', 'patrol'] as const);
  if (id === undefined && name === undefined) return undefined;
  return { id: id ?? unitId(name!), name: name ?? id!, ...(kind ? { kind } : {}) };
}

const REASONS: Record<string, 'invalid' | 'duplicate'> = { 无效: 'invalid', 重复: 'duplicate' };

/** the fields a command of `action` takes from the row, beside action and note */
export function commandFields(row: RowReader, action: string, assignee: Record<string, unknown> | undefined): { fields: Record<string, unknown>; duplicateOfRef?: string } {
  switch (action) {
    case 'dispatch':
    case 'redispatch':
      if (!assignee) row.problem(STEP_COLUMNS.assigneeName[0], `a ${action} needs the unit it went to (assignee or department)`);
      return { fields: assignee ? { assignee } : {} };
    case 'reject': {
      const reason = row.oneOf(STEP_COLUMNS.reason, ['invalid', 'duplicate'] as const, { aliases: REASONS }) ?? 'invalid';
      const duplicateOfRef = row.text(STEP_COLUMNS.duplicateOf, { max: 80 });
      if (reason === 'duplicate' && duplicateOfRef === undefined) row.problem('duplicate_of', 'a rejection as a duplicate needs duplicate_of: the reference of the case it repeats');
      return { fields: { reason }, ...(duplicateOfRef !== undefined ? { duplicateOfRef } : {}) };
    }
    case 'evaluate': {
      const contacted = row.boolean(STEP_COLUMNS.contacted) ?? true;
      if (!contacted) return { fields: { evaluation: { contacted: false } } };
      const resolved = row.boolean(STEP_COLUMNS.resolved);
      const satisfaction = row.oneOf(STEP_COLUMNS.satisfaction, ['satisfied', 'basically_satisfied', 'dissatisfied'] as const, {
        aliases: { 满意: 'satisfied', 基本满意: 'basically_satisfied', 不满意: 'dissatisfied' },
      });
      return { fields: { evaluation: { contacted: true, ...(resolved !== undefined ? { resolved } : {}), ...(satisfaction ? { satisfaction } : {}) } } };
    }
    default:
      return { fields: {} };
  }
}

/** steps whose command needs a reason; an export without one says so rather than inventing words */
export const NOTE_REQUIRED = new Set(['reject', 'hand_back', 'redispatch', 'verify_fail', 'pause_sla', 'note']);
export const NO_NOTE_GIVEN = '(no note in the imported record)';

/** steps a department takes (its actor defaults to the unit the case is with) */
export const UNIT_STEPS = new Set(['accept', 'feedback', 'hand_back']);
