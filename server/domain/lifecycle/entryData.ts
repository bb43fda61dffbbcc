/**
 * What each log entry's `data` carries, so that the log alone rebuilds the incident (evolve) and
 * its statistics, without the SLA policy that was in force when the entry was written:
 *
 *   reported      { incident, deadline }       the full initial incident
 *   register      { deadline, closeBy }        closeBy: the case's due time (应结案时间)
 *   accept …      { deadline, closeBy? }       every stage change: the new stage's deadline (null when terminal);
 *                                              closeBy when the step ended a pause (moved as by a resume)
 *   dispatch      { deadline, assignee }
 *   redispatch    { deadline, assignee }       the new assignee (改派)
 *   hand_back     { deadline, assignee: null } 退单: back to registered, nobody's case
 *   reject        { deadline: null, reason, duplicateOf }
 *   verify_fail   { deadline, reworkCount }    reworkCount after this rework
 *   resume_sla    { deadline, pausedMs, closeBy? } the moved deadline and due time; pause length on the limit's clock
 *   evaluate      { evaluation }               the resident's verdict at the callback (回访)
 *   overdue       { deadline }                 the deadline that was missed
 *   report_joined { report, distanceM }        the joined report as taken (duplicate fusion)
 *   split         { reportSeq, newIncidentId, source }
 *   supervise, pause_sla, note: null                 the entry's own time and actor say it all
 *
 * The readers below check shapes by hand rather than with zod: statistics read every entry of
 * every incident every couple of seconds.
 */
import { SATISFACTION_LEVELS, type Assignee, type Deadline, type Incident, type Satisfaction } from '@shared/schemas/incident';

export type EntryData = Record<string, unknown> | null;

/** `data.deadline`: a deadline, null (explicitly none), or undefined when absent or malformed. */
export function deadlineIn(data: EntryData): Deadline | null | undefined {
  const d = data?.deadline;
  if (d === null) return null;
  if (typeof d !== 'object') return undefined;
  const { stage, dueAt } = d as Record<string, unknown>;
  return typeof stage === 'string' && typeof dueAt === 'number' ? (d as Deadline) : undefined;
}

/** `data.closeBy`: the case's due time, or undefined when the entry carries none */
export function closeByIn(data: EntryData): number | undefined {
  const t = data?.closeBy;
  return typeof t === 'number' ? t : undefined;
}

/** `data.evaluation` of an `evaluate` entry, or undefined when malformed */
export function evaluationIn(data: EntryData): { contacted: boolean; resolved?: boolean; satisfaction?: Satisfaction } | undefined {
  const e = data?.evaluation as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null || typeof e.contacted !== 'boolean') return undefined;
  if (!e.contacted) return { contacted: false };
  if (typeof e.resolved !== 'boolean' || !SATISFACTION_LEVELS.includes(e.satisfaction as Satisfaction)) return undefined;
  return { contacted: true, resolved: e.resolved, satisfaction: e.satisfaction as Satisfaction };
}

export function assigneeIn(data: EntryData): Assignee | undefined {
  const a = data?.assignee;
  if (typeof a !== 'object' || a === null) return undefined;
  const { id, name, kind } = a as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string') return undefined;
  return kind === 'department' || kind === 'patrol' ? { id, name, kind } : { id, name };
}

export function rejectionIn(data: EntryData): { reason: 'invalid' | 'duplicate'; duplicateOf: string | null } | undefined {
  const reason = data?.reason;
  const duplicateOf = data?.duplicateOf ?? null;
  if (reason !== 'invalid' && reason !== 'duplicate') return undefined;
  return typeof duplicateOf === 'string' || duplicateOf === null ? { reason, duplicateOf } : undefined;
}

export function pausedMsIn(data: EntryData): number | undefined {
  const ms = data?.pausedMs;
  return typeof ms === 'number' && ms >= 0 ? ms : undefined;
}

/** The channel and time of the report a `report_joined` entry carries, or undefined when malformed. */
export function joinedReportMetaIn(data: EntryData): { source: string; reportedAt: number | undefined } | undefined {
  const report = data?.report as { source?: unknown; reportedAt?: unknown } | undefined;
  if (typeof report?.source !== 'string') return undefined;
  return { source: report.source, reportedAt: typeof report.reportedAt === 'number' ? report.reportedAt : undefined };
}

/** The initial incident of a 'reported' entry (trusted: the domain wrote it). */
export function initialIncidentIn(data: EntryData): Incident | undefined {
  const incident = data?.incident;
  return typeof incident === 'object' && incident !== null && 'id' in incident ? (incident as Incident) : undefined;
}
