/**
 * Overdue rules fire ONCE per (rule, case): "overdue by more than H working hours" stays true for
 * every later sweep, and an alert each minute for the same late case would drown the real ones.
 *
 * The contract with the hub: on each sweep, for each open case past its deadline, call
 * dueOverdueRules with the keys already fired; when it returns matches, raise one alert
 * (mergeMatches) and add overdueFiringKey(rule.id, incidentId) of EVERY returned match to the set.
 * A rule with a higher threshold (e.g. 40 h after an 8 h one) then fires later, once, on its own.
 * The set is rebuilt at start from the stored overdue alerts (firedOverdueKeys) and may drop a
 * case's keys when the case closes.
 */
import { workingTimeBetween, type BusinessCalendar } from '@shared/calendar';
import { matchRules, type OverdueTrigger, type RuleMatch } from './match';
import type { Rule } from './schema';

const HOUR = 3_600_000;

/** working hours from the deadline to `now` on the centre's calendar; 0 when not yet due */
export function overdueWorkingHours(dueAt: number, now: number, calendar: BusinessCalendar): number {
  return now <= dueAt ? 0 : workingTimeBetween(dueAt, now, calendar) / HOUR;
}

/** the distinct thresholds of the enabled overdue rules, ascending: [] means no sweep is needed */
export function overdueThresholds(rules: readonly Rule[]): number[] {
  const hours = new Set<number>();
  for (const rule of rules) if (rule.enabled && rule.when.kind === 'overdue') hours.add(rule.when.overWorkingHours);
  return [...hours].sort((a, b) => a - b);
}

/** the key under which the hub remembers that `ruleId` fired for the case */
export function overdueFiringKey(ruleId: string, incidentId: string): string {
  return `${ruleId}\u0000${incidentId}`;
}

/** the overdue rules the case now matches that have not fired for it yet, in file order */
export function dueOverdueRules(rules: readonly Rule[], trigger: OverdueTrigger, incidentId: string, alreadyFired: ReadonlySet<string>): RuleMatch[] {
  return matchRules(rules, trigger).filter((m) => !alreadyFired.has(overdueFiringKey(m.rule.id, incidentId)));
}

/**
 * The fired keys as the stored alerts tell them (after a restart). An alert names only its first
 * rule: when two overdue rules crossed their thresholds in the same sweep, the other one fires
 * once more after a restart — rare (thresholds differ), and an extra alert beats a lost one.
 */
export function firedOverdueKeys(alerts: Iterable<{ kind: string; ruleId: string; incidentId: string | null }>): Set<string> {
  const keys = new Set<string>();
  for (const a of alerts) if (a.kind === 'overdue' && a.incidentId !== null) keys.add(overdueFiringKey(a.ruleId, a.incidentId));
  return keys;
}
