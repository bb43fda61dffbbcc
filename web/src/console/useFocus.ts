/**
 * Focus mode from the desk: 聚焦大屏 on an open case (offered to who holds 'focus' on cases of
 * their region) opens the dialog — whose walls, which responders — and Confirm sends one
 * acknowledged `focus:start`; a refusal stays in the dialog with the hub's message, so the
 * operator can choose otherwise. On a focus that stands: change its responders (the same dialog,
 * `focus:responders`) and end it (`focus:end`, one action, no dialog). A session that ended sends
 * the desk back to the sign-in form.
 */
import { ref, shallowRef } from 'vue';
import type { Focus } from '@shared/schemas/focus';
import type { Incident } from '@shared/schemas/incident';
import { SESSION_CODES, type ConsoleConnection, type Outcome } from './connection';
import { buildStart, canFocus, canSteer, focusOnCase } from './focus';
import { useConsoleI18n } from './i18n';
import { useConsoleFocus } from './stores/focus';
import { useConsoleQueue } from './stores/queue';
import { useConsoleSession } from './stores/session';
import { useConsoleView } from './stores/view';

export type FocusDialog = { mode: 'start'; incident: Incident; focus: null } | { mode: 'responders'; incident: Incident | null; focus: Focus };

export interface FocusStartInput {
  regionCode: string | null;
  /** null: the nearby list could not be had, the hub chooses */
  responders: string[] | null;
}

export interface FocusRefusal {
  focusId: string;
  code: string;
  message: string;
}

export function useFocus(connection: () => ConsoleConnection | null) {
  const session = useConsoleSession();
  const view = useConsoleView();
  const queue = useConsoleQueue();
  const store = useConsoleFocus();
  const { t } = useConsoleI18n();
  const dialog = shallowRef<FocusDialog | null>(null);
  const busy = ref(false);
  /** the hub's refusal, shown in the open dialog */
  const dialogError = ref<string | null>(null);
  /** a refusal to end a focus, shown on its banner */
  const refusal = shallowRef<FocusRefusal | null>(null);

  const offeredOn = (incident: Incident | null): boolean => !!incident && canFocus(incident, session.user);
  const steerable = (focus: Focus): boolean => canSteer(focus, session.user, queue.regions);

  /** 聚焦大屏 on a case: the start dialog, or the responders of the focus that stands on it */
  function requestStart(incident: Incident): boolean {
    if (busy.value || dialog.value) return false;
    const standing = focusOnCase(store.byId.values(), incident.id);
    if (standing) return requestResponders(standing);
    if (!offeredOn(incident)) return false;
    dialogError.value = null;
    dialog.value = { mode: 'start', incident, focus: null };
    return true;
  }

  function requestResponders(focus: Focus): boolean {
    if (busy.value || dialog.value || !steerable(focus)) return false;
    dialogError.value = null;
    dialog.value = { mode: 'responders', incident: queue.byId.get(focus.incidentId) ?? null, focus };
    return true;
  }

  function cancel(): void {
    if (!busy.value) dialog.value = null;
  }

  /** true when the session is gone (the desk returns to the sign-in form) */
  function sessionGone(outcome: Outcome<unknown>): boolean {
    if (outcome.ok || !SESSION_CODES.has(outcome.code)) return false;
    session.end(outcome.message);
    return true;
  }

  async function confirmStart(input: FocusStartInput): Promise<Focus | null> {
    const d = dialog.value;
    const conn = connection();
    const user = session.user;
    if (!d || d.mode !== 'start' || !conn || !user || busy.value) return null;
    busy.value = true;
    dialogError.value = null;
    const outcome = await conn.startFocus(buildStart(d.incident, { regionCode: input.regionCode, userRegion: user.regionCode, responders: input.responders }));
    busy.value = false;
    if (sessionGone(outcome)) return null;
    if (!outcome.ok) {
      dialogError.value = outcome.message;
      return null;
    }
    dialog.value = null;
    view.showToast(t('focusStarted', { id: d.incident.id, region: queue.regionName(outcome.data.regionCode) }));
    return outcome.data;
  }

  async function confirmResponders(responders: string[]): Promise<Focus | null> {
    const d = dialog.value;
    const conn = connection();
    if (!d || d.mode !== 'responders' || !conn || busy.value) return null;
    busy.value = true;
    dialogError.value = null;
    const outcome = await conn.setResponders(d.focus.id, responders);
    busy.value = false;
    if (sessionGone(outcome)) return null;
    if (!outcome.ok) {
      dialogError.value = outcome.message;
      return null;
    }
    dialog.value = null;
    view.showToast(t('respondersChanged', { n: outcome.data.responders.length }));
    return outcome.data;
  }

  /** ends a focus at once: every wall of it returns to what it showed */
  async function end(focus: Focus): Promise<boolean> {
    const conn = connection();
    if (!conn || busy.value || !steerable(focus)) return false;
    busy.value = true;
    refusal.value = null;
    const outcome = await conn.endFocus(focus.id);
    busy.value = false;
    if (sessionGone(outcome)) return false;
    if (!outcome.ok) {
      // it ended already (another desk, or its alert was acknowledged): nothing stands to end
      if (outcome.code === 'UNKNOWN_FOCUS') store.remove(focus.id);
      refusal.value = { focusId: focus.id, code: outcome.code, message: outcome.message };
      if (outcome.code === 'UNKNOWN_FOCUS') view.showToast(outcome.message);
      return false;
    }
    view.showToast(t('focusEnded', { id: focus.incidentId }));
    return true;
  }


  return { dialog, busy, dialogError, refusal, offeredOn, steerable, requestStart, requestResponders, cancel, confirmStart, confirmResponders, end };
}
