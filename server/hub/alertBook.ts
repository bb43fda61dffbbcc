/**
 * Alerts that cannot be missed (issue 16 part 3). A rule raises one (ruleTriggers.ts); it waits
 * until a person acknowledges it (audited). While it waits the hub sounds it again every
 * `repeatMs` (`alert:sounded`, not stored: a wall that was away hears the next one) and, once
 * `escalateAfterMs` has passed, escalates it to the supervisors (stored: `alert:changed`).
 *
 * Each change is an event in the log (kind `alert`, the whole Alert as payload) written through the
 * hub's serial queue, then a reliable delta to the clients whose home region holds the place.
 */
import { createHash } from 'node:crypto';
import { roleAllows, withinRegion } from '@shared/access';
import { HubError } from '@shared/errors';
import { AlertAckRequest, type Alert, type AlertSounded, type AlertTiming } from '@shared/schemas/alert';
import type { Actor } from '@shared/schemas/common';
import type { Role } from '@shared/schemas/auth';
import { parseOrThrow } from '@shared/validate';
import type { Logger } from '../lib/log';
import type { NewAuditRecord } from '../store/types';
import { actorOf, type Principal } from './audit';
import type { FocusBook } from './focusBook';
import type { Hub } from './hub';

/** what a matched rule asks for (server/domain/rules, merged when several match) */
export interface AlertPlan {
  ruleId: string;
  ruleName: string;
  sound: boolean;
  /** the alert's card opens the cameras that see the place */
  openCameras: boolean;
  notifyRoles: readonly Role[];
  /** sound again and escalate while nobody acknowledges */
  repeat: boolean;
  /** the region whose walls the alert focuses, when a rule focuses */
  focusRegion: string | null;
  /** the rule that focuses (the focus's `startedBy`), when it is not the first that matched */
  focusRule: { id: string; name: string } | null;
  /** acknowledging the alert ends that focus */
  revertOnAck: boolean;
}

/** what an alert is about */
export type AlertSubject = Pick<Alert, 'kind' | 'incidentId' | 'cameraId' | 'videoAlarmId' | 'title' | 'severity' | 'regionPath' | 'lng' | 'lat'> & {
  /** a stable key: one alert per key, ever (a case's alert is not raised twice) */
  key: string;
};

/** acknowledged alerts stay on screen (and in snapshots) this long */
export const ACKNOWLEDGED_SHOWN_MS = 60 * 60_000;
/** alerts older than this are not read back at start (a waiting one older than a month is history) */
export const ALERT_MEMORY_MS = 30 * 86_400_000;

