/**
 * What the audit log records of a person's step, built beside the decision so that an accepted
 * command's row is written in the same transaction as its event. Refusals get rows of their own.
 */
import type { AuditEntry } from '@shared/schemas/audit';
import type { User } from '@shared/schemas/auth';
import type { Actor } from '@shared/schemas/common';
import type { Incident, Stage } from '@shared/schemas/incident';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import type { NewAuditRecord } from '../store/types';

/** A signed-in person and where the request came from. */
export interface Principal {
  user: User;
  sessionId: string;
  expiresAt: number;
  client: AuditEntry['client'];
}

export function actorOf(user: User): Actor {
  return { kind: 'operator', id: user.username, name: user.displayName };
}

export function auditOfStep(
  principal: Principal,
  action: string,
  before: Incident | null,
  after: Incident | null,
  at: number,
  reason: string | null,
): NewAuditRecord {
  const from: Stage | null = before?.stage ?? null;
  const enteredAt = before && from ? before.stageEnteredAt[from] : undefined;
  return {
    at,
    actor: principal.user.username,
    role: principal.user.role,
    client: principal.client,
    action,
    outcome: 'ok',
    error: null,
    message: null,
    incidentId: after?.id ?? before?.id ?? null,
    subject: null,
    stageBefore: from,
    stageAfter: after?.stage ?? null,
    reason,
    stepMs: enteredAt === undefined ? null : Math.max(0, at - enteredAt),
    regionPath: [...(after?.regionPath ?? before?.regionPath ?? [])],
  };
}

/** a person's decision on an AI video alarm: about the alarm (subject), in the alarm's region */
export function auditOfAlarmDecision(principal: Principal, alarm: VideoAlarm, action: string, at: number, reason: string | null): NewAuditRecord {
  return {
    at,
    actor: principal.user.username,
    role: principal.user.role,
    client: principal.client,
    action,
    outcome: 'ok',
    error: null,
    message: null,
    incidentId: null,
    subject: alarm.id,
    stageBefore: null,
    stageAfter: null,
    reason,
    stepMs: Math.max(0, at - alarm.at),
    regionPath: [...alarm.regionPath],
  };
}

export function auditOfRefusal(
  who: { actor: string; role: User['role'] | null; client: AuditEntry['client']; regionPath: readonly string[] },
  action: string,
  at: number,
  error: { code: string; message: string },
  incident: Incident | null,
  reason: string | null,
): NewAuditRecord {
  return {
    at,
    actor: who.actor,
    role: who.role,
    client: who.client,
    action,
    outcome: 'refused',
    error: error.code,
    message: error.message,
    incidentId: incident?.id ?? null,
    subject: null,
    stageBefore: incident?.stage ?? null,
    stageAfter: incident?.stage ?? null,
    reason,
    stepMs: null,
    regionPath: [...(incident?.regionPath ?? who.regionPath)],
  };
}

/**
 * A person's change that is not a case's step (a key made or revoked, a focus started): who, what,
 * about which subject, in which region, and the case it concerns if any (its stage unchanged) —
 * every other column empty.
 */
export function auditOfChange(
  by: Principal,
  action: string,
  at: number,
  about: { subject: string | null; reason: string | null; regionPath: readonly string[]; incident?: Incident | null },
): NewAuditRecord {
  return {
    at,
    actor: by.user.username,
    role: by.user.role,
    client: by.client,
    action,
    outcome: 'ok',
    error: null,
    message: null,
    incidentId: about.incident?.id ?? null,
    subject: about.subject,
    stageBefore: about.incident?.stage ?? null,
    stageAfter: about.incident?.stage ?? null,
    reason: about.reason,
    stepMs: null,
    regionPath: [...about.regionPath],
  };
}
