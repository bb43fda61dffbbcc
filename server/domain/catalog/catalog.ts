/** Builds the catalogue of labels (shared/schemas/catalog.ts) and the SLA policy from a category table. */
import { createFusionPolicy, type FusionPolicy } from '../fusion/rules';
import type { Catalog } from '@shared/schemas/catalog';
import { createSlaPolicy, type FastTrackRule, type SlaPolicy } from '../sla/policy';
import type { BusinessCalendar } from '../sla/calendar';
import { SEVERITY_LABELS, SOURCE_LABELS, STAGE_LABELS } from './labels';
import { SHIPPED_CATEGORY_TABLE } from './shippedCategories';
import type { CategoryTable } from './table';

export function buildCatalog(table: CategoryTable = SHIPPED_CATEGORY_TABLE): Catalog {
  return {
    categories: table.categories.map(({ code, zh, en }) => ({ code, zh, en })),
    sources: SOURCE_LABELS.map((e) => ({ ...e })),
    stages: STAGE_LABELS.map((e) => ({ ...e })),
    severities: SEVERITY_LABELS.map((e) => ({ ...e })),
  };
}

/** The catalogue of the shipped table (what the hub sends when the deployment brings no table). */
export function defaultCatalog(): Catalog {
  return buildCatalog(SHIPPED_CATEGORY_TABLE);
}

/** The category codes a report may use. */
export function knownCategories(table: CategoryTable = SHIPPED_CATEGORY_TABLE): Set<string> {
  return new Set(table.categories.map((c) => c.code));
}

/** Subcategory labels of one category (the catalogue sent to walls carries only the classes). */
export function subcategoriesOf(code: string, table: CategoryTable = SHIPPED_CATEGORY_TABLE): { code: string; zh: string; en: string }[] {
  const category = table.categories.find((c) => c.code === code);
  return category ? category.subcategories.map(({ code: sub, zh, en }) => ({ code: sub, zh, en })) : [];
}

/** The SLA policy of a table: its limits, a calendar and the fast-track rule. */
export function slaPolicyFromTable(
  table: CategoryTable = SHIPPED_CATEGORY_TABLE,
  options: { calendar?: BusinessCalendar; fastTrack?: Partial<FastTrackRule> } = {},
): SlaPolicy {
  return createSlaPolicy(table, options);
}

/** the duplicate-fusion rules of a table: the defaults, with each category's overrides */
export function fusionPolicyFromTable(table: CategoryTable = SHIPPED_CATEGORY_TABLE): FusionPolicy {
  return createFusionPolicy(new Map(table.categories.filter((c) => c.fusion).map((c) => [c.code, c.fusion!])));
}
