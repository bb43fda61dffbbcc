/**
 * Pure replay: the incident after one log entry. Applying an incident's entries in order from
 * null rebuilds it exactly; applyCommand builds its result with this same function, so what is
 * stored and what a replay yields cannot drift apart. Never consults the SLA policy: every
 * deadline comes from the entry itself.
 */
import { TERMINAL_STAGES, type Incident } from '@shared/schemas/incident';
import { assigneeIn, closeByIn, deadlineIn, evaluationIn, initialIncidentIn, joinedReportMetaIn, pausedMsIn, rejectionIn } from './entryData';
import { isStageAction } from './transitions';
import type { EntryDraft } from './types';

export function evolve(incident: Incident | null, entry: EntryDraft): Incident {
  if (entry.type === 'reported') {
    if (incident) throw replayError(entry, 'a reported entry can only start a log');
    const initial = initialIncidentIn(entry.data);
    if (!initial) throw replayError(entry, 'data.incident is missing');
    return structuredClone(initial);
  }
  if (!incident) throw replayError(entry, 'the log does not start with a reported entry');
  if (entry.incidentId !== incident.id) throw replayError(entry, `it belongs to another incident than ${incident.id}`);
  if (entry.from !== incident.stage) throw replayError(entry, `it starts from ${entry.from} but the incident is ${incident.stage}`);

  const next: Incident = { ...incident, version: incident.version + 1, updatedAt: entry.at };
  if (isStageAction(entry.type)) return enterStage(next, entry);

  switch (entry.type) {
    case 'supervise':
      return { ...next, supervised: true };
    case 'pause_sla':
      return { ...next, sla: { pausedAt: entry.at, pausedMs: incident.sla.pausedMs } };
    case 'resume_sla': {
      const deadline = deadlineIn(entry.data);
      const pausedMs = pausedMsIn(entry.data);
      if (deadline === undefined || pausedMs === undefined) throw replayError(entry, 'data.deadline or data.pausedMs is missing');
      const closeBy = closeByIn(entry.data);
      return {
        ...next,
        deadline: deadline && { ...deadline },
        sla: { pausedAt: null, pausedMs: incident.sla.pausedMs + pausedMs },
        ...(closeBy !== undefined ? { closeBy } : {}),
      };
    }
    case 'evaluate': {
      const evaluation = evaluationIn(entry.data);
      if (!evaluation) throw replayError(entry, 'data.evaluation is missing or malformed');
      return { ...next, evaluation: { ...evaluation, at: entry.at } };
    }
    case 'note':
      return next;
    case 'report_joined': {
      const joined = joinedReportMetaIn(entry.data);
      if (!joined) throw replayError(entry, 'data.report is missing');
      const reports = reportsOf(incident);
      return {
        ...next,
        reports: {
          count: reports.count + 1,
          bySource: { ...reports.bySource, [joined.source]: (reports.bySource[joined.source as Incident['source']] ?? 0) + 1 },
          lastAt: Math.max(reports.lastAt, joined.reportedAt ?? entry.at),
        },
      };
    }
    case 'split': {
      const source = entry.data?.source as Incident['source'] | undefined;
      const reports = reportsOf(incident);
      if (!source || reports.count < 2) throw replayError(entry, 'nothing to split off');
      return { ...next, reports: { ...reports, count: reports.count - 1, bySource: { ...reports.bySource, [source]: Math.max(0, (reports.bySource[source] ?? 1) - 1) } } };
    }
    case 'overdue':
      // 督办 follows automatically when a limit is missed.
      return { ...next, overdue: true, supervised: true };
    default:
      throw replayError(entry, 'unknown entry type');
  }
}

/** the reports a case stands for; a case from before fusion stands for its own report only */
function reportsOf(incident: Incident): NonNullable<Incident['reports']> {
  return incident.reports ?? { count: 1, bySource: { [incident.source]: 1 }, lastAt: incident.reportedAt };
}

/** Rebuilds an incident from its whole log (entries in order). */
export function replay(entries: readonly EntryDraft[]): Incident {
  let incident: Incident | null = null;
  for (const entry of entries) incident = evolve(incident, entry);
  if (!incident) throw new Error('Cannot replay an empty log.');
  return incident;
}

function enterStage(next: Incident, entry: EntryDraft): Incident {
  const deadline = deadlineIn(entry.data);
  if (deadline === undefined) throw replayError(entry, 'data.deadline is missing');
  const terminal = TERMINAL_STAGES.includes(entry.to);
  // register sets the case's due time; a step that ends a pause carries it moved
  const closeBy = closeByIn(entry.data);
  const entered: Incident = {
    ...next,
    stage: entry.to,
    stageEnteredAt: { ...next.stageEnteredAt, [entry.to]: entry.at },
    deadline: deadline && { ...deadline },
    // A new stage starts with a fresh, running clock and is not overdue yet.
    sla: { pausedAt: null, pausedMs: 0 },
    overdue: false,
    // Supervision stays on the case until it ends.
    supervised: terminal ? false : next.supervised,
    ...(closeBy !== undefined ? { closeBy } : {}),
  };
  switch (entry.type) {
    case 'dispatch':
    case 'redispatch': {
      const assignee = assigneeIn(entry.data);
      if (!assignee) throw replayError(entry, 'data.assignee is missing');
      return { ...entered, assignee, handledBy: null };
    }
    case 'hand_back':
      return { ...entered, assignee: null, handledBy: null };
    case 'feedback':
      return { ...entered, handledBy: entry.actor.id };
    case 'reject': {
      const rejection = rejectionIn(entry.data);
      if (!rejection) throw replayError(entry, 'data.reason is missing');
      return { ...entered, rejectReason: rejection.reason, duplicateOf: rejection.duplicateOf };
    }
    case 'verify_fail':
      return { ...entered, reworkCount: next.reworkCount + 1 };
    default:
      return entered;
  }
}

function replayError(entry: EntryDraft, why: string): Error {
  return new Error(`Cannot apply the ${entry.type} entry of incident ${entry.incidentId} at ${entry.at}: ${why}.`);
}
