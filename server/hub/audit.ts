/**
 * What the audit log records of a person's step, built beside the decision so that an accepted
 * command's row is written in the same transaction as its event. Refusals get rows of their own.
 * A report or an AI video alarm sent by a source with its ingest key is recorded the same way,
 * under the key: actor `key:<id>`, no role, and the key's id and name with the client.
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

/** A source that sent with its ingest key, no person behind the request: audited under the key. */
export interface KeySender {
  keyId: string;
  /** the key's name, as the admin who made it gave it */
  name: string;
  /** the key's region: where its refusals are filed */
  regionCode: string;
  client: AuditEntry['client'];
}

/** whoever a row is about: a signed-in person, or a source's key */
export type Audited = Principal | KeySender;

export function isPerson(by: Audited): by is Principal {
  return 'user' in by;
}

/**
 * The columns that say who: a person's user name and role, or `key:<id>` and no role for a key
 * (user names hold no `:`, so the two never meet), its name carried with the client.
 */
export function whoOf(by: Audited): Pick<NewAuditRecord, 'actor' | 'role' | 'client'> {
  if (isPerson(by)) return { actor: by.user.username, role: by.user.role, client: by.client };
  return { actor: `key:${by.keyId}`, role: null, client: { ...by.client, key: { id: by.keyId, name: by.name } } };
}

export function actorOf(user: User): Actor {
  return { kind: 'operator', id: user.username, name: user.displayName };
}

export function auditOfStep(
  principal: Audited,
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
    ...whoOf(principal),
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
export function auditOfAlarmDecision(principal: Audited, alarm: VideoAlarm, action: string, at: number, reason: string | null): NewAuditRecord {
  return {
    at,
    ...whoOf(principal),
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

/** an AI video alarm a platform raised (with its key, or a person's script): about the alarm, in its region */
export function auditOfAlarmRaised(by: Audited, alarm: VideoAlarm, at: number): NewAuditRecord {
  return { ...auditOfAlarmDecision(by, alarm, 'alarm_raise', at, null), stepMs: null };
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
