/**
 * Running a step on the open case: offered steps only; those that need a reason or an assignee
 * open their dialog first; the command carries the version the operator decided on, so a case
 * that moved meanwhile is refused rather than acted on blindly. A success shows a brief
 * confirmation and keeps the case open; a refusal shows the hub's message and changes nothing;
 * a session that ended sends the desk back to the sign-in form.
 */
import { ref, shallowRef } from 'vue';
import type { Incident, IncidentAction } from '@shared/schemas/incident';
import { ACTION_DIALOG, buildCommand, offeredActions, type CommandInput, type DialogKind } from './actions';
import { SESSION_CODES, type ConsoleConnection } from './connection';
import { useConsoleI18n } from './i18n';
import { useConsoleSession } from './stores/session';
import { useConsoleView } from './stores/view';

export interface OpenDialog {
  kind: Exclude<DialogKind, 'none'>;
  action: IncidentAction;
  /** the case as the operator saw it when they asked */
  incident: Incident;
}

export interface Refusal {
  incidentId: string;
  action: IncidentAction;
  code: string;
  message: string;
}

export function useCommands(connection: () => ConsoleConnection | null) {
  const session = useConsoleSession();
  const view = useConsoleView();
  const { t, act } = useConsoleI18n();
  const dialog = shallowRef<OpenDialog | null>(null);
  const busy = ref(false);
  const refusal = shallowRef<Refusal | null>(null);

  /** asks for `action` on `incident`: runs it, or opens the dialog it needs */
  function request(action: IncidentAction, incident: Incident): boolean {
    if (busy.value || dialog.value) return false;
    if (!offeredActions(incident, session.user).includes(action)) return false;
    refusal.value = null;
    const kind = ACTION_DIALOG[action];
    if (kind === 'none') void run(action, incident, {});
    else dialog.value = { kind, action, incident };
    return true;
  }

  async function confirm(input: CommandInput): Promise<void> {
    const d = dialog.value;
    if (!d) return;
    await run(d.action, d.incident, input);
  }

  function cancel(): void {
    if (!busy.value) dialog.value = null;
  }

  async function run(action: IncidentAction, incident: Incident, input: CommandInput): Promise<void> {
    const conn = connection();
    if (!conn) return;
    busy.value = true;
    const outcome = await conn.sendCommand(incident.id, buildCommand(action, incident, input));
    busy.value = false;
    dialog.value = null;
    if (outcome.ok) {
      view.showToast(t('done', { action: act(action), id: incident.id }));
      return;
    }
    if (SESSION_CODES.has(outcome.code)) {
      session.end(outcome.message);
      return;
    }
    refusal.value = { incidentId: incident.id, action, code: outcome.code, message: outcome.message };
  }

  /** the steps this user is offered on a case (none without one) */
  function offeredFor(incident: Incident | null): IncidentAction[] {
    return incident ? offeredActions(incident, session.user) : [];
  }

  /** a refusal belongs to its case: opening another case clears it */
  function clearRefusal(): void {
    refusal.value = null;
  }

  return { dialog, busy, refusal, request, confirm, cancel, clearRefusal, offeredFor };
}
