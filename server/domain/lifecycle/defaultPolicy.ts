import { SHIPPED_CATEGORY_TABLE } from '../catalog/shippedCategories';
import { createBusinessCalendar } from '../sla/calendar';
import { createSlaPolicy, DEFAULT_FAST_TRACK, type SlaPolicy } from '../sla/policy';

/** The shipped category table, Mon–Fri office hours at +08:00 with no holidays, fast track from severity 3. */
export function defaultSlaPolicy(): SlaPolicy {
  return createSlaPolicy(SHIPPED_CATEGORY_TABLE, { calendar: createBusinessCalendar(), fastTrack: DEFAULT_FAST_TRACK });
}
