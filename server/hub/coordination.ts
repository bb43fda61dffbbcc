/**
 * Emergency coordination on the hub (issue 16): the focuses, the alerts, and the triggers that
 * turn what happens (a case reported, a camera's AI alarm, a case long overdue) into alerts through
 * the deployment's rules (server/domain/rules: matched, merged, `planOf`). Triggers come from reliable deltas only,
 * so history and imports written quietly never raise an alert.
 */
import type { AlertTiming } from '@shared/schemas/alert';
import type { BusinessCalendar } from '@shared/calendar';
import type { EtaSettings } from '../domain/nearby';
import { caseTriggerOf, cameraAlarmTriggerOf, dueOverdueRules, firedOverdueKeys, matchRules, mergeMatches, overdueFiringKey, overdueTriggerOf, type MergedActions, type Rule, type RuleMatch } from '../domain/rules';
import type { Incident } from '@shared/schemas/incident';
import type { Logger } from '../lib/log';
import { forEachInSlices } from '../lib/slices';
import { AlertBook, type AlertPlan, type AlertSubject } from './alertBook';
import type { LeaseDuty } from './clusterDuties';
import { FocusBook } from './focusBook';
import type { Hub } from './hub';
import type { NearbyFinder } from './nearbyFinder';

export interface CoordinationOptions {
  timing: AlertTiming;
  eta: EtaSettings;
  /** the deployment's rules (RULES_FILE) or the shipped defaults, validated at start */
  rules: readonly Rule[];
  /** the centre's business calendar: overdue rules count working hours */
  calendar: BusinessCalendar;
  /** how often waiting alerts are looked at (repeat, escalate) */
  sweepMs?: number;
  /** how often open overdue cases are measured against the overdue rules */
  overdueCheckMs?: number;
}

/**
 * An overdue rule fires for a case that crossed its threshold at most this many working hours
 * ago. A case long past it when the hub first sees it (history, an import, a long outage) is in
 * the overdue lists already; a thousand alerts at the first start would bury the ones that matter.
 */
export const OVERDUE_CATCH_UP_HOURS = 4;

export function planOf(merged: MergedActions): AlertPlan {
  return {
    ruleId: merged.ruleId,
    ruleName: merged.ruleName,
    sound: merged.sound,
    openCameras: merged.openCameras,
    notifyRoles: merged.notifyRoles,
    repeat: merged.repeat,
    focusRegion: merged.focusRegion,
    focusRule: merged.focusRule,
    revertOnAck: merged.revertOnAck,
  };
}

