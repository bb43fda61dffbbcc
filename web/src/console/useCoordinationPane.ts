/**
 * The console's focus and alerts (issue 16) beside its case and AI-alarm queues: the focuses that
 * stand, the one on the open case and whether the desk may start or steer it; the alerts waiting
 * and those acknowledged lately with their cursor (what waits comes first); their keys (j/k, Enter,
 * y) and ⇧Q, which ends the one focus this desk may end.
 */
import { computed, watch, type ComputedRef } from 'vue';
import type { Incident } from '@shared/schemas/incident';
import { moveAlarmCursor } from './alarms';
import { ALERT_ACK_KEY, recentAlerts, waitingAlerts } from './alerts';
import { focusOnCase, standingFocuses } from './focus';
import type { KeyIntent } from './keys';
import { useConsoleAlerts } from './stores/alerts';
import { useConsoleFocus } from './stores/focus';
import { useConsoleView } from './stores/view';
import type { useAlerts } from './useAlerts';
import type { useFocus } from './useFocus';

export interface CoordinationPaneDeps {
  focusing: ReturnType<typeof useFocus>;
  alerting: ReturnType<typeof useAlerts>;
  openIncident: ComputedRef<Incident | null>;
  /** the server's time, coarse: recent lists change every few seconds, not every frame */
  coarseNow: ComputedRef<number>;
  jumpToCase(id: string): void;
  focusSearch(): void;
}

export function useCoordinationPane(deps: CoordinationPaneDeps) {
  const focusStore = useConsoleFocus();
  const alertStore = useConsoleAlerts();
  const view = useConsoleView();

  const focuses = computed(() => {
    void focusStore.version;
    return standingFocuses(focusStore.byId.values());
  });
  const openFocus = computed(() => (deps.openIncident.value ? focusOnCase(focuses.value, deps.openIncident.value.id) : null));
  /** 聚焦大屏 on the open case, or changing the responders of the focus that stands on it */
  const focusOffered = computed(() => (openFocus.value ? deps.focusing.steerable(openFocus.value) : deps.focusing.offeredOn(deps.openIncident.value)));

  const waitingList = computed(() => {
    void alertStore.version;
    return waitingAlerts(alertStore.byId.values());
  });
  const recentList = computed(() => {
    void alertStore.version;
    return recentAlerts(alertStore.byId.values(), deps.coarseNow.value);
  });
  const alertIds = computed(() => [...waitingList.value, ...recentList.value].map((a) => a.id));
  const cursorAlert = computed(() => {
    void alertStore.version;
    return view.alertCursorId ? alertStore.byId.get(view.alertCursorId) ?? null : null;
  });

  // the alert cursor starts on the first alert waiting, and finds a place again when its alert is gone
  watch(alertIds, (list) => {
    if (list.length === 0) return;
    if (view.alertCursorId === null || !list.includes(view.alertCursorId)) view.alertCursorId = list[0]!;
  });
  // what waits comes first: an alert that starts waiting while the cursor rests on an acknowledged one
  // takes the cursor, and when the alert under the cursor is acknowledged (here or at another desk)
  // the cursor goes on to the next one waiting
  watch(
    () => waitingList.value.map((a) => a.id),
    (now, before = []) => {
      if (now.length === 0) return;
      const cursor = view.alertCursorId;
      if (cursor && before.includes(cursor) && !now.includes(cursor)) {
        const after = before.slice(before.indexOf(cursor) + 1).find((id) => now.includes(id));
        view.alertCursorId = after ?? now[now.length - 1]!;
        return;
      }
      const fresh = now.some((id) => !before.includes(id));
      const resting = cursor ? alertStore.byId.get(cursor)?.state !== 'waiting' : true;
      if (fresh && resting) view.alertCursorId = now[0]!;
    },
  );

  function pickAlert(id: string): void {
    if (view.alertCursorId !== id) deps.alerting.clearRefusal();
    view.alertCursorId = id;
  }

  function handleAlerts(intent: KeyIntent, e: KeyboardEvent): void {
    switch (intent.kind) {
      case 'move': {
        e.preventDefault();
        const next = moveAlarmCursor(alertIds.value, view.alertCursorId, intent.step);
        if (next) pickAlert(next);
        return;
      }
      case 'open': {
        const id = cursorAlert.value?.incidentId;
        if (!id) return;
        e.preventDefault();
        return deps.jumpToCase(id);
      }
      case 'search':
        e.preventDefault();
        view.pane = 'cases';
        deps.focusSearch();
        return;
      case 'escape':
        if (e.target instanceof HTMLElement && e.target.matches('input, select, textarea')) e.target.blur();
        return;
      case 'action':
        if (intent.key !== ALERT_ACK_KEY || !cursorAlert.value) return;
        if (deps.alerting.request(cursorAlert.value)) e.preventDefault();
        return;
    }
  }

  /** Shift+Q: the one focus this desk may end; with several, the first banner's button takes the keyboard */
  function endFocusKey(e: KeyboardEvent): void {
    const mine = focuses.value.filter((f) => deps.focusing.steerable(f));
    if (mine.length === 0) return;
    e.preventDefault();
    if (mine.length === 1) void deps.focusing.end(mine[0]!);
    else document.querySelector<HTMLElement>('[data-focus-end]')?.focus();
  }

  return { focuses, openFocus, focusOffered, waitingList, recentList, cursorAlert, pickAlert, handleAlerts, endFocusKey };
}
