import { SHIPPED_CATEGORY_TABLE } from '../catalog/shippedCategories';
import { createBusinessCalendar, type BusinessCalendar } from '../sla/calendar';
import { createSlaPolicy, DEFAULT_FAST_TRACK, type SlaPolicy } from '../sla/policy';

/**
 * The shipped category table with the centre's calendar (default: Mon–Fri office hours at +08:00,
 * no holidays), fast track from severity 3.
 */
export function defaultSlaPolicy(calendar: BusinessCalendar = createBusinessCalendar()): SlaPolicy {
  return createSlaPolicy(SHIPPED_CATEGORY_TABLE, { calendar, fastTrack: DEFAULT_FAST_TRACK });
}
