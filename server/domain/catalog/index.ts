/** The category table (shipped or a deployment's own), its labels and the policy built from it. */
export { buildCatalog, defaultCatalog, fusionPolicyFromTable, knownCategories, slaPolicyFromTable, subcategoriesOf } from './catalog';
export { DEFAULT_STAGE_LIMITS } from './defaultLimits';
export { SEVERITY_LABELS, SOURCE_LABELS, STAGE_LABELS } from './labels';
export { SHIPPED_CATEGORY_TABLE } from './shippedCategories';
export {
  CategorySchema,
  CategoryTableSchema,
  parseCategoryTable,
  SubcategorySchema,
  type Category,
  type CategoryTable,
  type CategoryTableInput,
  type Subcategory,
} from './table';
