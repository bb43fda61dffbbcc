/**
 * The category and time-limit table a deployment brings (DOMAIN.md: "a deployment brings its own
 * table"). JSON in this shape replaces the shipped one; parseCategoryTable validates it.
 */
import { z } from 'zod';
import { CategoryCode, SubcategoryCode } from '@shared/schemas/incident';
import { parseOrThrow } from '@shared/validate';
import { FusionOverridesSchema } from '../fusion/rules';
import { FullStageLimitsSchema, StageLimitsSchema } from '../sla/limits';
import { DEFAULT_STAGE_LIMITS } from './defaultLimits';

const Name = z.string().trim().min(1).max(80);

export const SubcategorySchema = z.object({
  code: SubcategoryCode,
  zh: Name,
  en: Name,
  /** overrides the category's limits for these stages */
  limits: StageLimitsSchema.optional(),
});
export type Subcategory = z.infer<typeof SubcategorySchema>;

export const CategorySchema = z
  .object({
    code: CategoryCode,
    zh: Name,
    en: Name,
    /** overrides the default limits for these stages */
    limits: StageLimitsSchema.optional(),
    /** duplicate fusion per channel for this category (null: that channel never fuses here) */
    fusion: FusionOverridesSchema.optional(),
    subcategories: z.array(SubcategorySchema).max(500).default([]),
  })
  .superRefine((c, ctx) => {
    const dup = firstDuplicate(c.subcategories.map((s) => s.code));
    if (dup) ctx.addIssue({ code: 'custom', path: ['subcategories'], message: `subcategory ${dup} appears twice` });
  });
export type Category = z.infer<typeof CategorySchema>;

export const CategoryTableSchema = z
  .object({
    /** limits of every timed stage for categories that do not override them; the shipped defaults when absent */
    defaultLimits: FullStageLimitsSchema.default(DEFAULT_STAGE_LIMITS),
    categories: z.array(CategorySchema).min(1).max(200),
  })
  .superRefine((t, ctx) => {
    const dup = firstDuplicate(t.categories.map((c) => c.code));
    if (dup) ctx.addIssue({ code: 'custom', path: ['categories'], message: `category ${dup} appears twice` });
  });
export type CategoryTable = z.output<typeof CategoryTableSchema>;
export type CategoryTableInput = z.input<typeof CategoryTableSchema>;

/** Validates a deployment's table; throws VALIDATION_FAILED listing what is wrong. */
export function parseCategoryTable(json: unknown): CategoryTable {
  return parseOrThrow(CategoryTableSchema, json, 'category table');
}

function firstDuplicate(codes: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const code of codes) {
    if (seen.has(code)) return code;
    seen.add(code);
  }
  return undefined;
}
