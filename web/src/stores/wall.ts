/**
 * What the wall itself shows and does, independent of the data: language, map layers, the point
 * the map should fly to, the briefing tour, the alarm popup, and focus mode (an operator's focus
 * on a case: the tour halts, the region on screen holds the case; its end restores the tour or
 * the region, see focusMode.ts). The map watches `focus.at`, `caseFocusId` and `layers`; the
 * layout watches `emphasis`. Every timer is owned here and cleared by `dispose()`.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import type { Incident } from '@shared/schemas/incident';
import type { Delta } from '@shared/schemas/live';
import { DEFAULT_CONFIG } from '../config';
import type { Lang } from '../format';
import { currentScale, layoutPlan, plannedPanels, type PanelName } from '../layouts/scale';
import { pathOf } from '../map/drill';
import { shouldAlarm } from './alarmRule';
import { useCoordinationStore } from './coordination';
import { holdsCase, type FocusMemory } from './focusMode';
import { useIncidentsStore } from './incidents';
import { useLiveStore } from './live';

export type HeatMode = 'today' | 'week' | 'off';
export interface WallLayers {
  heat: HeatMode;
  incidents: boolean;
  patrols: boolean;
  cameras: boolean;
  risk: boolean;
}
export type ToggleLayer = Exclude<keyof WallLayers, 'heat'>;

export interface Focus {
  incidentId: string | null;
  lng: number;
  lat: number;
  /** client time of the request: the map flies again when this changes */
  at: number;
}

export interface TourState {
  running: boolean;
  paused: boolean;
  pauseReason: 'interaction' | 'alarm' | null;
  /** index into the steps: 0 = the home region, then its children */
  step: number;
  total: number;
  regionCode: string | null;
  panel: PanelName | null;
}

export const ALARM_QUEUE_CAP = 10;
const SETTINGS_KEY = 'grid-wall.settings';

function loadSettings(): { lang?: Lang; layers?: Partial<WallLayers> } {
  try {
    const raw = globalThis.localStorage?.getItem(SETTINGS_KEY);
    return raw ? (JSON.parse(raw) as { lang?: Lang; layers?: Partial<WallLayers> }) : {};
  } catch {
    return {};
  }
}

