/**
 * Duplicate fusion in the log: a report that joins an open case is one `report_joined` entry on
 * that case (the report itself is kept in the entry, so it can be split off again), and a split
 * is one `split` entry on the case plus a new case whose first entry is that report. Counts of
 * reports per channel live on the incident; statistics count reports and cases apart.
 */
import { HubError } from '@shared/errors';
import type { Actor } from '@shared/schemas/common';
import type { Incident, IncidentLogEntry, ParsedNewIncident } from '@shared/schemas/incident';
import { NewIncident } from '@shared/schemas/incident';
import type { SlaPolicy } from '../sla/policy';
import { refuseFuture } from './eventTime';
import { evolve } from './evolve';
import { maskReporter, reportIncident, reporterActor } from './report';
import type { Decision, EntryDraft } from './types';

export function joinReport(incident: Incident, report: ParsedNewIncident, ctx: { now: number; distanceM: number }): Decision {
  const at = Math.max(report.reportedAt ?? ctx.now, incident.updatedAt);
  refuseFuture(at, ctx.now, 'report');
  const kept: ParsedNewIncident = { ...report, reporter: maskReporter(report.reporter), reportedAt: report.reportedAt ?? ctx.now };
  const entry: EntryDraft = {
    incidentId: incident.id,
    type: 'report_joined',
    from: incident.stage,
    to: incident.stage,
    actor: reporterActor(report),
    at,
    note: null,
    data: { report: kept, distanceM: Math.round(ctx.distanceM) },
  };
  return { incident: evolve(incident, entry), entry };
}

/** the report a `report_joined` entry carries (trusted: the domain wrote it) */
export function joinedReportIn(data: Record<string, unknown> | null): ParsedNewIncident | undefined {
  const parsed = NewIncident.safeParse(data?.report);
  return parsed.success ? parsed.data : undefined;
}

export interface SplitContext {
  newId: string;
  gridCode: string;
  regionPath: string[];
  now: number;
  policy: SlaPolicy;
  actor: Actor;
  note: string;
}

/**
 * Splits the report of `joined` (a report_joined entry of `incident`) off into a case of its own.
 * Refused when the entry is not a joined report of this case, or was split off already.
 */
export function splitReport(incident: Incident, joined: IncidentLogEntry | undefined, alreadySplit: boolean, ctx: SplitContext): { original: Decision; created: Decision } {
  if (!joined || joined.type !== 'report_joined' || joined.incidentId !== incident.id) {
    throw new HubError('VALIDATION_FAILED', `Entry ${joined?.seq ?? '?'} is not a report joined to incident ${incident.id}.`, [{ path: 'reportSeq', message: 'not a joined report of this case' }]);
  }
  if (alreadySplit) throw new HubError('ILLEGAL_TRANSITION', `The report of entry ${joined.seq} was split off incident ${incident.id} already.`);
  const report = joinedReportIn(joined.data);
  if (!report) throw new HubError('INTERNAL', `The joined report of entry ${joined.seq} cannot be read.`);
  const at = Math.max(ctx.now, incident.updatedAt);
  const entry: EntryDraft = {
    incidentId: incident.id,
    type: 'split',
    from: incident.stage,
    to: incident.stage,
    actor: { ...ctx.actor },
    at,
    note: ctx.note,
    data: { reportSeq: joined.seq, newIncidentId: ctx.newId, source: report.source },
  };
  const original = { incident: evolve(incident, entry), entry };
  const created = reportIncident(report, { id: ctx.newId, gridCode: ctx.gridCode, regionPath: ctx.regionPath, now: ctx.now, policy: ctx.policy });
  created.entry.data = { ...created.entry.data, splitFrom: { incidentId: incident.id, reportSeq: joined.seq } };
  return { original, created };
}
