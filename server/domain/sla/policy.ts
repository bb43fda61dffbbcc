/**
 * The time-limit policy: which limit applies to a case in a stage, and the deadline it gives.
 * Resolution order: subcategory override → category override → default for the stage. Fast track
 * (serious cases) then replaces the clock with the natural one and shortens the limit, because an
 * especially serious case must not wait for Monday morning.
 */
import { z } from 'zod';
import type { Deadline, Incident, TimedStage } from '@shared/schemas/incident';
import { addWorkingTime, createBusinessCalendar, type BusinessCalendar } from './calendar';
import { limitToMs, type FullStageLimits, type ResolvedLimit, type StageLimits } from './limits';

export const FastTrackRuleSchema = z.object({
  /** cases of this severity or higher run on the fast track */
  minSeverity: z.number().int().min(1).max(5),
  /** limit multiplier on the fast track (0 < f ≤ 1) */
  factor: z.number().positive().max(1),
  /** multiplier for severity 4 (especially serious): the shortest */
  severity4Factor: z.number().positive().max(1),
});
export type FastTrackRule = z.infer<typeof FastTrackRuleSchema>;

export const DEFAULT_FAST_TRACK: FastTrackRule = { minSeverity: 3, factor: 0.5, severity4Factor: 0.25 };

/** The part of a category table the policy needs (catalog's CategoryTable fits it). */
export interface CategoryLimitsInput {
  defaultLimits: FullStageLimits;
  categories: readonly {
    code: string;
    limits?: StageLimits;
    subcategories?: readonly { code: string; limits?: StageLimits }[];
  }[];
}

interface CategoryLimits {
  limits: StageLimits;
  subcategories: ReadonlyMap<string, StageLimits>;
}

export interface SlaPolicy {
  readonly calendar: BusinessCalendar;
  readonly defaultLimits: FullStageLimits;
  /** the known categories; a report in any other is refused (UNKNOWN_CATEGORY) */
  readonly categories: ReadonlyMap<string, CategoryLimits>;
  readonly fastTrack: FastTrackRule;
}

/** What the policy looks at: the case's class and severity (an Incident fits). */
export interface SlaSubject {
  category: string;
  subcategory?: string | null | undefined;
  severity: number;
  /** when known (an existing incident), decides the fast track instead of the severity rule */
  fastTrack?: boolean;
}

export function createSlaPolicy(
  table: CategoryLimitsInput,
  options: { calendar?: BusinessCalendar; fastTrack?: Partial<FastTrackRule> } = {},
): SlaPolicy {
  const categories = new Map<string, CategoryLimits>();
  for (const c of table.categories) {
    const subcategories = new Map<string, StageLimits>();
    for (const s of c.subcategories ?? []) subcategories.set(s.code, s.limits ?? {});
    categories.set(c.code, { limits: c.limits ?? {}, subcategories });
  }
  return {
    calendar: options.calendar ?? createBusinessCalendar(),
    defaultLimits: table.defaultLimits,
    categories,
    fastTrack: FastTrackRuleSchema.parse({ ...DEFAULT_FAST_TRACK, ...options.fastTrack }),
  };
}

export function isFastTrack(severity: number, policy: SlaPolicy): boolean {
  return severity >= policy.fastTrack.minSeverity;
}

/** The limit of `stage` for this case, in ms on the clock it runs on. */
export function resolveLimit(subject: SlaSubject, stage: TimedStage, policy: SlaPolicy): ResolvedLimit {
  const category = policy.categories.get(subject.category);
  const sub = subject.subcategory ? category?.subcategories.get(subject.subcategory) : undefined;
  const limit = sub?.[stage] ?? category?.limits[stage] ?? policy.defaultLimits[stage];
  const ms = limitToMs(limit, policy.calendar);
  const fast = subject.fastTrack ?? isFastTrack(subject.severity, policy);
  if (!fast) return { clock: limit.clock, ms };
  const factor = subject.severity >= 4 ? policy.fastTrack.severity4Factor : policy.fastTrack.factor;
  return { clock: 'natural', ms: Math.round(ms * factor) };
}

/** Deadline of a stage entered at `enteredAt`. */
export function deadlineFor(subject: SlaSubject, stage: TimedStage, enteredAt: number, policy: SlaPolicy): Deadline {
  const { clock, ms } = resolveLimit(subject, stage, policy);
  const dueAt = clock === 'working' ? addWorkingTime(enteredAt, ms, policy.calendar) : enteredAt + ms;
  return { stage, dueAt };
}

/** Deadline of the incident's current stage when it runs from `enteredAt`; null for terminal stages. */
export function stageDeadline(incident: Pick<Incident, 'category' | 'subcategory' | 'severity' | 'fastTrack'>, stage: Incident['stage'], enteredAt: number, policy: SlaPolicy): Deadline | null {
  return stage === 'closed' || stage === 'rejected' ? null : deadlineFor(incident, stage, enteredAt, policy);
}

/** the stages a registered case still has to pass before it can be closed */
const STAGES_AFTER_REGISTRATION: readonly TimedStage[] = ['registered', 'dispatched', 'handling', 'handled', 'verified'];

/**
 * The case's own due time (应结案时间) when it is registered at `registeredAt`: the limits of every
 * stage still ahead, chained one after the other, each on its own clock. This is the time by which
 * a case that used each stage's whole limit would be closed; statistics count the case as due
 * (应结案) when it closes or this time passes.
 */
export function caseDeadline(subject: SlaSubject, registeredAt: number, policy: SlaPolicy): number {
  let at = registeredAt;
  for (const stage of STAGES_AFTER_REGISTRATION) at = deadlineFor(subject, stage, at, policy).dueAt;
  return at;
}
