/**
 * Focus mode and alerts (issue 16) as the hub holds them for this wall's HOME region: the
 * focuses that reach it, the alerts in it, and the latest track of each focus's responders.
 * Reliable state: a snapshot replaces it all (every subscription's snapshot carries the home
 * region's focuses and alerts, whichever region is on screen), `focus:changed` and
 * `alert:changed` deltas replace one item — applying the same delta twice changes nothing.
 * Small collections (a handful of focuses, tens of alerts): plain immutable Maps in shallowRefs.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Alert } from '@shared/schemas/alert';
import type { Focus, FocusTrack } from '@shared/schemas/focus';
import type { Delta, Snapshot } from '@shared/schemas/live';

type FocusDelta = Extract<Delta, { type: 'focus:changed' }>;
type AlertDelta = Extract<Delta, { type: 'alert:changed' }>;

/** acknowledged alerts are kept this long (the hub's snapshot keeps an hour of them too) */
export const ACKNOWLEDGED_KEEP_MS = 3_600_000;
/** focus ids ended lately: a repeated delta of one of them must not bring it back */
const ENDED_MEMORY = 50;

/** the focus a wall shows when several reach it: the most recently started */
export function latestFocus(focuses: Iterable<Focus>): Focus | null {
  let best: Focus | null = null;
  for (const f of focuses) if (!best || f.startedAt > best.startedAt || (f.startedAt === best.startedAt && f.id > best.id)) best = f;
  return best;
}

/** alerts still waiting for a person: most severe first, then the longest waiting */
export function waitingAlerts(alerts: Iterable<Alert>): Alert[] {
  const out: Alert[] = [];
  for (const a of alerts) if (a.state === 'waiting') out.push(a);
  return out.sort((a, b) => b.severity - a.severity || a.raisedAt - b.raisedAt || a.id.localeCompare(b.id));
}

export interface AlertChange {
  alert: Alert;
  /** first time this page hears of it, waiting */
  isNew: boolean;
  /** it was waiting and is acknowledged now */
  acknowledged: boolean;
}

export const useCoordinationStore = defineStore('coordination', () => {
  const focuses = shallowRef<ReadonlyMap<string, Focus>>(new Map());
  const alerts = shallowRef<ReadonlyMap<string, Alert>>(new Map());
  const tracks = shallowRef<ReadonlyMap<string, FocusTrack>>(new Map());
  /** the hub sends alerts (protocol 5): the alarm card follows them, not the old incident rule */
  const speaksAlerts = ref(false);
  const ended: string[] = [];

  /**
   * this wall's home region: the hub also tells it of focuses on cases in its home that reach only
   * walls below it (a district focus, told to the city's wall and desk); the wall enters a focus
   * only when its `reaches` holds the home. null (not yet subscribed): every focus told counts
   */
  const home = ref<string | null>(null);
  const setHome = (code: string | null) => (home.value = code);
  const current = computed(() => latestFocus([...focuses.value.values()].filter((f) => home.value === null || !Array.isArray(f.reaches) || f.reaches.includes(home.value))));
  const currentTrack = computed(() => (current.value ? tracks.value.get(current.value.id) ?? null : null));
  const waiting = computed(() => waitingAlerts(alerts.value.values()));

  function rememberEnded(id: string): void {
    if (ended.includes(id)) return;
    ended.push(id);
    if (ended.length > ENDED_MEMORY) ended.shift();
  }

  /** replaces everything; returns the alerts this page had not seen waiting before */
  function applySnapshot(s: Snapshot): Alert[] {
    const nextFocuses = new Map<string, Focus>();
    for (const f of s.focuses ?? []) nextFocuses.set(f.id, f);
    for (const id of focuses.value.keys()) if (!nextFocuses.has(id)) rememberEnded(id);
    focuses.value = nextFocuses;
    const nextTracks = new Map<string, FocusTrack>();
    for (const [id, t] of tracks.value) if (nextFocuses.has(id)) nextTracks.set(id, t);
    tracks.value = nextTracks;

    const before = alerts.value;
    const nextAlerts = new Map<string, Alert>();
    for (const a of s.alerts ?? []) nextAlerts.set(a.id, a);
    alerts.value = nextAlerts;
    if (s.alerts) speaksAlerts.value = true;
    return [...nextAlerts.values()].filter((a) => a.state === 'waiting' && before.get(a.id)?.state !== 'waiting');
  }

  /** a focus began, changed or ended; true when what the wall shows changed */
  function applyFocusDelta(d: FocusDelta): boolean {
    const next = new Map(focuses.value);
    if (d.focus === null) {
      rememberEnded(d.focusId);
      if (!next.delete(d.focusId)) return false;
      const t = new Map(tracks.value);
      t.delete(d.focusId);
      tracks.value = t;
    } else {
      if (ended.includes(d.focus.id)) return false;
      next.set(d.focus.id, d.focus);
    }
    focuses.value = next;
    return true;
  }

  function applyAlertDelta(d: AlertDelta): AlertChange | null {
    const incoming = d.alert;
    const known = alerts.value.get(incoming.id);
    // an acknowledgement is final: a repeated older delta never makes an alert wait again
    if (known?.state === 'acknowledged' && incoming.state === 'waiting') return null;
    const next = new Map(alerts.value);
    next.set(incoming.id, incoming);
    alerts.value = next;
    speaksAlerts.value = true;
    return {
      alert: incoming,
      isNew: !known && incoming.state === 'waiting',
      acknowledged: known?.state === 'waiting' && incoming.state === 'acknowledged',
    };
  }

  /** the responders' latest fixes, distance and ETA; an older or unknown focus's track is dropped */
  function applyTrack(t: FocusTrack): boolean {
    if (!focuses.value.has(t.focusId)) return false;
    const prev = tracks.value.get(t.focusId);
    if (prev && prev.at > t.at) return false;
    const next = new Map(tracks.value);
    next.set(t.focusId, t);
    tracks.value = next;
    return true;
  }

  function alert(id: string): Alert | null {
    return alerts.value.get(id) ?? null;
  }

  /** forgets acknowledged alerts older than an hour (a snapshot would not carry them either) */
  function prune(serverNow: number): void {
    let dropped = false;
    const next = new Map(alerts.value);
    for (const [id, a] of next) {
      if (a.state === 'acknowledged' && serverNow - (a.acknowledgedAt ?? a.raisedAt) > ACKNOWLEDGED_KEEP_MS) {
        next.delete(id);
        dropped = true;
      }
    }
    if (dropped) alerts.value = next;
  }

  return { focuses, alerts, tracks, speaksAlerts, home, setHome, current, currentTrack, waiting, applySnapshot, applyFocusDelta, applyAlertDelta, applyTrack, alert, prune };
});