export class Coordination {
  readonly focus: FocusBook;
  readonly alerts: AlertBook;
  private timers: NodeJS.Timeout[] = [];
  private detach: (() => void) | null = null;
  /** several nodes, this one standing by: its walls hear waiting alerts sound again (no escalation) */
  private standby: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly hub: Hub,
    nearby: NearbyFinder,
    private readonly opts: CoordinationOptions,
    private readonly log: Logger,
  ) {
    this.focus = new FocusBook(hub, nearby, opts.eta, log);
    this.alerts = new AlertBook(hub, this.focus, opts.timing, log);
  }

  /** (rule, case) pairs an overdue rule fired for already: once per case's life (server/domain/rules/overdue.ts) */
  private firedOverdue = new Set<string>();

  async load(): Promise<void> {
    await this.focus.load();
    this.firedOverdue = firedOverdueKeys(await this.alerts.load());
  }

  /**
   * The rule triggers as a duty of the cluster lease (clusterLease.ts): alerts raised from deltas,
   * focus notes, the alert sweep and the overdue rules run on the node that holds it, once for
   * the cluster. A node that takes over reads back the alerts first, so that none raised by the
   * node before it is raised again.
   */
  leaseDuty(): LeaseDuty {
    let fresh = true; // load() ran just before the first start
    return {
      name: 'rule triggers',
      start: async () => {
        if (!fresh) await this.catchUp();
        fresh = false;
        this.stopStandbySounding();
        this.start();
      },
      stop: () => {
        this.stop();
        this.startStandbySounding();
      },
    };
  }

  /**
   * A node not holding the lease, its memory following the shared log: alerts are raised and
   * escalated by the holder (events it installs from the log), and sounded again here for this
   * node's own walls — `alert:sounded` goes to the sockets of the node that emits it.
   */
  startStandbySounding(): void {
    if (this.standby || this.closed || !this.hub.following) return;
    this.standby = setInterval(() => {
      this.alerts.sweep({ escalate: false }).catch((error: unknown) => this.log.error('alert sweep failed', { error: String(error) }));
    }, this.opts.sweepMs ?? 1_000);
    this.standby.unref?.();
  }

  private stopStandbySounding(): void {
    if (this.standby) clearInterval(this.standby);
    this.standby = null;
  }

  /** on shutdown: nothing of it runs again */
  close(): void {
    this.closed = true;
    this.stop();
    this.stopStandbySounding();
  }

  /** the alerts in the store that this node has not seen (another node raised them while it held the lease) */
  async catchUp(): Promise<void> {
    for (const key of firedOverdueKeys(await this.alerts.load())) this.firedOverdue.add(key);
  }

  start(): void {
    if (this.detach) return;
    this.detach = this.hub.onDelta(({ delta }) => {
      if (delta.type === 'incident:reported') {
        const i = delta.incident;
        this.raise(
          matchRules(this.opts.rules, caseTriggerOf(i)),
          { key: `case:${i.id}`, kind: 'case', incidentId: i.id, cameraId: null, videoAlarmId: null, title: i.title, severity: i.severity, regionPath: [...i.regionPath], lng: i.location.lng, lat: i.location.lat },
        );
      } else if (delta.type === 'incident:updated') {
        this.focus.noteStep(delta.incident, delta.entry);
      } else if (delta.type === 'videoAlarm:updated' && delta.alarm.status === 'pending') {
        const a = delta.alarm;
        this.raise(
          matchRules(this.opts.rules, cameraAlarmTriggerOf(a)),
          { key: `video:${a.id}`, kind: 'camera_alarm', incidentId: null, cameraId: a.cameraId, videoAlarmId: a.id, title: a.title, severity: 2, regionPath: [...a.regionPath], lng: a.location.lng, lat: a.location.lat },
        );
      }
    });
    const sweep = setInterval(() => {
      this.alerts.sweep().catch((error: unknown) => this.log.error('alert sweep failed', { error: String(error) }));
    }, this.opts.sweepMs ?? 1_000);
    const overdue = setInterval(() => {
      this.checkOverdue().catch((error: unknown) => this.log.error('overdue rules check failed', { error: String(error) }));
    }, this.opts.overdueCheckMs ?? 60_000);
    sweep.unref?.();
    overdue.unref?.();
    this.timers.push(sweep, overdue);
  }

  stop(): void {
    this.timers.forEach(clearInterval);
    this.timers = [];
    this.detach?.();
    this.detach = null;
  }

  /**
   * Open overdue cases against the overdue rules: each (rule, case) fires once, and only within
   * OVERDUE_CATCH_UP_HOURS of crossing its threshold. Not while history is written (its deadlines
   * lie in the past by design).
   */
  async checkOverdue(): Promise<void> {
    if (this.checkingOverdue || this.hub.backfilling || !this.opts.rules.some((r) => r.enabled && r.when.kind === 'overdue')) return;
    this.checkingOverdue = true;
    try {
      // in slices of time: a province holds hundreds of thousands of cases, tens of thousands overdue
      await forEachInSlices(this.hub.incidents.values(), ({ incident }) => this.checkOverdueCase(incident, this.hub.now()));
    } finally {
      this.checkingOverdue = false;
    }
  }

  private checkingOverdue = false;

  private checkOverdueCase(i: Incident, now: number): void {
    if (!i.overdue) return;
    const trigger = overdueTriggerOf(i, now, this.opts.calendar);
    if (!trigger) return;
    const due = dueOverdueRules(this.opts.rules, trigger, i.id, this.firedOverdue).filter(
      (m) => m.rule.when.kind === 'overdue' && trigger.overdueWorkingHours - m.rule.when.overWorkingHours <= OVERDUE_CATCH_UP_HOURS,
    );
    if (due.length === 0) return;
    for (const m of due) this.firedOverdue.add(overdueFiringKey(m.rule.id, i.id));
    const subject = { key: `overdue:${due[0]!.rule.id}:${i.id}`, kind: 'overdue' as const, incidentId: i.id, cameraId: null, videoAlarmId: null, title: i.title, severity: i.severity, regionPath: [...i.regionPath], lng: i.location.lng, lat: i.location.lat };
    this.raise(due, subject);
  }

  private raise(matches: RuleMatch[], subject: AlertSubject): void {
    const merged = mergeMatches(matches);
    if (!merged || this.alerts.raised(subject.key)) return;
    this.alerts.raise(subject, planOf(merged)).catch((error: unknown) => this.log.warn('an alert was not raised', { key: subject.key, error: String(error) }));
  }
}
