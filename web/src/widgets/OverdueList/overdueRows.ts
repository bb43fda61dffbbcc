/**
 * The overdue / supervised list from the open incidents: overdue cases first, the longest past
 * their deadline on top; then cases under supervision that are still within their limit, the
 * nearest deadline first. A paused SLA clock shows as paused, not as time running.
 */
import type { Incident } from '@shared/schemas/incident';

export interface OverdueRow {
  id: string;
  severity: number;
  title: string;
  /** the street the case lies in (regionPath: city, district, street, …) */
  streetCode: string | null;
  assignee: string | null;
  assigneeId: string | null;
  overdue: boolean;
  supervised: boolean;
  paused: boolean;
  /** ms past the deadline (overdue) or left until it (supervised, in time); null without deadline */
  deltaMs: number | null;
  lng: number;
  lat: number;
}

export function overdueRows(open: Iterable<Incident>, serverNow: number, limit = 500): OverdueRow[] {
  const rows: OverdueRow[] = [];
  for (const i of open) {
    if (!i.overdue && !i.supervised) continue;
    const due = i.deadline?.dueAt ?? null;
    const at = i.sla.pausedAt ?? serverNow;
    rows.push({
      id: i.id,
      severity: i.severity,
      title: i.title,
      streetCode: i.regionPath[2] ?? null,
      assignee: i.assignee?.name ?? null,
      assigneeId: i.assignee?.id ?? null,
      overdue: i.overdue,
      supervised: i.supervised,
      paused: i.sla.pausedAt !== null,
      deltaMs: due === null ? null : i.overdue ? Math.max(0, at - due) : Math.max(0, due - at),
      lng: i.location.lng,
      lat: i.location.lat,
    });
  }
  rows.sort((a, b) => {
    if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
    const da = a.deltaMs ?? -1;
    const db = b.deltaMs ?? -1;
    if (a.overdue) return db - da || b.severity - a.severity || a.id.localeCompare(b.id);
    return da - db || b.severity - a.severity || a.id.localeCompare(b.id);
  });
  return rows.length > limit ? rows.slice(0, limit) : rows;
}
