/**
 * The AI confirm queue as pure functions: which alarms wait (oldest first: each has waited
 * longest), which were decided in the last 24 h (newest decision first), what the user may do
 * with one (shared/access: 'alarm:decide' in the alarm's region, only while it is pending), the
 * decision bodies (shared VideoAlarmDecision; a dismissal needs a reason), and the cursor's moves
 * through the list. The components render what these return; the tests call them directly.
 */
import { roleAllows, withinRegion } from '@shared/access';
import type { User } from '@shared/schemas/auth';
import type { Severity } from '@shared/schemas/incident';
import type { VideoAlarm, VideoAlarmDecision } from '@shared/schemas/videoAlarm';
import { RECENT_DECIDED_MS } from './stores/alarms';

export type AlarmAction = 'confirm' | 'dismiss';

/** one key each, shown on the buttons; x matches 不予立案 on a case (both say "no") */
export const ALARM_KEYS: Readonly<Record<AlarmAction, string>> = { confirm: 'y', dismiss: 'x' };

/** the decided list shows at most this many (a busy city decides hundreds a day) */
export const DECIDED_SHOWN = 200;

export function pendingAlarms(all: Iterable<VideoAlarm>): VideoAlarm[] {
  const out: VideoAlarm[] = [];
  for (const a of all) if (a.status === 'pending') out.push(a);
  return out.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
}

/** decided in the 24 h before `now`, the newest decision first */
export function decidedAlarms(all: Iterable<VideoAlarm>, now: number, limit = DECIDED_SHOWN): VideoAlarm[] {
  const out: VideoAlarm[] = [];
  for (const a of all) if (a.status !== 'pending' && (a.decidedAt ?? a.at) >= now - RECENT_DECIDED_MS) out.push(a);
  out.sort((a, b) => (b.decidedAt ?? b.at) - (a.decidedAt ?? a.at) || a.id.localeCompare(b.id));
  return out.slice(0, limit);
}

/** what this user is offered on an alarm: both decisions, or nothing */
export function offeredAlarmActions(alarm: VideoAlarm, user: User | null): AlarmAction[] {
  if (!user || user.disabled || alarm.status !== 'pending') return [];
  if (!roleAllows(user.role, 'alarm:decide') || !withinRegion(user.regionCode, alarm.regionPath)) return [];
  return ['confirm', 'dismiss'];
}

export function alarmActionForKey(key: string, offered: readonly AlarmAction[]): AlarmAction | null {
  const k = key.toLowerCase();
  return offered.find((a) => ALARM_KEYS[a] === k) ?? null;
}

/** reasons an operator picks most often when dismissing; free text adds to or replaces them */
export const DISMISS_PRESETS = ['misdetect', 'lighting', 'nothingOnSite', 'alreadyReported', 'deviceTest'] as const;
export type DismissPreset = (typeof DISMISS_PRESETS)[number];

export interface ConfirmInput {
  severity?: Severity;
  /** the case's title; empty or unchanged keeps the alarm's */
  title?: string;
  note?: string;
}

export interface DismissInput {
  /** the chosen preset's words, as the desk shows them */
  preset?: string | null;
  text?: string;
}

/** the reason a dismissal records: the preset, the operator's words, or both; '' when neither */
export function dismissNote(input: DismissInput): string {
  const preset = input.preset?.trim() ?? '';
  const text = input.text?.trim() ?? '';
  if (preset && text) return `${preset}：${text}`.slice(0, 500);
  return (preset || text).slice(0, 500);
}

/** a dismissal without a reason is refused by the hub: the desk does not send it */
export function canDismiss(input: DismissInput): boolean {
  return dismissNote(input) !== '';
}

export function buildConfirm(alarm: VideoAlarm, input: ConfirmInput = {}): VideoAlarmDecision {
  const title = input.title?.trim() ?? '';
  const note = input.note?.trim() ?? '';
  return {
    action: 'confirm',
    severity: input.severity ?? 1,
    ...(title && title !== alarm.title ? { title: title.slice(0, 120) } : {}),
    ...(note ? { note: note.slice(0, 500) } : {}),
  };
}

/** the dismissal body; null when there is no reason (nothing to send) */
export function buildDismiss(input: DismissInput): VideoAlarmDecision | null {
  const note = dismissNote(input);
  return note ? { action: 'dismiss', note } : null;
}

/**
 * Where the cursor was when the operator decided an alarm: the pending alarms around it. Once
 * decided it leaves the pending list (it is shown, dimmed, below); j and k from it continue
 * among the pending ones, as if it had stayed in place.
 */
export interface AlarmAnchor {
  id: string;
  nextId: string | null;
  prevId: string | null;
}

export function anchorOf(pending: readonly VideoAlarm[], id: string): AlarmAnchor {
  const i = pending.findIndex((a) => a.id === id);
  return { id, nextId: i >= 0 ? pending[i + 1]?.id ?? null : null, prevId: i > 0 ? pending[i - 1]!.id : null };
}

/** the id `step` rows away from `current` in `ids` (clamped); the first one when nothing is selected */
export function moveAlarmCursor(ids: readonly string[], current: string | null, step: number, anchor: AlarmAnchor | null = null): string | null {
  if (ids.length === 0) return null;
  if (anchor && current === anchor.id) {
    const target = step > 0 ? anchor.nextId : anchor.prevId;
    if (target && ids.includes(target)) return target;
  }
  const at = current === null ? -1 : ids.indexOf(current);
  if (at < 0) return ids[step > 0 ? 0 : ids.length - 1] ?? null;
  return ids[Math.min(ids.length - 1, Math.max(0, at + step))] ?? null;
}

/** after a dismissal the cursor goes on to the next alarm waiting (or the one before) */
export function afterDismiss(anchor: AlarmAnchor, ids: readonly string[]): string | null {
  for (const id of [anchor.nextId, anchor.prevId]) if (id && ids.includes(id)) return id;
  return ids.includes(anchor.id) ? anchor.id : ids[0] ?? null;
}

/** "87%" */
export function confidenceText(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}
