/**
 * Acknowledging alerts from the desk, and their sound. 确认 (y) on a waiting alert — offered to
 * who holds 'alert:acknowledge' in its region — opens a small dialog for an optional note; Enter
 * sends one acknowledged `alert:acknowledge`. The alert leaves the waiting list (it stays an hour
 * among the recent ones); a refusal (another desk was first, no right, no answer) shows the hub's
 * message on the alert and changes nothing.
 *
 * The sound: the alert tone (web/src/audio.ts) when a new alert waits and sounds for this user's
 * role, when the hub sounds it again (`alert:sounded`), and — for supervisors and administrators —
 * when it escalated, even an alert that does not sound otherwise. One tone per alert at a time.
 */
import { onScopeDispose, ref, shallowRef } from 'vue';
import type { Alert } from '@shared/schemas/alert';
import { playAlarmTone } from '../audio';
import { canAcknowledge, RING_GAP_MS, shouldSound } from './alerts';
import { SESSION_CODES, type ConsoleConnection } from './connection';
import { useConsoleI18n } from './i18n';
import { useConsoleAlerts } from './stores/alerts';
import { useConsoleSession } from './stores/session';
import { useConsoleView } from './stores/view';

export interface AlertRefusal {
  alertId: string;
  code: string;
  message: string;
}

export function useAlerts(connection: () => ConsoleConnection | null) {
  const session = useConsoleSession();
  const view = useConsoleView();
  const store = useConsoleAlerts();
  const { t } = useConsoleI18n();
  const dialog = shallowRef<Alert | null>(null);
  const busy = ref(false);
  const refusal = shallowRef<AlertRefusal | null>(null);

  const offeredOn = (alert: Alert | null): boolean => !!alert && canAcknowledge(alert, session.user);

  function request(alert: Alert): boolean {
    if (busy.value || dialog.value || !offeredOn(alert)) return false;
    refusal.value = null;
    dialog.value = alert;
    return true;
  }

  function cancel(): void {
    if (!busy.value) dialog.value = null;
  }

  async function confirm(note: string): Promise<Alert | null> {
    const alert = dialog.value;
    const conn = connection();
    if (!alert || !conn || busy.value) return null;
    busy.value = true;
    const outcome = await conn.acknowledgeAlert(alert.id, note);
    busy.value = false;
    dialog.value = null;
    if (outcome.ok) {
      view.showToast(t('alertAcked', { title: alert.title }));
      return outcome.data;
    }
    if (SESSION_CODES.has(outcome.code)) {
      session.end(outcome.message);
      return null;
    }
    refusal.value = { alertId: alert.id, code: outcome.code, message: outcome.message };
    return null;
  }

  function clearRefusal(): void {
    refusal.value = null;
  }

  // the sound: every ring this user should hear, one tone per alert at a time
  const lastTone = new Map<string, number>();
  const stop = store.onRing((ring) => {
    if (!shouldSound(ring, session.user?.role)) return;
    const now = Date.now();
    const before = lastTone.get(ring.alert.id);
    if (before !== undefined && now - before < RING_GAP_MS) return;
    lastTone.set(ring.alert.id, now);
    playAlarmTone(ring.alert.severity);
  });
  onScopeDispose(stop);

  return { dialog, busy, refusal, offeredOn, request, cancel, confirm, clearRefusal };
}
