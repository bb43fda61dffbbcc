/**
 * Cases for the statistics tests, built through the real domain (reportIncident, applyCommand,
 * joinReport) from a list of steps with their times, so that the log entries are exactly what
 * the hub would write. The tests recompute the expected figures from the same step lists.
 */
import type { Actor } from '@shared/schemas/common';
import { IncidentCommand, NewIncident, type IncidentAction } from '@shared/schemas/incident';
import { applyCommand, detectOverdue, joinReport, reportIncident, type EntryDraft } from '../../server/domain/lifecycle';
import type { SlaPolicy } from '../../server/domain/sla';
import type { IncidentRecord } from '../../server/domain/stats';

export type CaseStep = [IncidentAction | 'sweep' | 'join', number, Record<string, unknown>?];

export interface CaseSpec {
  id: string;
  street: string;
  at: number;
  source: string;
  category: string;
  severity?: number;
  steps?: CaseStep[];
}

const OPERATOR: Actor = { kind: 'operator', id: 'op' };
const SUPERVISOR: Actor = { kind: 'operator', id: 'sup' };

export function buildCase(spec: CaseSpec, policy: SlaPolicy): IncidentRecord {
  const input = NewIncident.parse({
    source: spec.source,
    category: spec.category,
    severity: spec.severity ?? 1,
    title: spec.id,
    location: { lng: 121.5, lat: 29.8 },
    reporter: { kind: 'patrol', id: 'p-1' },
    reportedAt: spec.at,
  });
  const grid = `${spec.street}-G1`;
  let d = reportIncident(input, { id: spec.id, gridCode: grid, regionPath: ['D1', spec.street, grid], now: spec.at, policy });
  const entries: EntryDraft[] = [d.entry];
  for (const [action, at, extra] of spec.steps ?? []) {
    if (action === 'sweep') {
      const swept = detectOverdue(d.incident, at);
      if (!swept) continue;
      d = swept;
    } else if (action === 'join') {
      const report = NewIncident.parse({ ...input, source: extra?.source ?? 'hotline', reportedAt: at });
      d = joinReport(d.incident, report, { now: at, distanceM: 10 });
    } else {
      const actor = action.startsWith('verify') ? SUPERVISOR : OPERATOR;
      const fields =
        action === 'dispatch' || action === 'redispatch'
          ? { assignee: { id: 'dept', name: 'Dept' } }
          : action === 'reject'
            ? { reason: 'invalid' }
            : action === 'evaluate'
              ? { evaluation: { contacted: true, resolved: true, satisfaction: 'satisfied' } }
              : {};
      const note = ['reject', 'verify_fail', 'pause_sla', 'hand_back', 'redispatch'].includes(action) ? { note: 'reason' } : {};
      const command = IncidentCommand.parse({ action, ...fields, ...note, ...extra });
      d = applyCommand(d.incident, command, { actor, at }, { now: at, policy });
    }
    entries.push(d.entry);
  }
  return { incident: d.incident, entries };
}
