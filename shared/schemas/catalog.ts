import { z } from 'zod';
import { CategoryCode } from './incident';

/** Display names the hub sends so that every client labels things the same way. */
export const CatalogEntry = z.object({ code: z.string(), zh: z.string(), en: z.string() });
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const Catalog = z.object({
  categories: z.array(CatalogEntry.extend({ code: CategoryCode })),
  sources: z.array(CatalogEntry),
  stages: z.array(CatalogEntry),
  severities: z.array(CatalogEntry),
});
export type Catalog = z.infer<typeof Catalog>;
