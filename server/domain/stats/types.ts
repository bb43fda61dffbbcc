import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import type { EntryDraft } from '../lifecycle/types';
import type { BusinessCalendar } from '../sla/calendar';

/** An incident with its log entries in log order (entries with a seq are fine too). */
export interface IncidentRecord {
  incident: Incident;
  entries: readonly EntryDraft[];
}

export interface StatsInput {
  regionCode: string;
  /** half-open: from inclusive, to exclusive */
  window: { from: number; to: number };
  /**
   * the end of what is known, at most `to` (the default): entries at or after it are ignored, and
   * open, overdue and supervised are evaluated at it. For a window reaching into the future the
   * hub passes now + 1 ms; for a past window, its end.
   */
  asOf?: number;
  /** the centre's business calendar: durations are also given in working time */
  calendar: BusinessCalendar;
  /** already filtered to the region by the caller */
  incidents: readonly IncidentRecord[];
  patrols: readonly Patrol[];
  cameras: readonly Camera[];
  /** child regions to rank (streets), may be empty */
  children: readonly { code: string; name: string }[];
  /** the child region an incident belongs to, if any */
  childOf: (incident: Incident) => string | undefined;
  /** width of an intake bucket; one hour by default */
  hourBucketMs?: number;
}
