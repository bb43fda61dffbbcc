/** The coordination's settings from the app's dependencies: rules, alert timing, the calendar. */
import { DEFAULT_ALERT_TIMING } from '@shared/schemas/alert';
import type { EtaSettings } from '../domain/nearby';
import { DEFAULT_RULES, RulesFileSchema } from '../domain/rules';
import type { SlaPolicy } from '../domain/sla';
import type { CoordinationOptions } from './coordination';

export function coordinationOptions(deps: { policy: SlaPolicy; coordination?: Partial<CoordinationOptions> }, eta: EtaSettings): CoordinationOptions {
  const given = deps.coordination ?? {};
  return {
    timing: given.timing ?? DEFAULT_ALERT_TIMING,
    eta: given.eta ?? eta,
    rules: given.rules ?? RulesFileSchema.parse({ rules: DEFAULT_RULES }).rules,
    calendar: given.calendar ?? deps.policy.calendar,
    ...(given.sweepMs ? { sweepMs: given.sweepMs } : {}),
    ...(given.overdueCheckMs ? { overdueCheckMs: given.overdueCheckMs } : {}),
  };
}