export const useWallStore = defineStore('wall', () => {
  const live = useLiveStore();
  const saved = loadSettings();
  const lang = ref<Lang>(saved.lang === 'en' ? 'en' : 'zh');
  const layers = reactive<WallLayers>({ heat: 'today', incidents: true, patrols: true, cameras: false, risk: true, ...saved.layers });
  const focus = shallowRef<Focus | null>(null);
  const alarm = shallowRef<Incident | null>(null);
  const alarmQueue = shallowRef<readonly Incident[]>([]);
  /** client time the current alarm was raised (for its countdown) */
  const alarmSince = ref<number | null>(null);
  /** client time the current alarm closes by itself unless acknowledged earlier */
  const alarmCloseAt = ref<number | null>(null);
  const tour = reactive<TourState>({ running: false, paused: false, pauseReason: null, step: 0, total: 1, regionCode: null, panel: null });
  const emphasis = computed<PanelName | null>(() => (tour.running ? tour.panel : null));
  /** the operator's focus this wall is in (coordination store), null outside focus mode */
  const caseFocusId = ref<string | null>(null);
  /** what to return to when the focus ends (set by the first focus, kept across replacements) */
  const focusMemory = shallowRef<FocusMemory | null>(null);
  /** an alert card holds the tour (alertCard.ts) */
  let alertHold = false;

  let opts = { tourStepMs: DEFAULT_CONFIG.tourStepMs, idleMs: DEFAULT_CONFIG.idleMs, alarmAutoCloseMs: DEFAULT_CONFIG.alarmAutoCloseMs, sound: true };
  let homeRegion: string | null = null;
  let tourChildren: string[] = [];
  let panelTurn = 0;
  let stepTimer: ReturnType<typeof setTimeout> | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let alarmTimer: ReturnType<typeof setTimeout> | null = null;
  let alarmSound: ((incident: Incident) => void) | null = null;

  watch([lang, layers], () => {
    try {
      globalThis.localStorage?.setItem(SETTINGS_KEY, JSON.stringify({ lang: lang.value, layers: { ...layers } }));
    } catch {
      /* storage full or disabled: settings simply do not persist */
    }
  });

  function configure(o: Partial<typeof opts> & { lang?: Lang | null; homeRegion?: string | null }): void {
    opts = { ...opts, ...Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k in opts)) };
    if (o.lang) lang.value = o.lang;
    if (o.homeRegion !== undefined) homeRegion = o.homeRegion;
  }

  const setLang = (l: Lang) => (lang.value = l);
  const toggleLang = () => (lang.value = lang.value === 'zh' ? 'en' : 'zh');
  const toggleLayer = (name: ToggleLayer) => (layers[name] = !layers[name]);
  const setHeat = (mode: HeatMode) => (layers.heat = mode);
  const cycleHeat = () => (layers.heat = layers.heat === 'today' ? 'week' : layers.heat === 'week' ? 'off' : 'today');

  function focusOn(target: { lng: number; lat: number; incidentId?: string | null }, clientNow = Date.now()): void {
    focus.value = { incidentId: target.incidentId ?? null, lng: target.lng, lat: target.lat, at: clientNow };
  }

  // ── tour ────────────────────────────────────────────────────────────────────────────────────
  const home = () => homeRegion ?? live.rootCode;
  const clear = (t: ReturnType<typeof setTimeout> | null) => t !== null && clearTimeout(t);

  function refreshSteps(): void {
    const h = home();
    // children are known only while subscribed to home (a district's snapshot lists no siblings)
    if (h && live.region?.code === h) {
      const kids = live.childrenOf(h).map((r) => r.code);
      if (kids.length > 0) tourChildren = kids;
    }
    tour.total = 1 + tourChildren.length;
  }

  function goToStep(step: number): void {
    refreshSteps();
    tour.step = ((step % tour.total) + tour.total) % tour.total;
    const code = tour.step === 0 ? home() : tourChildren[tour.step - 1] ?? home();
    tour.regionCode = code;
    // the panels this wall shows (a 1080p screen shows fewer than a spliced wall)
    const shown = plannedPanels(layoutPlan(currentScale.value.mode, currentScale.value.designHeight));
    tour.panel = shown[panelTurn++ % shown.length] ?? null;
    if (code && code !== live.targetRegion()) live.subscribe(code);
  }

  function scheduleStep(): void {
    clear(stepTimer);
    stepTimer = setTimeout(() => {
      stepTimer = null;
      if (!tour.running || tour.paused) return;
      goToStep(tour.step + 1);
      scheduleStep();
    }, opts.tourStepMs);
  }

  function startTour(): void {
    // in focus: the tour starts where the focus ends
    if (focusMemory.value) return void (focusMemory.value = { ...focusMemory.value, tourStep: focusMemory.value.tourStep ?? 0 });
    if (tour.running) return;
    tour.running = true;
    tour.paused = false;
    tour.pauseReason = null;
    panelTurn = 0;
    goToStep(0);
    if (alarm.value || alertHold) pause('alarm');
    else scheduleStep();
  }

  /** stops the tour's timers and state without leaving the region on screen */
  function haltTour(): void {
    tour.running = false;
    tour.paused = false;
    tour.pauseReason = null;
    tour.panel = null;
    clear(stepTimer);
    clear(idleTimer);
    stepTimer = idleTimer = null;
  }

  function stopTour(): void {
    // in focus: no tour to come back to when it ends; the wall returns to its home region
    if (focusMemory.value) return void (focusMemory.value = { tourStep: null, region: home() });
    haltTour();
    const h = home();
    if (h && h !== live.targetRegion()) live.subscribe(h);
  }

  const toggleTour = () => ((focusMemory.value ? focusMemory.value.tourStep !== null : tour.running) ? stopTour() : startTour());

  function pause(reason: 'interaction' | 'alarm'): void {
    if (!tour.running) return;
    tour.paused = true;
    if (tour.pauseReason !== 'alarm') tour.pauseReason = reason;
    clear(stepTimer);
    stepTimer = null;
  }

  function armIdle(): void {
    clear(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (!tour.running) return;
      if (alarm.value || alertHold) return; // the alarm's end re-arms the idle timer
      tour.paused = false;
      tour.pauseReason = null;
      scheduleStep();
    }, opts.idleMs);
  }

  /** pointer or keyboard input: pause the tour, resume after a quiet while */
  function interact(): void {
    if (!tour.running) return;
    pause('interaction');
    armIdle();
  }

  // ── focus mode ──────────────────────────────────────────────────────────────────────────────
  /**
   * Follows the coordination store's current focus (called after every snapshot and focus
   * delta): entering remembers the tour or the region once, halts the tour and makes sure the
   * region on screen holds the case; leaving restores what was remembered.
   */
  function followFocus(): void {
    const f = useCoordinationStore().current;
    if (!f) return leaveFocus();
    if (!focusMemory.value) {
      focusMemory.value = { tourStep: tour.running ? tour.step : null, region: live.targetRegion() };
      haltTour();
    }
    if (caseFocusId.value === f.id) return;
    caseFocusId.value = f.id;
    const incidents = useIncidentsStore();
    const held = holdsCase(live.targetRegion(), f, {
      incidentPath: (id) => incidents.byId.get(id)?.regionPath ?? null,
      pathOf: (code) => pathOf(code, live.regions),
      home: home(),
    });
    const h = home();
    if (!held && h && h !== live.targetRegion()) live.subscribe(h);
  }

  function leaveFocus(): void {
    const memory = focusMemory.value;
    caseFocusId.value = null;
    if (!memory) return;
    focusMemory.value = null;
    if (memory.tourStep !== null) {
      tour.running = true;
      tour.paused = false;
      tour.pauseReason = null;
      goToStep(memory.tourStep);
      if (alarm.value || alertHold) pause('alarm');
      else scheduleStep();
      return;
    }
    if (memory.region && memory.region !== live.targetRegion()) live.subscribe(memory.region);
  }

  /** an alert card is open (true) or collapsed (false): the tour waits for it like for an alarm */
  function holdForAlert(on: boolean): void {
    if (on === alertHold) return;
    alertHold = on;
    if (on) {
      pause('alarm');
      clear(idleTimer);
      idleTimer = null;
    } else if (tour.running && tour.paused && !alarm.value) {
      tour.pauseReason = 'interaction';
      armIdle();
    }
  }

  // ── alarm ───────────────────────────────────────────────────────────────────────────────────
  function show(incident: Incident, clientNow: number): void {
    alarm.value = incident;
    alarmSince.value = clientNow;
    alarmCloseAt.value = clientNow + opts.alarmAutoCloseMs;
    // in focus mode the map stays on the focus's case
    if (!caseFocusId.value) focusOn({ lng: incident.location.lng, lat: incident.location.lat, incidentId: incident.id }, clientNow);
    pause('alarm');
    clear(idleTimer);
    idleTimer = null;
    if (opts.sound) alarmSound?.(incident);
    clear(alarmTimer);
    alarmTimer = setTimeout(() => acknowledge(), opts.alarmAutoCloseMs);
  }

  function raiseAlarm(incident: Incident, clientNow = Date.now()): void {
    if (alarm.value?.id === incident.id || alarmQueue.value.some((i) => i.id === incident.id)) return;
    if (!alarm.value) return show(incident, clientNow);
    const queue = [...alarmQueue.value, incident].sort((a, b) => b.severity - a.severity || a.reportedAt - b.reportedAt);
    alarmQueue.value = queue.slice(0, ALARM_QUEUE_CAP);
  }

  function acknowledge(clientNow = Date.now()): void {
    clear(alarmTimer);
    alarmTimer = null;
    const [next, ...rest] = alarmQueue.value;
    alarmQueue.value = rest;
    if (next) return show(next, clientNow);
    alarm.value = null;
    alarmSince.value = null;
    alarmCloseAt.value = null;
    if (tour.running && tour.paused && !alertHold) {
      tour.pauseReason = 'interaction';
      armIdle();
    }
  }

  /**
   * A serious incident reported anywhere in the home region (the hub's alarm channel). When it
   * lies outside the region on screen — the tour is showing another district — the wall goes
   * back to its home region so the map can fly there.
   */
  function considerAlarm(incident: Incident, serverNow: number): void {
    // a hub that sends alerts (protocol 5) raises the card through them (alertCard.ts)
    if (useCoordinationStore().speaksAlerts) return;
    if (!shouldAlarm({ type: 'incident:reported', seq: 0, incident, entry: null as never }, serverNow)) return;
    const h = home();
    const shown = live.region?.code;
    if (h && shown && !incident.regionPath.includes(shown)) live.subscribe(h);
    raiseAlarm(incident);
  }

  /** every reliable delta passes here after it was applied */
  function considerDelta(delta: Delta, serverNow: number): void {
    if (useCoordinationStore().speaksAlerts) return;
    const incident = shouldAlarm(delta, serverNow);
    if (incident) raiseAlarm(incident);
  }

  function setAlarmSound(fn: ((incident: Incident) => void) | null): void {
    alarmSound = fn;
  }

  function dispose(): void {
    for (const t of [stepTimer, idleTimer, alarmTimer]) clear(t);
    stepTimer = idleTimer = alarmTimer = null;
    tour.running = false;
    focusMemory.value = null;
    caseFocusId.value = null;
    alertHold = false;
  }

  return {
    lang,
    layers,
    focus,
    alarm,
    alarmQueue,
    alarmSince,
    alarmCloseAt,
    tour,
    emphasis,
    caseFocusId,
    focusMemory,
    followFocus,
    holdForAlert,
    configure,
    setLang,
    toggleLang,
    toggleLayer,
    setHeat,
    cycleHeat,
    focusOn,
    considerAlarm,
    homeCode: home,
    startTour,
    stopTour,
    toggleTour,
    interact,
    raiseAlarm,
    acknowledge,
    considerDelta,
    setAlarmSound,
    dispose,
  };
});
