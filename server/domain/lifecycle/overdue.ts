/** The sweeper's decision: mark a case overdue (超期) and put it under supervision (督办). */
import { isOverdue } from '../sla/clock';
import { evolve } from './evolve';
import { isOpenStage } from './transitions';
import type { Incident } from '@shared/schemas/incident';
import type { Decision, EntryDraft } from './types';

export const SLA_ACTOR = { kind: 'system', id: 'sla' } as const;

/** An 'overdue' decision, or null when the case is not overdue or already marked in this stage. */
export function detectOverdue(incident: Incident, now: number): Decision | null {
  if (!isOpenStage(incident.stage) || !incident.deadline || incident.overdue) return null;
  if (!isOverdue(incident, now)) return null;
  const entry: EntryDraft = {
    incidentId: incident.id,
    type: 'overdue',
    from: incident.stage,
    to: incident.stage,
    actor: { ...SLA_ACTOR },
    // The log only grows forward; a sweep is never earlier than the last change.
    at: Math.max(now, incident.updatedAt),
    note: null,
    data: { deadline: { ...incident.deadline } },
  };
  return { incident: evolve(incident, entry), entry };
}
