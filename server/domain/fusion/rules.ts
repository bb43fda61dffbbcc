/**
 * Duplicate fusion (并单): a new report close in place and time to an open case of the same
 * category joins that case instead of opening another — three channels reporting one pile of
 * rubbish are one problem. The window and radius depend on the channel (hotline rules merge the
 * same address within a day; a patrol's report within 100 m and 2 h; a camera's alarm of the same
 * type within 10 minutes) and a deployment's category table may override them per category.
 */
import { z } from 'zod';
import { INCIDENT_SOURCES, type IncidentSource } from '@shared/schemas/incident';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const FusionRuleSchema = z.object({
  /** metres from the case's location (0: location alone never matches) */
  radiusM: z.number().min(0).max(5_000),
  /** how long after the case's latest report a new one may join it */
  windowMs: z.number().int().min(0).max(30 * 24 * HOUR),
  /** the same address text matches whatever the distance (hotline: callers name the place) */
  sameAddress: z.boolean().optional(),
  /** only a report from the same camera (reporter id) with the same alarm type (subcategory/title) matches */
  sameCamera: z.boolean().optional(),
});
export type FusionRule = z.infer<typeof FusionRuleSchema>;

/** per-channel overrides a category may carry in the category table */
export const FusionOverridesSchema = z.partialRecord(z.enum(INCIDENT_SOURCES), FusionRuleSchema.nullable());
export type FusionOverrides = z.infer<typeof FusionOverridesSchema>;

export const DEFAULT_FUSION_RULES: Readonly<Record<IncidentSource, FusionRule>> = {
  patrol: { radiusM: 100, windowMs: 2 * HOUR },
  hotline: { radiusM: 200, windowMs: 24 * HOUR, sameAddress: true },
  open311: { radiusM: 200, windowMs: 24 * HOUR, sameAddress: true },
  video_ai: { radiusM: 0, windowMs: 10 * MINUTE, sameCamera: true },
  sensor: { radiusM: 50, windowMs: 1 * HOUR },
  department: { radiusM: 100, windowMs: 2 * HOUR },
};

export interface FusionPolicy {
  /** the rule for a report of `source` in `category`, or null when that channel never fuses there */
  ruleFor(category: string, source: IncidentSource): FusionRule | null;
  /** the widest radius of any rule, so an index knows how far to look */
  readonly maxRadiusM: number;
}

export function createFusionPolicy(overrides: ReadonlyMap<string, FusionOverrides> = new Map(), defaults = DEFAULT_FUSION_RULES): FusionPolicy {
  let maxRadiusM = Math.max(...Object.values(defaults).map((r) => r.radiusM));
  for (const o of overrides.values()) for (const r of Object.values(o)) if (r) maxRadiusM = Math.max(maxRadiusM, r.radiusM);
  return {
    maxRadiusM,
    ruleFor(category, source) {
      const override = overrides.get(category)?.[source];
      if (override === null) return null;
      return override ?? defaults[source];
    },
  };
}

/** no channel fuses: for a deployment that merges duplicates elsewhere, and for tests of other things */
export function noFusion(): FusionPolicy {
  return { maxRadiusM: 0, ruleFor: () => null };
}
