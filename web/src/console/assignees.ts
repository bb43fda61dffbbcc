/**
 * Whom a case can go to, in the order the operator most likely wants: departments that usually
 * handle its category first, then the on-duty grid workers nearest to it (its own grid first).
 * The hub filters by region and status; the console filters again so that a hub answering with
 * its whole roster still yields a sensible short list.
 */
import type { Department } from '@shared/schemas/department';
import type { Assignee, Incident } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import type { Region } from '@shared/schemas/region';
import { isWithin } from './queue';

export const PATROL_LIMIT = 30;

export interface Candidate {
  key: string;
  group: 'department' | 'patrol';
  assignee: Assignee;
  /** the department usually handles this category */
  suggested: boolean;
  /** region name (department) or grid name (patrol) */
  where: string;
  distanceKm: number | null;
}

/** distance on the ground, close enough for "the nearest" within a city (equirectangular) */
export function distanceKm(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const x = (lng2 - lng1) * rad * Math.cos(((lat1 + lat2) / 2) * rad);
  const y = (lat2 - lat1) * rad;
  return Math.sqrt(x * x + y * y) * 6371;
}

export function departmentCandidates(departments: readonly Department[], category: string, regionName: (code: string) => string): Candidate[] {
  return departments
    .map((d) => ({
      key: `department:${d.id}`,
      group: 'department' as const,
      assignee: { id: d.id, name: d.name, kind: 'department' as const },
      suggested: d.categories.includes(category),
      where: regionName(d.regionCode),
      distanceKm: null,
    }))
    .sort((a, b) => Number(b.suggested) - Number(a.suggested) || a.assignee.name.localeCompare(b.assignee.name, 'zh'));
}

export function patrolCandidates(
  patrols: readonly Patrol[],
  incident: Incident,
  area: string | null,
  regions: ReadonlyMap<string, Region>,
  regionName: (code: string) => string,
): Candidate[] {
  const { lng, lat } = incident.location;
  return patrols
    .filter((p) => p.status === 'on_duty' && (!area || p.gridCode === incident.gridCode || isWithin(regions, p.gridCode, area)))
    .map((p) => ({
      key: `patrol:${p.id}`,
      group: 'patrol' as const,
      assignee: { id: p.id, name: p.name, kind: 'patrol' as const },
      suggested: p.gridCode === incident.gridCode,
      where: regionName(p.gridCode),
      distanceKm: p.lng === null || p.lat === null ? null : distanceKm(lng, lat, p.lng, p.lat),
    }))
    .sort(
      (a, b) =>
        Number(b.suggested) - Number(a.suggested) ||
        (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) ||
        a.assignee.name.localeCompare(b.assignee.name, 'zh'),
    )
    .slice(0, PATROL_LIMIT);
}

export function filterCandidates(list: readonly Candidate[], text: string, exclude: string | null = null): Candidate[] {
  const q = text.trim().toLowerCase();
  return list.filter(
    (c) => c.assignee.id !== exclude && (!q || c.assignee.name.toLowerCase().includes(q) || c.where.toLowerCase().includes(q) || c.assignee.id.toLowerCase().includes(q)),
  );
}
