/** Duplicate fusion (并单): rules per channel and category, and the pure match. */
export { createFusionPolicy, noFusion, DEFAULT_FUSION_RULES, FusionOverridesSchema, FusionRuleSchema, type FusionOverrides, type FusionPolicy, type FusionRule } from './rules';
export { addressKey, distanceM, findFusionMatch, lastReportedAt, type FusionMatch } from './match';
