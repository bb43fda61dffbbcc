import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';

/** A log entry before the store gives it its sequence number. */
export type EntryDraft = Omit<IncidentLogEntry, 'seq'>;

/** What the domain decided: the entry to append and the incident after it (= evolve(before, entry)). */
export interface Decision {
  incident: Incident;
  entry: EntryDraft;
}
