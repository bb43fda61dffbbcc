/**
 * Which rules a trigger matches, and what one alert for it does. Pure: no I/O, no clock (the
 * caller passes `now` and the calendar). The hub raises ONE alert per trigger, merging every
 * matching rule (mergeMatches): two rules about one case are one alarm to acknowledge, not two.
 */
import { ROLES, type Role } from '@shared/schemas/auth';
import type { CameraAlarmType } from '@shared/schemas/camera';
import type { Rule } from './schema';

/** what happened, as rules see it: the facts a condition can test and nothing else */
export type Trigger =
  | { kind: 'case'; category: string; severity: number; regionPath: readonly string[] }
  | { kind: 'camera_alarm'; type: CameraAlarmType; regionPath: readonly string[] }
  | { kind: 'overdue'; category: string; severity: number; regionPath: readonly string[]; overdueWorkingHours: number };

export type OverdueTrigger = Extract<Trigger, { kind: 'overdue' }>;

export interface RuleMatch {
  rule: Rule;
  /**
   * whose walls a `focus` puts on the place: the deepest of the rule's regions on the trigger's
   * path, or for a rule without regions the root of the path (every wall whose home holds the
   * place); null when the rule does not focus
   */
  focusRegion: string | null;
}

/** the enabled rules the trigger matches, in file order */
export function matchRules(rules: readonly Rule[], trigger: Trigger): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const rule of rules) {
    if (!rule.enabled || !conditionHolds(rule.when, trigger)) continue;
    const region = regionOnPath(rule.when.regions, trigger.regionPath);
    out.push({ rule, focusRegion: rule.then.focus ? region : null });
  }
  return out;
}

function conditionHolds(when: Rule['when'], trigger: Trigger): boolean {
  if (when.kind !== trigger.kind) return false;
  if (when.regions && regionOnPath(when.regions, trigger.regionPath) === null) return false;
  switch (when.kind) {
    case 'camera_alarm':
      return trigger.kind === 'camera_alarm' && (!when.types || when.types.includes(trigger.type));
    case 'case':
      return trigger.kind === 'case' && inCategories(when.categories, trigger.category) && trigger.severity >= when.minSeverity;
    case 'overdue':
      return (
        trigger.kind === 'overdue' &&
        inCategories(when.categories, trigger.category) &&
        trigger.severity >= when.minSeverity &&
        // "overdue by MORE than H": a case exactly H hours late has not crossed the line yet;
        // H = 0 is "overdue at all" (a night-time overdue case may be 0 working hours late)
        (when.overWorkingHours === 0 || trigger.overdueWorkingHours > when.overWorkingHours)
      );
  }
}

function inCategories(categories: readonly string[] | undefined, category: string): boolean {
  return !categories || categories.includes(category);
}

/**
 * The region of the rule the place lies in: the deepest listed code on its path (a rule for a
 * district and one of its streets focuses the street for a case in that street). Without listed
 * regions, the root of the path. null when the place lies in none of them (or has no path).
 */
function regionOnPath(regions: readonly string[] | undefined, path: readonly string[]): string | null {
  if (!regions) return path[0] ?? null;
  for (let i = path.length - 1; i >= 0; i--) {
    if (regions.includes(path[i]!)) return path[i]!;
  }
  return null;
}

/** what the one alert of a trigger does, merged from every rule it matched */
export interface MergedActions {
  /** the alert names the first matching rule (so put the gravest rules first in the file) */
  ruleId: string;
  ruleName: string;
  /** every matching rule, in file order */
  ruleIds: string[];
  /** any rule sounds */
  sound: boolean;
  /** the first focusing rule's region, and that rule (the Focus's `startedBy`); null: no focus */
  focusRegion: string | null;
  focusRule: { id: string; name: string } | null;
  /** any rule opens the cameras */
  openCameras: boolean;
  /** the union, in rank order (viewer … admin) */
  notifyRoles: Role[];
  /** the focusing rule ends its focus when the alert is acknowledged */
  revertOnAck: boolean;
  /** any rule wants the waiting alert sounded again and escalated */
  repeat: boolean;
}

/** null when nothing matched: no alert */
export function mergeMatches(matches: readonly RuleMatch[]): MergedActions | null {
  const first = matches[0];
  if (!first) return null;
  const focusing = matches.find((m) => m.focusRegion !== null) ?? null;
  const roles = new Set<Role>(matches.flatMap((m) => m.rule.then.notifyRoles));
  return {
    ruleId: first.rule.id,
    ruleName: first.rule.name,
    ruleIds: matches.map((m) => m.rule.id),
    sound: matches.some((m) => m.rule.then.sound),
    focusRegion: focusing?.focusRegion ?? null,
    focusRule: focusing ? { id: focusing.rule.id, name: focusing.rule.name } : null,
    openCameras: matches.some((m) => m.rule.then.openCameras),
    notifyRoles: ROLES.filter((r) => roles.has(r)),
    revertOnAck: focusing?.rule.then.revertOnAck ?? false,
    repeat: matches.some((m) => m.rule.then.repeat),
  };
}
