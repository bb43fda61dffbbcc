/**
 * The alerts of this desk's home region (issue 16: alarms that cannot be missed): every one still
 * waiting and those acknowledged in the last hour, as the snapshot's `alerts` carries them, kept
 * current by `alert:changed` deltas (routed here by the queue store, under its sequence number)
 * and by the alerts that `alert:acknowledge` acknowledgements return.
 *
 * Alerts carry no version, but they only move forward — waiting → escalated → acknowledged — so
 * an older state that arrives late (an acknowledgement's answer overtaken by the delta, a replay)
 * is never taken over a newer one. A new alert waiting, or one newly escalated, rings: listeners
 * (the desk's sound) hear it with what changed; a snapshot rings nothing (the hub sounds every
 * waiting alert again soon enough). The Map is not reactive; components watch `version`.
 */
import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { Alert, AlertSounded } from '@shared/schemas/alert';

/** the snapshot carries those acknowledged in the last hour; so does the desk */
export const RECENT_ACK_MS = 3_600_000;

/** why an alert rings on this desk */
export type RingReason = 'raised' | 'escalated' | 'repeat';
export interface Ring {
  alert: Alert;
  reason: RingReason;
}
export type RingListener = (ring: Ring) => void;

/** how far an alert has come: never back */
export function alertProgress(a: Alert): number {
  if (a.state === 'acknowledged') return 2;
  return a.escalatedAt !== null ? 1 : 0;
}

export const useConsoleAlerts = defineStore('console-alerts', () => {
  const byId = markRaw(new Map<string, Alert>());
  const listeners = markRaw(new Set<RingListener>());
  const version = ref(0);
  /** false until a snapshot said anything about alerts (a hub before protocol 5 sends none) */
  const known = ref(false);

  function ring(alert: Alert, reason: RingReason): void {
    for (const l of listeners) l({ alert, reason });
  }

  /** stores an alert unless it holds a later state of it; rings a new one waiting, or a new escalation */
  function upsert(alert: Alert): boolean {
    const before = byId.get(alert.id);
    if (before && alertProgress(before) > alertProgress(alert)) return false;
    byId.set(alert.id, alert);
    version.value++;
    if (alert.state === 'waiting') {
      if (!before) ring(alert, alert.escalatedAt !== null ? 'escalated' : 'raised');
      else if (before.escalatedAt === null && alert.escalatedAt !== null) ring(alert, 'escalated');
    }
    return true;
  }

  function applySnapshot(list: readonly Alert[] | undefined): void {
    byId.clear();
    for (const a of list ?? []) byId.set(a.id, a);
    known.value = list !== undefined;
    version.value++;
  }

  /** the hub sounds a waiting alert again (or escalated it): rings when this desk holds it waiting */
  function sounded(s: AlertSounded): boolean {
    const alert = byId.get(s.alertId);
    if (!alert || alert.state !== 'waiting') return false;
    let now = alert;
    if (s.escalated && alert.escalatedAt === null) {
      // the delta that says so is on its way; the desk marks it at once
      now = { ...alert, escalatedAt: s.at };
      byId.set(now.id, now);
      version.value++;
    }
    ring(now, s.escalated ? 'escalated' : 'repeat');
    return true;
  }

  function onRing(listener: RingListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** forgets alerts acknowledged more than an hour ago (a fresh snapshot would not carry them) */
  function prune(now: number): number {
    let removed = 0;
    for (const [id, a] of byId) {
      if (a.state === 'acknowledged' && (a.acknowledgedAt ?? a.raisedAt) < now - RECENT_ACK_MS) {
        byId.delete(id);
        removed++;
      }
    }
    if (removed) version.value++;
    return removed;
  }

  function reset(): void {
    byId.clear();
    known.value = false;
    version.value++;
  }

  return { byId, version, known, upsert, applySnapshot, sounded, onRing, prune, reset };
});
