/** The coordination's settings from the app's dependencies: rules, alert timing, the calendar. */
import { DEFAULT_ALERT_TIMING } from '@shared/schemas/alert';
import { workingTimeBetween } from '../domain/sla';
import type { EtaSettings } from '../domain/nearby';
import type { SlaPolicy } from '../domain/sla';
import type { CoordinationOptions } from './coordination';

export function coordinationOptions(deps: { policy: SlaPolicy; coordination?: Partial<CoordinationOptions> }, eta: EtaSettings): CoordinationOptions {
  const given = deps.coordination ?? {};
  return {
    timing: given.timing ?? DEFAULT_ALERT_TIMING,
    eta: given.eta ?? eta,
    planFor: given.planFor ?? (() => null),
    overdueThresholds: given.overdueThresholds ?? [],
    workingHoursSince: given.workingHoursSince ?? ((dueAt, now) => Math.max(0, workingTimeBetween(dueAt, now, deps.policy.calendar)) / 3_600_000),
    ...(given.sweepMs ? { sweepMs: given.sweepMs } : {}),
    ...(given.overdueCheckMs ? { overdueCheckMs: given.overdueCheckMs } : {}),
  };
}
