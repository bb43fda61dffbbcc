/**
 * Cases and AI video alarms another hub node wrote (logFollower.ts), installed here as that node
 * installed them (writeGroup.ts `install`): memory, the fusion index, the case counter, then the
 * same delta with the same seq.
 *
 * A case event carries its log entry, not the case after it: the case is evolved from the state
 * memory holds (the pure replay, domain/lifecycle/evolve.ts — the very function every decision
 * builds its result with), so the delta carries the case exactly as of that seq. A case memory
 * does not hold (closed before the memory window, changed again now) is rebuilt from its own
 * log up to that seq, and so is one whose held state the entry does not follow from.
 */
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import { evolve, replay, type EntryDraft } from '../domain/lifecycle';
import type { Store, StoredEvent } from '../store/types';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import type { DeltaStream } from './deltaStream';
import type { FusionIndex } from './fusionIndex';
import type { IncidentIds } from './incidentIds';
import type { IncidentProjection } from './incidentProjection';
import { logEntryOf, sharedIncident } from './sharedShapes';
import type { VideoAlarmBook } from './videoAlarmBook';

export interface FollowIncidentDeps {
  store: Store;
  projection: IncidentProjection;
  alarms: VideoAlarmBook;
  stream: DeltaStream;
  fusionIndex: FusionIndex;
  ids: IncidentIds;
}

export async function installFollowedIncident(event: StoredEvent, deps: FollowIncidentDeps): Promise<void> {
  const draft = event.payload as EntryDraft;
  const last = deps.projection.get(event.aggregateId)?.entries.at(-1);
  if (last && last.seq >= event.seq) return; // memory read it at start-up already
  const incident = sharedIncident(await caseAfter(event, draft, deps));
  const entry = logEntryOf(draft, event.seq);
  deps.projection.apply(incident, entry);
  deps.fusionIndex.update(incident);
  deps.ids.seed([incident.id]); // a number issued elsewhere is never issued here
  if (event.quiet) return;
  deps.stream.publish({
    delta: draft.type === 'reported' ? { type: 'incident:reported', seq: event.seq, incident, entry } : { type: 'incident:updated', seq: event.seq, incident, entry },
    path: incident.regionPath,
    layer: 'incidents',
  });
}

export function installFollowedAlarm(event: StoredEvent, deps: FollowIncidentDeps): void {
  const alarm = event.payload as VideoAlarm;
  deps.alarms.set(alarm);
  if (event.quiet) return;
  deps.stream.publish({ delta: { type: 'videoAlarm:updated', seq: event.seq, alarm }, path: alarm.regionPath, layer: 'incidents' });
}

async function caseAfter(event: StoredEvent, draft: EntryDraft, deps: FollowIncidentDeps): Promise<Incident> {
  const held = deps.projection.get(event.aggregateId)?.incident ?? null;
  if (draft.type === 'reported' && !held) return evolve(null, draft);
  if (held) {
    try {
      return evolve(held, draft);
    } catch {
      // memory's copy is not the one this entry follows: rebuilt from the log below
    }
  }
  const earlier = await deps.store.readEvents({ kind: 'incident', aggregateId: event.aggregateId, toSeq: event.seq - 1 });
  const entries: IncidentLogEntry[] = earlier.map((e) => logEntryOf(e.payload as EntryDraft, e.seq));
  try {
    const before = entries.length > 0 ? replay(entries) : null;
    // its whole log, so that a later split still finds the report it names
    if (before) deps.projection.load(sharedIncident(before), entries);
    return evolve(before, draft);
  } catch (error) {
    // a log that does not replay (it never should): the row as stored, so that following goes on
    // rather than stopping at this event for ever (and every write of this node with it)
    const row = await deps.store.getIncident(event.aggregateId);
    if (!row) throw error;
    deps.projection.load(sharedIncident(row), entries);
    return row;
  }
}
