/**
 * Deciding an AI video alarm: offered only to who holds 'alarm:decide' in the alarm's region and
 * only while it waits; both decisions open their dialog first (a confirm sets the case's grade, a
 * dismissal needs its reason). One acknowledged `videoAlarm:decide`; a success says what became
 * of the alarm (a new case, or joined to an open one), a refusal shows the hub's message and
 * changes nothing, a session that ended sends the desk back to the sign-in form.
 */
import { ref, shallowRef } from 'vue';
import type { Incident } from '@shared/schemas/incident';
import type { VideoAlarm, VideoAlarmDecision } from '@shared/schemas/videoAlarm';
import { anchorOf, buildConfirm, buildDismiss, offeredAlarmActions, pendingAlarms, type AlarmAction, type ConfirmInput, type DismissInput } from './alarms';
import { SESSION_CODES, type ConsoleConnection } from './connection';
import { useConsoleI18n } from './i18n';
import { useConsoleAlarms } from './stores/alarms';
import { useConsoleSession } from './stores/session';
import { useConsoleView } from './stores/view';

export interface AlarmDialog {
  action: AlarmAction;
  /** the alarm as the operator saw it when they asked */
  alarm: VideoAlarm;
}

export interface AlarmRefusal {
  alarmId: string;
  action: AlarmAction;
  code: string;
  message: string;
}

export interface DecisionDone {
  alarm: VideoAlarm;
  incident: Incident | null;
  joined: boolean;
}

export function useAlarmDecisions(connection: () => ConsoleConnection | null) {
  const session = useConsoleSession();
  const view = useConsoleView();
  const alarms = useConsoleAlarms();
  const { t } = useConsoleI18n();
  const dialog = shallowRef<AlarmDialog | null>(null);
  const busy = ref(false);
  const refusal = shallowRef<AlarmRefusal | null>(null);

  function offeredFor(alarm: VideoAlarm | null): AlarmAction[] {
    return alarm ? offeredAlarmActions(alarm, session.user) : [];
  }

  /** asks for a decision on `alarm`: opens its dialog when it is offered */
  function request(action: AlarmAction, alarm: VideoAlarm): boolean {
    if (busy.value || dialog.value) return false;
    if (!offeredFor(alarm).includes(action)) return false;
    refusal.value = null;
    dialog.value = { action, alarm };
    return true;
  }

  function cancel(): void {
    if (!busy.value) dialog.value = null;
  }

  async function confirm(input: ConfirmInput): Promise<DecisionDone | null> {
    const d = dialog.value;
    if (!d || d.action !== 'confirm') return null;
    return run(d, buildConfirm(d.alarm, input));
  }

  /** null, and nothing sent, when the dismissal has no reason */
  async function dismiss(input: DismissInput): Promise<DecisionDone | null> {
    const d = dialog.value;
    const body = buildDismiss(input);
    if (!d || d.action !== 'dismiss' || !body) return null;
    return run(d, body);
  }

  async function run(d: AlarmDialog, decision: VideoAlarmDecision): Promise<DecisionDone | null> {
    const conn = connection();
    if (!conn || busy.value) return null;
    // where the alarm stood among those waiting: the cursor continues from there
    const anchor = anchorOf(pendingAlarms(alarms.byId.values()), d.alarm.id);
    busy.value = true;
    const outcome = await conn.decideAlarm(d.alarm.id, decision);
    busy.value = false;
    dialog.value = null;
    if (outcome.ok) {
      view.alarmAnchor = anchor;
      if (outcome.incident) view.showToast(t(outcome.joined ? 'alarmJoined' : 'alarmConfirmed', { id: outcome.incident.id }));
      else view.showToast(t('alarmDismissed', { camera: outcome.alarm.cameraName }));
      return { alarm: outcome.alarm, incident: outcome.incident, joined: outcome.joined };
    }
    if (SESSION_CODES.has(outcome.code)) {
      session.end(outcome.message);
      return null;
    }
    refusal.value = { alarmId: d.alarm.id, action: d.action, code: outcome.code, message: outcome.message };
    return null;
  }

  function clearRefusal(): void {
    refusal.value = null;
  }

  return { dialog, busy, refusal, offeredFor, request, confirm, dismiss, cancel, clearRefusal };
}
