/**
 * The alarm card driven by the hub's alerts (issue 16): an alert stays until a person
 * acknowledges it — on a console, or here when the wall's connection is signed in as an operator.
 * The card opens for a new waiting alert (with its tone when the alert says `sound`), collapses
 * to the header's "待确认 N" badge after `alarmAutoCloseMs` or when someone hides it, and opens
 * again, sounding, on every `alert:sounded` (a repeat, or the escalation to the supervisors).
 * Alerts already waiting when the wall loads open the card silently: their next repeat sounds.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Alert, AlertSounded } from '@shared/schemas/alert';
import { DEFAULT_CONFIG } from '../config';
import type { AlertPattern } from '../audio';
import { useCoordinationStore, type AlertChange } from './coordination';
import { useLiveStore } from './live';
import { useWallStore } from './wall';

/** alert ids this page has shown; bounded */
const SEEN_CAP = 500;

export const useAlertCardStore = defineStore('alertCard', () => {
  const coordination = useCoordinationStore();
  /** the alert whose card is open; null: collapsed to the badge */
  const openId = ref<string | null>(null);
  /** client time the card collapses by itself */
  const closeAt = ref<number | null>(null);
  /** how many times the open alert has sounded again (0: not yet) */
  const repeat = ref(0);
  let opts = { alarmAutoCloseMs: DEFAULT_CONFIG.alarmAutoCloseMs, sound: true };
  /** the wall is meant to sound (not ?sound=0) */
  const soundWanted = ref(true);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let sound: ((alert: Alert, pattern: AlertPattern) => void) | null = null;
  const seen = new Set<string>();

  /** the alert on the card: the one opened while it waits, else the next waiting */
  const shown = computed<Alert | null>(() => {
    if (openId.value === null) return null;
    const a = coordination.alerts.get(openId.value);
    return a && a.state === 'waiting' ? a : null;
  });
  /** waiting besides the one on the card */
  const others = computed(() => coordination.waiting.filter((a) => a.id !== shown.value?.id).length);

  function configure(o: Partial<typeof opts>): void {
    opts = { ...opts, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) };
    soundWanted.value = opts.sound;
  }

  function setSound(fn: ((alert: Alert, pattern: AlertPattern) => void) | null): void {
    sound = fn;
  }

  function see(id: string): void {
    seen.add(id);
    if (seen.size > SEEN_CAP) seen.delete(seen.values().next().value!);
  }

  function open(alert: Alert, clientNow: number, fly: boolean): void {
    openId.value = alert.id;
    closeAt.value = clientNow + opts.alarmAutoCloseMs;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => collapse(), opts.alarmAutoCloseMs);
    const wall = useWallStore();
    wall.holdForAlert(true);
    if (!fly || wall.caseFocusId) return; // in focus mode the map stays on the focus's case
    const live = useLiveStore();
    const shownRegion = live.region?.code;
    const home = wall.homeCode();
    if (home && shownRegion && !alert.regionPath.includes(shownRegion)) live.subscribe(home);
    wall.focusOn({ lng: alert.lng, lat: alert.lat, incidentId: alert.incidentId }, clientNow);
  }

  /** hide the card (it stays waiting, counted in the badge) */
  function collapse(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    openId.value = null;
    closeAt.value = null;
    repeat.value = 0;
    useWallStore().holdForAlert(false);
  }

  /** the badge was clicked: the most urgent waiting alert's card again */
  function reopen(clientNow = Date.now()): void {
    const top = coordination.waiting[0];
    if (top) open(top, clientNow, false);
  }

  /** after a snapshot: alerts this page has not shown yet open the card, silently */
  function onSnapshot(newlyWaiting: readonly Alert[], clientNow = Date.now()): void {
    const fresh = newlyWaiting.filter((a) => !seen.has(a.id));
    for (const a of fresh) see(a.id);
    if (fresh.length && openId.value === null) open(coordination.waiting.find((a) => fresh.includes(a)) ?? fresh[0]!, clientNow, false);
    settle();
  }

  function onChange(change: AlertChange | null, clientNow = Date.now()): void {
    if (!change) return;
    const { alert } = change;
    if (change.isNew && !seen.has(alert.id)) {
      see(alert.id);
      // the most severe first: a lesser new one while a graver card is open waits in the badge
      if (!shown.value || alert.severity >= shown.value.severity) {
        repeat.value = 0;
        open(alert, clientNow, true);
      }
      if (opts.sound && alert.sound) sound?.(alert, 'new');
    }
    settle();
  }

  function onSounded(s: AlertSounded, clientNow = Date.now()): void {
    const alert = coordination.alert(s.alertId);
    if (!alert || alert.state !== 'waiting') return;
    see(alert.id);
    if (!shown.value || shown.value.id === alert.id || alert.severity >= shown.value.severity) {
      open(alert, clientNow, false);
      repeat.value = s.repeat;
    }
    if (opts.sound && (alert.sound || s.escalated)) sound?.(alert, s.escalated ? 'escalated' : 'repeat');
  }

  /** the alert on the card was acknowledged (here or elsewhere): the next waiting one, or closed */
  function settle(clientNow = Date.now()): void {
    if (openId.value === null || shown.value) return;
    const next = coordination.waiting[0];
    if (next) open(next, clientNow, false);
    else collapse();
  }

  function dispose(): void {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  return { openId, closeAt, repeat, shown, others, soundWanted, configure, setSound, onSnapshot, onChange, onSounded, settle, collapse, reopen, dispose };
});
