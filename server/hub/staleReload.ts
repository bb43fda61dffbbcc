/**
 * After a group's append was refused because another hub node changed its rows (StaleStateError:
 * the store held other versions than this node's memory), the rows it names are read back from
 * the store into memory, so that a retry is decided on the stored state. The reload publishes
 * nothing: walls of this node learn the other node's change when nodes share events (issue 18),
 * or from their next snapshot. A case number another node issued also moves this node's counter
 * past the highest of that day, so the next new case does not collide again.
 */
import type { IncidentLogEntry } from '@shared/schemas/incident';
import type { EntryDraft } from '../domain/lifecycle';
import type { StaleStateError, Store } from '../store/types';
import type { FusionIndex } from './fusionIndex';
import type { IncidentIds } from './incidentIds';
import type { IncidentProjection } from './incidentProjection';
import { logEntryOf, sharedIncident } from './sharedShapes';
import { ALARM_MEMORY_MS, type VideoAlarmBook } from './videoAlarmBook';

export interface StaleReloadDeps {
  store: Store;
  projection: IncidentProjection;
  alarms: VideoAlarmBook;
  fusionIndex: FusionIndex;
  ids: IncidentIds;
  clock: () => number;
}

export async function reloadStale(error: StaleStateError, deps: StaleReloadDeps): Promise<void> {
  const ids = [...new Set(error.incidentIds ?? [])];
  if (ids.length > 0) {
    const [incidents, events] = await Promise.all([Promise.all(ids.map((id) => deps.store.getIncident(id))), deps.store.readEvents({ aggregateIds: ids, kind: 'incident' })]);
    const entries = new Map<string, IncidentLogEntry[]>(ids.map((id) => [id, []]));
    for (const ev of events) entries.get(ev.aggregateId)?.push(logEntryOf(ev.payload as EntryDraft, ev.seq));
    for (const stored of incidents) {
      if (!stored) continue;
      const incident = sharedIncident(stored);
      deps.projection.load(incident, entries.get(incident.id) ?? []);
      deps.fusionIndex.update(incident);
    }
    // numbers of the days named: the counter continues after the highest stored
    for (const day of new Set(ids.map((id) => /^(E\d{8}-)\d+$/.exec(id)?.[1]).filter((d): d is string => d !== undefined))) {
      const highest = await deps.store.highestIncidentId(day);
      if (highest) deps.ids.seed([highest]);
    }
  }
  const alarmIds = new Set(error.videoAlarmIds ?? []);
  if (alarmIds.size > 0) {
    // no read of one alarm by id: the alarms memory holds, filtered (a rare path)
    for (const alarm of await deps.store.loadVideoAlarms(deps.clock() - ALARM_MEMORY_MS)) if (alarmIds.has(alarm.id)) deps.alarms.set(alarm);
  }
}
