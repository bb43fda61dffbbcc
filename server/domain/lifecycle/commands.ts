/**
 * Commands on an existing incident. Each command is checked (version, time, stage, separation of
 * duties, its own fields), turned into one log entry, and the new incident is evolve(old, entry).
 */
import { HubError } from '@shared/errors';
import type { Actor } from '@shared/schemas/common';
import type { Incident, ParsedIncidentCommand, Stage } from '@shared/schemas/incident';
import { closeByAfterPause, resumeDeadline } from '../sla/clock';
import { caseDeadline, stageDeadline, type SlaPolicy } from '../sla/policy';
import { commandTime } from './eventTime';
import { evolve } from './evolve';
import { isStageAction, nextStageOrThrow } from './transitions';
import type { Decision, EntryDraft } from './types';

export interface CommandContext {
  now: number;
  policy: SlaPolicy;
}

/**
 * Who gives the command and, for imports of history only, when it happened. Never part of a
 * client's request: the transport takes the actor from the signed-in session; the simulator and
 * importers are trusted in-process sources.
 */
export interface CommandOrigin {
  actor: Actor;
  at?: number;
  /**
   * imports only, on a `register` step: the source system's own due time for the case (应结案时间),
   * kept as given instead of the one the hub's limits would give
   */
  closeBy?: number;
}

export function applyCommand(incident: Incident, command: ParsedIncidentCommand, origin: CommandOrigin, ctx: CommandContext): Decision {
  // A stale view is the most useful thing to report first: the other refusals may be its consequences.
  if (command.expectedVersion !== undefined && command.expectedVersion !== incident.version) {
    throw new HubError(
      'VERSION_CONFLICT',
      `Incident ${incident.id} is at version ${incident.version}, not ${command.expectedVersion}; reload it and try again.`,
      { expected: command.expectedVersion, actual: incident.version },
    );
  }
  const at = commandTime(origin.at, ctx.now, incident.updatedAt, incident.id);
  const to = nextStageOrThrow(incident, command.action);
  checkSeparationOfDuties(incident, command, origin.actor);

  const entry: EntryDraft = {
    incidentId: incident.id,
    type: command.action,
    from: incident.stage,
    to,
    actor: { ...origin.actor },
    at,
    note: command.note ?? null,
    data: withPauseEnded(incident, command, entryData(incident, command, to, at, ctx.policy, origin), at, ctx.policy),
  };
  return { incident: evolve(incident, entry), entry };
}

/**
 * 监督与处置相分离: whoever handled the case may not judge its result — neither the unit it was
 * dispatched to nor the person who reported it handled.
 */
function checkSeparationOfDuties(incident: Incident, command: ParsedIncidentCommand, actor: Actor): void {
  if (command.action !== 'verify_pass' && command.action !== 'verify_fail') return;
  const handlers = [incident.assignee?.id, incident.handledBy ?? undefined].filter((id): id is string => id !== undefined);
  if (handlers.includes(actor.id)) {
    throw new HubError(
      'SEPARATION_OF_DUTIES',
      `${actor.name ?? actor.id} handled incident ${incident.id} and may not verify it; another supervisor or the reporter must.`,
      { actor: actor.id, assignee: incident.assignee?.id ?? null, handledBy: incident.handledBy ?? null },
    );
  }
}

function entryData(incident: Incident, command: ParsedIncidentCommand, to: Stage, at: number, policy: SlaPolicy, origin: CommandOrigin): EntryDraft['data'] {
  const newStageDeadline = () => stageDeadline(incident, to, at, policy);
  switch (command.action) {
    case 'register':
      return { deadline: newStageDeadline(), closeBy: origin.closeBy ?? caseDeadline(incident, at, policy) };
    case 'accept':
    case 'feedback':
    case 'verify_pass':
    case 'close':
      return { deadline: newStageDeadline() };
    case 'dispatch':
    case 'redispatch':
      return { deadline: newStageDeadline(), assignee: assigneeOf(command.assignee) };
    case 'hand_back':
      // the case is nobody's until the centre dispatches it again
      return { deadline: newStageDeadline(), assignee: null };
    case 'verify_fail':
      return { deadline: newStageDeadline(), reworkCount: incident.reworkCount + 1 };
    case 'reject':
      return { deadline: null, ...rejection(incident, command) };
    case 'resume_sla': {
      // An imported case may have lost its deadline; resuming it still ends the pause.
      if (!incident.deadline) return { deadline: null, pausedMs: 0 };
      const { deadline, pausedMs, closeBy } = resumeDeadline(incident, at, policy);
      return closeBy === null ? { deadline, pausedMs } : { deadline, pausedMs, closeBy };
    }
    case 'evaluate':
      return { evaluation: { ...command.evaluation } };
    case 'supervise':
    case 'pause_sla':
    case 'note':
      return null;
    case 'split':
      // a split writes two entries (the case and the new one): the hub applies it with splitReport
      throw new HubError('INTERNAL', 'split is applied with splitReport, not applyCommand.');
  }
}

/**
 * A step of the loop taken while the clock is paused ends the pause: the case's due time moves by
 * the pause as a resume would have moved it (the new stage starts a fresh clock of its own).
 */
function withPauseEnded(incident: Incident, command: ParsedIncidentCommand, data: EntryDraft['data'], at: number, policy: SlaPolicy): EntryDraft['data'] {
  if (!isStageAction(command.action) || command.action === 'register') return data;
  const closeBy = closeByAfterPause(incident, at, policy);
  return closeBy === null ? data : { ...data, closeBy };
}

function assigneeOf(a: { id: string; name: string; kind?: 'department' | 'patrol' | undefined }) {
  return a.kind ? { id: a.id, name: a.name, kind: a.kind } : { id: a.id, name: a.name };
}

function rejection(incident: Incident, command: Extract<ParsedIncidentCommand, { action: 'reject' }>) {
  const refuse = (message: string) => new HubError('VALIDATION_FAILED', message, [{ path: 'duplicateOf', message }]);
  if (command.reason === 'duplicate') {
    if (!command.duplicateOf) throw refuse(`Rejecting incident ${incident.id} as a duplicate needs duplicateOf: the case it repeats.`);
    if (command.duplicateOf === incident.id) throw refuse(`Incident ${incident.id} cannot be a duplicate of itself.`);
    return { reason: command.reason, duplicateOf: command.duplicateOf };
  }
  if (command.duplicateOf) throw refuse('duplicateOf goes only with the reason "duplicate".');
  return { reason: command.reason, duplicateOf: null };
}
