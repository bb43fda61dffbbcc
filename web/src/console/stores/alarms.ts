/**
 * The console's copy of the AI video alarms of the user's region: those waiting for a person and
 * those decided in the last 24 h, as the snapshot carries them (`videoAlarms`, incidents layer),
 * kept current by `videoAlarm:updated` deltas and by the alarms that decision acknowledgements
 * return. The sequence number is the queue store's (one stream, one seq): the queue store routes
 * deltas here. The Map is not reactive; components watch `version`.
 */
import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';

export const RECENT_DECIDED_MS = 86_400_000;

/** what a confirm made of an alarm, known only to the desk that confirmed it */
export interface ConfirmOutcome {
  incidentId: string;
  /** joined to an open case by duplicate fusion (并入), rather than a new case */
  joined: boolean;
  /** how many reports the case stands for now */
  reports: number;
}

export const useConsoleAlarms = defineStore('console-alarms', () => {
  const byId = markRaw(new Map<string, VideoAlarm>());
  const outcomes = markRaw(new Map<string, ConfirmOutcome>());
  const version = ref(0);
  /** false until a snapshot said anything about alarms (an older hub sends none) */
  const known = ref(false);

  /** stores a newer version of an alarm; false when it holds that version or a newer one */
  function upsert(alarm: VideoAlarm): boolean {
    const before = byId.get(alarm.id);
    if (before && before.version >= alarm.version) return false;
    byId.set(alarm.id, alarm);
    version.value++;
    return true;
  }

  /** a snapshot replaces everything; `undefined` = this hub sends no alarms */
  function applySnapshot(list: readonly VideoAlarm[] | undefined): void {
    byId.clear();
    for (const a of list ?? []) byId.set(a.id, a);
    known.value = list !== undefined;
    version.value++;
  }

  function noteOutcome(alarmId: string, outcome: ConfirmOutcome): void {
    outcomes.set(alarmId, outcome);
    version.value++;
  }

  function outcomeOf(alarmId: string): ConfirmOutcome | null {
    void version.value;
    return outcomes.get(alarmId) ?? null;
  }

  /** forgets alarms decided more than 24 h ago (a fresh snapshot would not carry them) */
  function prune(now: number): number {
    let removed = 0;
    for (const [id, a] of byId) {
      if (a.status !== 'pending' && (a.decidedAt ?? a.at) < now - RECENT_DECIDED_MS) {
        byId.delete(id);
        outcomes.delete(id);
        removed++;
      }
    }
    if (removed) version.value++;
    return removed;
  }

  function reset(): void {
    byId.clear();
    outcomes.clear();
    known.value = false;
    version.value++;
  }

  return { byId, version, known, upsert, applySnapshot, noteOutcome, outcomeOf, prune, reset };
});
