import { z } from 'zod';
import { Id, RegionCode } from './common';
import { CategoryCode } from './incident';

/**
 * A unit cases are dispatched to (处置部门): a district's bureau or a street's own office. The hub
 * keeps a directory per deployment; `categories` are the classes it usually handles, so a console
 * can suggest it first.
 */
export const Department = z.object({
  id: Id,
  name: z.string().min(1).max(80),
  /** the district or street it serves */
  regionCode: RegionCode,
  categories: z.array(CategoryCode),
});
export type Department = z.infer<typeof Department>;
