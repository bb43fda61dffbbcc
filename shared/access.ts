/**
 * Who may do what: roles are ranks (viewer < operator < supervisor < admin) and each permission
 * names the lowest rank that holds it. Every permission is also limited to the user's region:
 * `withinRegion` decides that from a case's region path. Shared so a console offers only what the
 * hub will accept; the hub checks again on every command.
 */
import type { Role } from './schemas/auth';
import type { IncidentAction } from './schemas/incident';

const RANK: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, supervisor: 2, admin: 3 };

export type Permission = IncidentAction | 'report' | 'read' | 'alarm:decide' | 'audit:read' | 'users:manage' | 'data:import' | 'focus' | 'alert:acknowledge' | 'keys:manage';

/** The lowest role that may do each thing. */
export const LOWEST_ROLE: Readonly<Record<Permission, Role>> = {
  read: 'viewer',
  report: 'operator',
  'alarm:decide': 'operator',
  register: 'operator',
  reject: 'operator',
  dispatch: 'operator',
  hand_back: 'operator',
  redispatch: 'operator',
  accept: 'operator',
  feedback: 'operator',
  verify_pass: 'operator',
  verify_fail: 'operator',
  close: 'operator',
  pause_sla: 'operator',
  resume_sla: 'operator',
  note: 'operator',
  split: 'operator',
  /** 回访: the callback staff record the resident's verdict */
  evaluate: 'operator',
  /** 督办 escalates a case to leaders: a supervisor's decision */
  supervise: 'supervisor',
  'audit:read': 'supervisor',
  'users:manage': 'admin',
  /** a city's own history, tables, geography and rosters (docs/import.md) */
  'data:import': 'admin',
  /** put the walls of a region on one case, change its responders, end it (issue 16) */
  focus: 'operator',
  /** say that a person has seen an alert: it stops sounding and escalating */
  'alert:acknowledge': 'operator',
  /** ingest keys of sources and kiosk links of walls (issue 17): an admin's, like people */
  'keys:manage': 'admin',
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return RANK[role] >= RANK[LOWEST_ROLE[permission]];
}

/** A user of `userRegion` may act on something whose region path (root … grid) includes it. */
export function withinRegion(userRegion: string, regionPath: readonly string[]): boolean {
  return regionPath.includes(userRegion);
}
