/**
 * The case store's objects, built so that objects of one kind share a few hidden classes. The
 * store holds every case changed within MEMORY_DAYS with every entry of its log: at province scale
 * some 70,000 cases and 300,000 entries a day, for 35 days.
 *
 * Why not `{ ...draft, seq }`: on Node 20 (V8 11.3) an object made by spreading another and then
 * adding a key gets a hidden class of its own nearly every time (41 times in 50 in a plain loop),
 * and so does an incident after evolve's spreads; each such object then carries its own map,
 * descriptor array and enum cache. Measured: ~350 bytes more per log entry (64.3 MB against 29.9 MB
 * for 100,000 entries), and in a replayed city day the hub's heap grew by more in hidden classes
 * (+5.2 MB, 40,000 of them) than in the cases' own objects (+4.7 MB). An object literal, or
 * Object.assign onto `{}`, goes through the shared transition tree instead.
 */
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import type { EntryDraft } from '../domain/lifecycle';

/** the stored log entry of a draft: one literal, every key in one order */
export function logEntryOf(draft: EntryDraft, seq: number): IncidentLogEntry {
  return { seq, incidentId: draft.incidentId, type: draft.type, from: draft.from, to: draft.to, actor: draft.actor, at: draft.at, note: draft.note, data: draft.data };
}

/** the incident as the store keeps it: the same fields, on a hidden class it shares with other incidents */
export function sharedIncident(incident: Incident): Incident {
  return Object.assign({}, incident);
}