/** an alert id from its key: the key itself when it is a valid id, else a hash of it */
export function alertIdOf(key: string): string {
  const id = `AL-${key}`;
  return id.length <= 64 && /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(id) ? id : `AL-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

export class AlertBook {
  private readonly byId = new Map<string, Alert>();
  /** when each waiting alert last sounded, and how many repeats so far (memory only) */
  private readonly sounded = new Map<string, { at: number; repeat: number }>();
  /** keys of every alert raised within ALERT_MEMORY_MS, acknowledged or not: never raised twice */
  private readonly raisedKeys = new Set<string>();
  private listeners: ((sounded: AlertSounded, alert: Alert) => void)[] = [];
  private sweeping = false;

  constructor(
    private readonly hub: Hub,
    private readonly focuses: FocusBook,
    readonly timing: AlertTiming,
    private readonly log: Logger,
  ) {
    // an alert another hub node raised or changed (logFollower.ts): memory, then the same delta
    hub.follow('alert', (event) => {
      const alert = event.payload as Alert;
      const before = this.byId.get(alert.id);
      this.byId.set(alert.id, alert);
      this.raisedKeys.add(alert.id);
      if (alert.state !== 'waiting') this.sounded.delete(alert.id);
      this.hub.stream.publish({ delta: { type: 'alert:changed', seq: event.seq, alert }, path: alert.regionPath, layer: 'incidents', homes: alert.regionPath });
      // escalated on the lease holder: this node's walls hear it too, as the holder's do
      if (before && before.escalatedAt === null && alert.escalatedAt !== null && alert.state === 'waiting') this.soundAgain(alert, true);
    });
  }

  /** reads back the alerts of the last ALERT_MEMORY_MS; returns them all (acknowledged ones too) */
  async load(): Promise<Alert[]> {
    let afterSeq = 0;
    const from = this.hub.now() - ALERT_MEMORY_MS;
    for (;;) {
      // up to the seq memory stands at: what comes after, a node following the log installs from there
      const page = await this.hub.store.readEvents({ kind: 'alert', afterSeq, toSeq: this.hub.seq, from, limit: 5_000 });
      for (const ev of page) this.byId.set(ev.aggregateId, ev.payload as Alert);
      if (page.length < 5_000) break;
      afterSeq = page[page.length - 1]!.seq;
    }
    for (const id of this.byId.keys()) this.raisedKeys.add(id);
    const loaded = this.list();
    this.prune();
    return loaded;
  }

  get(id: string): Alert | undefined {
    return this.byId.get(id);
  }

  /** whether an alert with this key was raised already (within ALERT_MEMORY_MS) */
  raised(key: string): boolean {
    return this.raisedKeys.has(alertIdOf(key));
  }

  list(): Alert[] {
    return [...this.byId.values()];
  }

  waiting(): Alert[] {
    return this.list().filter((a) => a.state === 'waiting');
  }

  /** what a client whose home is `home` holds: waiting ones, and those acknowledged in the last hour */
  forHome(home: string): Alert[] {
    const since = this.hub.now() - ACKNOWLEDGED_SHOWN_MS;
    return this.list().filter((a) => a.regionPath.includes(home) && (a.state === 'waiting' || (a.acknowledgedAt ?? 0) >= since));
  }

  onSounded(listener: (sounded: AlertSounded, alert: Alert) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** raises the alert (once per subject key); with a focusing plan, the walls of its region are focused */
  async raise(subject: AlertSubject, plan: AlertPlan): Promise<Alert | null> {
    const id = alertIdOf(subject.key);
    if (this.raisedKeys.has(id)) return null;
    this.raisedKeys.add(id);
    const { key: _key, ...about } = subject;
    const alert = await this.hub.queue.run(async () => {
      await this.hub.freshen(); // several nodes: decided on what the others did up to now
      this.raisedKeys.delete(id); // held again below once written: a failed write may be raised again
      const at = this.hub.now();
      const raised: Alert = {
        id,
        ...about,
        ruleId: plan.ruleId,
        ruleName: plan.ruleName,
        raisedAt: at,
        sound: plan.sound,
        repeat: plan.repeat,
        openCameras: plan.openCameras,
        notifyRoles: [...plan.notifyRoles],
        state: 'waiting',
        escalatedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        note: null,
        focusId: null,
      };
      await this.write(raised, 'raised', this.ruleActor(plan), at, []);
      this.raisedKeys.add(id);
      this.sounded.set(id, { at, repeat: 0 });
      return raised;
    });
    if (plan.focusRegion && alert.incidentId) {
      try {
        const focus = await this.focuses.start(
          { rule: plan.focusRule ?? { id: plan.ruleId, name: plan.ruleName } },
          { incidentId: alert.incidentId, regionCode: plan.focusRegion },
          { endsWithAlert: plan.revertOnAck ? alert.id : null },
        );
        return await this.hub.queue.run(async () => {
      await this.hub.freshen(); // several nodes: decided on what the others did up to now
          const current = this.byId.get(alert.id) ?? alert;
          const next = { ...current, focusId: focus.id };
          await this.write(next, 'changed', this.ruleActor(plan), this.hub.now(), []);
          return next;
        });
      } catch (error) {
        this.log.warn('a rule could not focus the walls', { alert: alert.id, rule: plan.ruleId, error: String(error) });
      }
    } else if (alert.incidentId && this.focuses.onIncident(alert.incidentId)) {
      this.focuses.note(alert.incidentId, { at: alert.raisedAt, kind: 'alert_raised', actor: plan.ruleName, action: null, text: alert.title });
    }
    return alert;
  }

  async acknowledge(by: Principal, input: unknown): Promise<Alert> {
    try {
      return await this.acknowledgeUnaudited(by, input);
    } catch (error) {
      const id = (input as { alertId?: unknown } | null)?.alertId;
      const alert = typeof id === 'string' ? this.byId.get(id) : undefined;
      const incident = alert?.incidentId ? (this.hub.incidents.get(alert.incidentId)?.incident ?? null) : null;
      await this.hub.auditRefusal(by, 'alert_ack', incident, null, error, typeof id === 'string' ? id.slice(0, 64) : null);
      throw error;
    }
  }

  private async acknowledgeUnaudited(by: Principal, input: unknown): Promise<Alert> {
    const request = parseOrThrow(AlertAckRequest, input, 'acknowledgement');
    return this.acknowledgeWith(request.alertId, request.note ?? null, { username: by.user.username, name: by.user.displayName }, actorOf(by.user), by, (alert) => {
      if (!roleAllows(by.user.role, 'alert:acknowledge')) throw new HubError('FORBIDDEN_ROLE', `A ${by.user.role} may not acknowledge alerts; an operator or above may.`);
      if (!withinRegion(by.user.regionCode, alert.regionPath)) throw new HubError('FORBIDDEN_REGION', `Alert ${alert.id} lies outside your region (${by.user.regionCode}).`);
    });
  }

  /**
   * A trusted in-process source acknowledges (the simulated city's duty operator): no session,
   * no audit row — the event names the actor, as the simulator's case steps do.
   */
  acknowledgeAs(actor: Actor, alertId: string, note: string | null = null): Promise<Alert> {
    return this.acknowledgeWith(alertId, note, { username: actor.id, name: actor.name ?? actor.id }, actor, null, () => {});
  }

  private async acknowledgeWith(alertId: string, note: string | null, who: { username: string; name: string }, actor: Actor, by: Principal | null, check: (alert: Alert) => void): Promise<Alert> {
    const { alert, first } = await this.hub.queue.run(async () => {
      await this.hub.freshen(); // several nodes: decided on what the others did up to now
      const alert = this.byId.get(alertId);
      if (!alert) throw new HubError('UNKNOWN_ALERT', `No alert has the id ${alertId}.`);
      check(alert);
      // two people pressing at once: the second sees it acknowledged, nothing is written twice
      if (alert.state === 'acknowledged') return { alert, first: false };
      const at = this.hub.now();
      const next: Alert = { ...alert, state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: who, note: note || null };
      await this.write(next, 'acknowledged', actor, at, by ? [this.audit(by, next, at)] : []);
      this.sounded.delete(alert.id);
      return { alert: next, first: true };
    });
    if (first && alert.focusId) {
      const focus = this.focuses.get(alert.focusId);
      if (focus?.endsWithAlert === alert.id) {
        const ender = by ?? { rule: { id: alert.ruleId, name: alert.ruleName } };
        await this.focuses.end(ender, { focusId: focus.id }, 'alert acknowledged').catch((error: unknown) => this.log.warn('ending a focus on acknowledgement failed', { error: String(error) }));
      }
    }
    if (first && alert.incidentId && this.focuses.onIncident(alert.incidentId)) {
      this.focuses.note(alert.incidentId, { at: alert.acknowledgedAt!, kind: 'alert_acknowledged', actor: who.name, action: null, text: alert.note });
    }
    return alert;
  }

  /**
   * Sounds again what waited `repeatMs` since it last sounded, escalates what waited
   * `escalateAfterMs` since it was raised. Called on a timer; one sweep at a time. Several nodes:
   * the lease holder sweeps in full; the others with `escalate: false`, so that their walls hear
   * the repeats too (coordination.ts).
   */
  async sweep(opts: { escalate?: boolean } = {}): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = this.hub.now();
      for (const alert of this.waiting()) {
        // a rule that does not repeat: it waits, silent, for its person
        if (alert.repeat === false) continue;
        const sound = this.sounded.get(alert.id) ?? { at: alert.raisedAt, repeat: 0 };
        // `escalate: false`: a node standing by sounds its own walls again, the holder escalates (a write)
        if (opts.escalate !== false && alert.escalatedAt === null && now - alert.raisedAt >= this.timing.escalateAfterMs) {
          let escalated: Alert | null | undefined;
          try {
            escalated = await this.escalate(alert.id);
          } catch {
            // not written (the store is unavailable: server/hub/storeHealth.ts): a later sweep
            // escalates it; meanwhile it still sounds below, and so do the alerts after it
            escalated = undefined;
          }
          if (escalated) {
            this.sounded.set(alert.id, { at: now, repeat: sound.repeat + 1 });
            this.emit({ alertId: alert.id, at: now, repeat: sound.repeat + 1, escalated: true }, escalated);
          }
          if (escalated !== undefined) continue;
        }
        if (now - sound.at >= this.timing.repeatMs) {
          this.sounded.set(alert.id, { at: now, repeat: sound.repeat + 1 });
          this.emit({ alertId: alert.id, at: now, repeat: sound.repeat + 1, escalated: alert.escalatedAt !== null }, alert);
        }
      }
      this.prune();
    } finally {
      this.sweeping = false;
    }
  }

  private async escalate(id: string): Promise<Alert | null> {
    return this.hub.queue.run(async () => {
      await this.hub.freshen(); // several nodes: decided on what the others did up to now
      const alert = this.byId.get(id);
      if (!alert || alert.state !== 'waiting' || alert.escalatedAt !== null) return null;
      const at = this.hub.now();
      const next: Alert = { ...alert, escalatedAt: at, notifyRoles: [...new Set<Role>([...alert.notifyRoles, 'supervisor'])] };
      await this.write(next, 'escalated', { kind: 'system', id: 'alerts', name: 'escalation' }, at, []);
      if (next.incidentId && this.focuses.onIncident(next.incidentId)) {
        this.focuses.note(next.incidentId, { at, kind: 'alert_escalated', actor: next.ruleName, action: null, text: next.title });
      }
      return next;
    });
  }

  private soundAgain(alert: Alert, escalated: boolean): void {
    const now = this.hub.now();
    const repeat = (this.sounded.get(alert.id)?.repeat ?? 0) + 1;
    this.sounded.set(alert.id, { at: now, repeat });
    this.emit({ alertId: alert.id, at: now, repeat, escalated }, alert);
  }

  private emit(sounded: AlertSounded, alert: Alert): void {
    for (const listener of this.listeners) listener(sounded, alert);
  }

  /** forgets acknowledged alerts past ACKNOWLEDGED_SHOWN_MS (their keys stay: never raised again) */
  private prune(): void {
    const cut = this.hub.now() - ACKNOWLEDGED_SHOWN_MS;
    for (const [id, a] of this.byId) if (a.state === 'acknowledged' && (a.acknowledgedAt ?? 0) < cut) this.byId.delete(id);
  }

  /** in the queue: one event (and its audit rows), then memory, then the delta */
  private async write(alert: Alert, type: string, actor: Actor, at: number, audit: NewAuditRecord[]): Promise<void> {
    const [stored] = await this.hub.store.append([{ kind: 'alert', aggregateId: alert.id, type, at, actor, payload: alert }], {}, undefined, audit.map((a) => ({ ...a, eventIndex: 0 })));
    this.byId.set(alert.id, alert);
    this.hub.stream.publish({ delta: { type: 'alert:changed', seq: stored!.seq, alert }, path: alert.regionPath, layer: 'incidents', homes: alert.regionPath });
  }

  private ruleActor(plan: AlertPlan): Actor {
    return { kind: 'system', id: `rule:${plan.ruleId}`.slice(0, 64), name: plan.ruleName.slice(0, 80) };
  }

  private audit(by: Principal, alert: Alert, at: number): NewAuditRecord {
    return {
      at,
      actor: by.user.username,
      role: by.user.role,
      client: by.client,
      action: 'alert_ack',
      outcome: 'ok',
      error: null,
      message: null,
      incidentId: alert.incidentId,
      subject: alert.id,
      stageBefore: null,
      stageAfter: null,
      reason: alert.note,
      stepMs: Math.max(0, at - alert.raisedAt),
      regionPath: [...alert.regionPath],
    };
  }
}
