/**
 * A case's whole history in one list: the incident log (every step as the hub applied it) merged
 * with the audit log (who, in which role, the reason, and the refused attempts the incident log
 * never sees). An audit row that wrote a log entry names it by `seq`; those two become one line.
 */
import type { Role } from '@shared/schemas/auth';
import type { AuditEntry } from '@shared/schemas/audit';
import { SATISFACTION_LEVELS, type IncidentLogEntry, type Satisfaction, type Stage } from '@shared/schemas/incident';

/** the resident's answer an `evaluate` entry (回访) recorded */
export interface TimelineEvaluation {
  contacted: boolean;
  resolved: boolean | null;
  satisfaction: Satisfaction | null;
}

export interface TimelineRow {
  key: string;
  at: number;
  /** step: applied to the case; refusal: tried and refused; other: audit-only (e.g. a report) */
  kind: 'step' | 'refusal' | 'other';
  /** a log entry type or an audit action */
  action: string;
  actor: string;
  role: Role | null;
  from: Stage | null;
  to: Stage | null;
  /** the reason or note given */
  note: string | null;
  /** what the step carried: the assignee (dispatch), the joined report's title, the new case of a split */
  detail: string | null;
  /** the callback's answer (evaluate entries) */
  evaluation: TimelineEvaluation | null;
  /** the refusal's code and the hub's message */
  error: string | null;
  message: string | null;
}

function nameIn(v: unknown, key: 'name' | 'title'): string | null {
  if (v && typeof v === 'object' && key in v) {
    const s = (v as Record<string, unknown>)[key];
    if (typeof s === 'string') return s;
  }
  return null;
}

function detailOf(e: IncidentLogEntry): string | null {
  const data = e.data;
  if (e.type === 'report_joined') return nameIn(data?.['report'], 'title');
  if (e.type === 'split') return typeof data?.['newIncidentId'] === 'string' ? data['newIncidentId'] : null;
  return nameIn(data?.['assignee'], 'name');
}

/** read leniently: a log written by another hub version must still show */
export function evaluationIn(data: Record<string, unknown> | null | undefined): TimelineEvaluation | null {
  const v = data?.['evaluation'];
  if (!v || typeof v !== 'object') return null;
  const e = v as Record<string, unknown>;
  if (typeof e['contacted'] !== 'boolean') return null;
  const satisfaction = SATISFACTION_LEVELS.find((s) => s === e['satisfaction']) ?? null;
  return { contacted: e['contacted'], resolved: typeof e['resolved'] === 'boolean' ? e['resolved'] : null, satisfaction };
}

function fromLog(e: IncidentLogEntry): TimelineRow {
  return {
    key: `log:${e.seq}`,
    at: e.at,
    kind: 'step',
    action: e.type,
    actor: e.actor.name ?? e.actor.id,
    role: null,
    from: e.from,
    to: e.to,
    note: e.note,
    detail: detailOf(e),
    evaluation: e.type === 'evaluate' ? evaluationIn(e.data) : null,
    error: null,
    message: null,
  };
}

/** a person by user name; a source by its key's name (the audit's actor is then `key:<id>`) */
function actorOf(a: AuditEntry): string {
  return a.client.key ? `${a.client.key.name} (${a.client.key.id})` : a.actor;
}

function fromAudit(a: AuditEntry): TimelineRow {
  return {
    key: `audit:${a.id}`,
    at: a.at,
    kind: a.outcome === 'refused' ? 'refusal' : 'other',
    action: a.action,
    actor: actorOf(a),
    role: a.role,
    from: a.stageBefore,
    to: a.stageAfter,
    note: a.reason,
    detail: null,
    evaluation: null,
    error: a.error,
    message: a.message,
  };
}

/** newest first; ties keep the log's order */
export function mergeTimeline(log: readonly IncidentLogEntry[], audit: readonly AuditEntry[]): TimelineRow[] {
  const bySeq = new Map<number, AuditEntry>();
  const rest: AuditEntry[] = [];
  for (const a of audit) {
    if (a.outcome === 'ok' && a.seq !== null) bySeq.set(a.seq, a);
    else rest.push(a);
  }
  const rows: TimelineRow[] = log.map((e) => {
    const row = fromLog(e);
    const a = bySeq.get(e.seq);
    if (!a) return row;
    bySeq.delete(e.seq);
    // the audit names the person by user name and role; the log's note stays if no reason was audited
    return { ...row, actor: actorOf(a) || row.actor, role: a.role, note: a.reason ?? row.note };
  });
  for (const a of [...rest, ...bySeq.values()]) rows.push(fromAudit(a));
  const order = (r: TimelineRow) => (r.key.startsWith('log:') ? Number(r.key.slice(4)) : Number.MAX_SAFE_INTEGER);
  return rows.sort((x, y) => y.at - x.at || order(y) - order(x));
}
