/**
 * The focuses that reach this desk's home region (the user's region: the console subscribes to
 * it and names no other `alarmRegion`), as the snapshot's `focuses` carries them, kept current by
 * `focus:changed` deltas (routed here by the queue store, under its sequence number) and by the
 * focuses that `focus:start` / `focus:responders` acknowledgements return, plus the responders'
 * latest distance and ETA from the volatile `focus:track`. Usually none or one focus stands.
 *
 * The hub tells a desk of every focus on a case in its home region, those on narrower walls (a
 * street's, started from a district desk) included: their deltas and tracks come here too.
 *
 * Applied idempotently: a delta carries the whole focus (or null when it ended), so applying it
 * twice changes nothing; an acknowledgement that arrives after the focus ended (its delta came
 * first) does not bring it back. The Maps are not reactive; components watch `version`.
 */
import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { Focus, FocusTrack } from '@shared/schemas/focus';
import type { Delta } from '@shared/schemas/live';

type FocusDelta = Extract<Delta, { type: 'focus:changed' }>;

export const useConsoleFocus = defineStore('console-focus', () => {
  const byId = markRaw(new Map<string, Focus>());
  const tracks = markRaw(new Map<string, FocusTrack>());
  /** focuses this desk saw end: a late acknowledgement must not bring one back */
  const ended = markRaw(new Set<string>());
  const version = ref(0);
  /** bumps with every `focus:track` (about once a second): only the banner watches it */
  const trackVersion = ref(0);

  /** a snapshot replaces everything (an older hub sends no `focuses`: none stands, as far as it says) */
  function applySnapshot(list: readonly Focus[] | undefined): void {
    const before = new Set(byId.keys());
    byId.clear();
    for (const f of list ?? []) {
      byId.set(f.id, f);
      ended.delete(f.id);
    }
    // a focus that ended while this desk was away: its track is of no use any more
    for (const id of before) if (!byId.has(id)) ended.add(id);
    for (const id of [...tracks.keys()]) if (!byId.has(id)) tracks.delete(id);
    version.value++;
  }

  function applyDelta(delta: FocusDelta): void {
    if (delta.focus) {
      byId.set(delta.focusId, delta.focus);
      ended.delete(delta.focusId);
    } else {
      byId.delete(delta.focusId);
      tracks.delete(delta.focusId);
      ended.add(delta.focusId);
    }
    version.value++;
  }

  /** a focus as an acknowledgement returned it; false when it ended meanwhile */
  function upsert(focus: Focus): boolean {
    if (ended.has(focus.id)) return false;
    byId.set(focus.id, focus);
    version.value++;
    return true;
  }

  /** this desk ended it (acknowledged): gone at once, the delta that follows is a no-op */
  function remove(focusId: string): void {
    ended.add(focusId);
    tracks.delete(focusId);
    if (byId.delete(focusId)) version.value++;
  }

  /** the latest track of a focus that stands; an older one (out of order) is dropped */
  function applyTrack(track: FocusTrack): boolean {
    if (!byId.has(track.focusId)) return false;
    const before = tracks.get(track.focusId);
    if (before && before.at > track.at) return false;
    tracks.set(track.focusId, track);
    trackVersion.value++;
    return true;
  }

  function trackOf(focusId: string): FocusTrack | null {
    void trackVersion.value;
    return tracks.get(focusId) ?? null;
  }


  function reset(): void {
    byId.clear();
    tracks.clear();
    ended.clear();
    version.value++;
    trackVersion.value++;
  }

  return { byId, tracks, version, trackVersion, applySnapshot, applyDelta, upsert, remove, applyTrack, trackOf, reset };
});
