import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import type { EntryDraft } from '../lifecycle/types';

/** An incident with its log entries in log order (entries with a seq are fine too). */
export interface IncidentRecord {
  incident: Incident;
  entries: readonly EntryDraft[];
}

export interface StatsInput {
  regionCode: string;
  /** half-open: from inclusive, to exclusive */
  window: { from: number; to: number };
  /** the instant "open", "overdue" and "supervised" are evaluated at */
  asOf: number;
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
