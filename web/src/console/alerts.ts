/**
 * Alerts on the desk as pure functions (issue 16): which wait (escalated first, then the most
 * severe, then the oldest), which were acknowledged in the last hour (newest first), who may
 * acknowledge (shared/access: 'alert:acknowledge', operator and above, alerts of their region, only
 * while waiting), who is told (the rule's `notifyRoles`; supervisors and administrators once it
 * escalated), and when the desk sounds. The components render what these return; the tests call
 * them directly.
 */
import { roleAllows, withinRegion } from '@shared/access';
import type { Alert } from '@shared/schemas/alert';
import type { Role, User } from '@shared/schemas/auth';
import { RECENT_ACK_MS, type Ring } from './stores/alerts';

/** y, as 确认 everywhere on the desk */
export const ALERT_ACK_KEY = 'y';
/** the recent list shows at most this many */
export const RECENT_SHOWN = 50;
/** one tone at a time per alert: an escalation's delta and its `alert:sounded` come together */
export const RING_GAP_MS = 3_000;

export function isSupervisor(role: Role | undefined | null): boolean {
  return role === 'supervisor' || role === 'admin';
}

/** the alerts waiting: escalated first, then the most severe, then the one raised longest ago */
export function waitingAlerts(all: Iterable<Alert>): Alert[] {
  const out: Alert[] = [];
  for (const a of all) if (a.state === 'waiting') out.push(a);
  return out.sort(
    (a, b) => Number(b.escalatedAt !== null) - Number(a.escalatedAt !== null) || b.severity - a.severity || a.raisedAt - b.raisedAt || a.id.localeCompare(b.id),
  );
}

/** acknowledged in the hour before `now`, the newest acknowledgement first */
export function recentAlerts(all: Iterable<Alert>, now: number, limit = RECENT_SHOWN): Alert[] {
  const out: Alert[] = [];
  for (const a of all) if (a.state === 'acknowledged' && (a.acknowledgedAt ?? a.raisedAt) >= now - RECENT_ACK_MS) out.push(a);
  out.sort((a, b) => (b.acknowledgedAt ?? b.raisedAt) - (a.acknowledgedAt ?? a.raisedAt) || a.id.localeCompare(b.id));
  return out.slice(0, limit);
}

export function canAcknowledge(alert: Alert, user: User | null): boolean {
  if (!user || user.disabled || alert.state !== 'waiting') return false;
  return roleAllows(user.role, 'alert:acknowledge') && withinRegion(user.regionCode, alert.regionPath);
}

/**
 * is this role told of the alert? Those the rule names (an administrator counts as a supervisor;
 * a rule naming nobody tells everyone), and supervisors and administrators once it escalated.
 */
export function isNotified(alert: Alert, role: Role): boolean {
  if (alert.escalatedAt !== null && isSupervisor(role)) return true;
  if (alert.notifyRoles.length === 0) return true;
  return alert.notifyRoles.includes(role) || (role === 'admin' && alert.notifyRoles.includes('supervisor'));
}

/**
 * does the desk sound on this ring? An alert that sounds (`sound`) for a role it tells; an
 * escalated alert for a supervisor or administrator even when it does not sound
 */
export function shouldSound(ring: Ring, role: Role | null | undefined): boolean {
  if (!role || ring.alert.state !== 'waiting') return false;
  if (ring.alert.escalatedAt !== null && isSupervisor(role)) return true;
  return ring.alert.sound && isNotified(ring.alert, role);
}

/** highlighted on this desk: escalated, for a supervisor or administrator */
export function isHighlighted(alert: Alert, role: Role | null | undefined): boolean {
  return alert.state === 'waiting' && alert.escalatedAt !== null && isSupervisor(role);
}
