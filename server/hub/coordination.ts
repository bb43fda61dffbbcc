/**
 * Emergency coordination on the hub (issue 16): the focuses, the alerts, and the triggers that
 * turn what happens (a case reported, a camera's AI alarm, a case long overdue) into alerts through
 * the deployment's rules (server/domain/rules: `planFor`). Triggers come from reliable deltas only,
 * so history and imports written quietly never raise an alert.
 */
import type { AlertTiming } from '@shared/schemas/alert';
import type { CameraAlarmType } from '@shared/schemas/camera';
import type { EtaSettings } from '../domain/nearby';
import type { Logger } from '../lib/log';
import { AlertBook, type AlertPlan } from './alertBook';
import { FocusBook } from './focusBook';
import type { Hub } from './hub';
import type { NearbyFinder } from './nearbyFinder';

/** what a rule is asked about (the same shape as server/domain/rules' Trigger) */
export type CoordinationTrigger =
  | { kind: 'case'; category: string; severity: number; regionPath: readonly string[] }
  | { kind: 'camera_alarm'; type: CameraAlarmType; regionPath: readonly string[] }
  | { kind: 'overdue'; category: string; severity: number; regionPath: readonly string[]; overdueWorkingHours: number };

export interface CoordinationOptions {
  timing: AlertTiming;
  eta: EtaSettings;
  /** the merged plan of the rules that match, or null when none does */
  planFor: (trigger: CoordinationTrigger) => AlertPlan | null;
  /** the thresholds (working hours) of the overdue rules, ascending: one alert per case and threshold */
  overdueThresholds: readonly number[];
  /** working hours between a deadline and now (the centre's business calendar) */
  workingHoursSince: (dueAt: number, now: number) => number;
  /** how often waiting alerts are looked at (repeat, escalate) */
  sweepMs?: number;
  /** how often open overdue cases are measured against the overdue rules */
  overdueCheckMs?: number;
}

export class Coordination {
  readonly focus: FocusBook;
  readonly alerts: AlertBook;
  private timers: NodeJS.Timeout[] = [];
  private detach: (() => void) | null = null;

  constructor(
    private readonly hub: Hub,
    nearby: NearbyFinder,
    private readonly opts: CoordinationOptions,
    private readonly log: Logger,
  ) {
    this.focus = new FocusBook(hub, nearby, opts.eta, log);
    this.alerts = new AlertBook(hub, this.focus, opts.timing, log);
  }

  async load(): Promise<void> {
    await this.focus.load();
    await this.alerts.load();
  }

  start(): void {
    this.detach = this.hub.onDelta(({ delta }) => {
      if (delta.type === 'incident:reported') {
        const i = delta.incident;
        this.raise(
          { kind: 'case', category: i.category, severity: i.severity, regionPath: i.regionPath },
          { key: `case:${i.id}`, kind: 'case', incidentId: i.id, cameraId: null, videoAlarmId: null, title: i.title, severity: i.severity, regionPath: [...i.regionPath], lng: i.location.lng, lat: i.location.lat },
        );
      } else if (delta.type === 'incident:updated') {
        this.focus.noteStep(delta.incident, delta.entry);
      } else if (delta.type === 'videoAlarm:updated' && delta.alarm.status === 'pending') {
        const a = delta.alarm;
        this.raise(
          { kind: 'camera_alarm', type: a.alarmType, regionPath: a.regionPath },
          { key: `video:${a.id}`, kind: 'camera_alarm', incidentId: null, cameraId: a.cameraId, videoAlarmId: a.id, title: a.title, severity: 2, regionPath: [...a.regionPath], lng: a.location.lng, lat: a.location.lat },
        );
      }
    });
    const sweep = setInterval(() => {
      this.alerts.sweep().catch((error: unknown) => this.log.error('alert sweep failed', { error: String(error) }));
    }, this.opts.sweepMs ?? 1_000);
    const overdue = setInterval(() => this.checkOverdue(), this.opts.overdueCheckMs ?? 60_000);
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
   * Open overdue cases against the overdue rules: each threshold fires once per case (the alert's
   * key holds the threshold). Not while history is written (deadlines then lie in the past by design).
   */
  checkOverdue(): void {
    const thresholds = this.opts.overdueThresholds;
    if (thresholds.length === 0 || this.hub.backfilling) return;
    const now = this.hub.now();
    for (const { incident: i } of this.hub.incidents.values()) {
      if (!i.overdue || !i.deadline || i.stage === 'closed' || i.stage === 'rejected') continue;
      const hours = this.opts.workingHoursSince(i.deadline.dueAt, now);
      for (const h of thresholds) {
        if (hours <= h) break;
        const key = `overdue:${h}:${i.id}`;
        if (this.alerts.raised(key)) continue;
        this.raise(
          { kind: 'overdue', category: i.category, severity: i.severity, regionPath: i.regionPath, overdueWorkingHours: hours },
          { key, kind: 'overdue', incidentId: i.id, cameraId: null, videoAlarmId: null, title: i.title, severity: i.severity, regionPath: [...i.regionPath], lng: i.location.lng, lat: i.location.lat },
        );
      }
    }
  }

  private raise(trigger: CoordinationTrigger, subject: Parameters<AlertBook['raise']>[0]): void {
    const plan = this.opts.planFor(trigger);
    if (!plan || this.alerts.raised(subject.key)) return;
    this.alerts.raise(subject, plan).catch((error: unknown) => this.log.warn('an alert was not raised', { key: subject.key, error: String(error) }));
  }
}
