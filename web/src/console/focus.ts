/**
 * Focus mode on the desk as pure functions (issue 16): who is offered to put the walls on a case
 * (shared/access: 'focus', operator and above, on cases of the user's region), which regions'
 * walls they may choose (the case's region path from the user's region down), the responders the
 * dialog suggests (the nearest patrols on duty, from GET /api/nearby), the request bodies, and the
 * responders' live distance and ETA as the banner shows them. The components render what these
 * return; the tests call them directly.
 */
import { roleAllows, withinRegion } from '@shared/access';
import type { User } from '@shared/schemas/auth';
import { FOCUS_MAX_RESPONDERS, type Focus, type FocusResponder, type FocusStartRequest, type FocusTrack, type FocusTrackItem } from '@shared/schemas/focus';
import { TERMINAL_STAGES, type Incident } from '@shared/schemas/incident';
import type { NearbyPatrol } from '@shared/schemas/nearby';
import type { Region } from '@shared/schemas/region';
import type { Lang } from '../format';
import { isWithin } from './queue';

/** levels whose walls a focus may be put on (a community's or a grid's have no wall of the centre) */
export const WALL_LEVELS: readonly Region['level'][] = ['city', 'district', 'street'];

/** the key of 聚焦大屏 on an open case (w: the walls); on a case in focus it changes the responders */
export const FOCUS_KEY = 'w';
/** how many of the nearest patrols on duty the dialog ticks by itself */
export const DEFAULT_RESPONDERS = 3;
/** how many patrols the dialog asks the hub for (the most a focus tracks) */
export const NEARBY_ASKED = FOCUS_MAX_RESPONDERS;
/** a track older than this is shown as stale (the hub sends one about every second) */
export const TRACK_STALE_MS = 10_000;

function active(user: User | null): user is User {
  return !!user && !user.disabled;
}

/** may this user put the walls on this case? (the hub checks again) */
export function canFocus(incident: Incident, user: User | null): boolean {
  if (!active(user) || TERMINAL_STAGES.includes(incident.stage)) return false;
  return roleAllows(user.role, 'focus') && withinRegion(user.regionCode, incident.regionPath);
}

/**
 * may this user end a focus, or change its responders? Those of their region: a focus on walls
 * above it (the city's, seen from a district desk) belongs to the desk above.
 */
export function canSteer(focus: Focus, user: User | null, regions: ReadonlyMap<string, Region>): boolean {
  if (!active(user) || !roleAllows(user.role, 'focus')) return false;
  return isWithin(regions, focus.regionCode, user.regionCode);
}

/** the focus that stands on a case, if any */
export function focusOnCase(focuses: Iterable<Focus>, incidentId: string): Focus | null {
  for (const f of focuses) if (f.incidentId === incidentId) return f;
  return null;
}

/** focuses newest first */
export function standingFocuses(all: Iterable<Focus>): Focus[] {
  return [...all].sort((a, b) => b.startedAt - a.startedAt || a.id.localeCompare(b.id));
}

/**
 * whose walls the user may choose: the case's region path from the user's region down (the user's
 * region first, the default), as far as the street — a community's or grid's walls are not a
 * command centre's — unless the user's own region is below that.
 */
export function regionChoices(incident: Incident, user: User | null, regions: ReadonlyMap<string, Region>): string[] {
  if (!user) return [];
  const at = incident.regionPath.indexOf(user.regionCode);
  if (at < 0) return [];
  // the path runs city, district, street, community, grid: the tree's own level where it knows it
  const wallLevel = (code: string, i: number) => {
    const level = regions.get(code)?.level;
    return level ? WALL_LEVELS.includes(level) : i < WALL_LEVELS.length;
  };
  return incident.regionPath.filter((code, i) => i === at || (i > at && wallLevel(code, i)));
}

/** the patrols the dialog ticks: the nearest on duty (not those already on a case), at most `n` */
export function defaultResponders(patrols: readonly NearbyPatrol[], n = DEFAULT_RESPONDERS): string[] {
  return [...patrols]
    .filter((p) => p.status === 'on_duty')
    .sort((a, b) => a.distanceM - b.distanceM || a.etaSec - b.etaSec)
    .slice(0, n)
    .map((p) => p.id);
}

/**
 * the nearby list as the dialog shows it, nearest first; a focus's current responders that the hub
 * no longer lists nearby (out of the radius, off duty) stay at the end so they can be kept or dropped
 */
export interface ResponderChoice {
  id: string;
  name: string;
  kind: FocusResponder['kind'];
  role: FocusResponder['role'];
  mode: FocusResponder['mode'];
  status: string | null;
  distanceM: number | null;
  etaS: number | null;
}

export function responderChoices(patrols: readonly NearbyPatrol[], current: readonly FocusResponder[] = []): ResponderChoice[] {
  const out: ResponderChoice[] = [...patrols]
    .sort((a, b) => a.distanceM - b.distanceM)
    .map((p) => ({ id: p.id, name: p.name, kind: p.kind, role: p.role, mode: p.mode, status: p.status, distanceM: p.distanceM, etaS: p.etaSec }));
  const listed = new Set(out.map((c) => c.id));
  for (const r of current) if (!listed.has(r.patrolId)) out.push({ id: r.patrolId, name: r.name, kind: r.kind, role: r.role, mode: r.mode, status: null, distanceM: null, etaS: null });
  return out;
}

/**
 * the body of focus:start: the walls of the user's region unless another was chosen; the ticked
 * responders — or none named at all when the nearby list could not be had (the hub then takes the
 * nearest on duty itself)
 */
export function buildStart(incident: Incident, input: { regionCode: string | null; userRegion: string; responders: readonly string[] | null }): FocusStartRequest {
  return {
    incidentId: incident.id,
    ...(input.regionCode && input.regionCode !== input.userRegion ? { regionCode: input.regionCode } : {}),
    ...(input.responders ? { responders: input.responders.slice(0, FOCUS_MAX_RESPONDERS) } : {}),
  };
}

/** one responder on the banner: who, and how far and how long as the hub reckons it now */
export interface ResponderLine {
  patrolId: string;
  name: string;
  mode: FocusResponder['mode'];
  status: FocusTrackItem['status'] | null;
  distanceM: number | null;
  etaS: number | null;
  /** no track yet, or the last one is old */
  stale: boolean;
}

export function responderLines(focus: Focus, track: FocusTrack | null, now: number): ResponderLine[] {
  const byId = new Map((track?.responders ?? []).map((r) => [r.patrolId, r]));
  const stale = !track || now - track.at > TRACK_STALE_MS;
  return focus.responders.map((r) => {
    const t = byId.get(r.patrolId);
    return { patrolId: r.patrolId, name: r.name, mode: r.mode, status: t?.status ?? null, distanceM: t?.distanceM ?? null, etaS: t?.etaS ?? null, stale: stale || !t };
  });
}

/** "350 m", "1.2 km" */
export function fmtDistance(m: number | null): string {
  if (m === null || !Number.isFinite(m)) return '—';
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} km`;
}

/** "约4分钟" / "≈ 4 min", "1分钟内" / "< 1 min", "已到达" / "on site" at 0 */
export function fmtEta(s: number | null, lang: Lang): string {
  if (s === null || !Number.isFinite(s)) return '—';
  if (s <= 0) return lang === 'zh' ? '已到达' : 'on site';
  if (s < 60) return lang === 'zh' ? '1分钟内' : '< 1 min';
  const min = Math.round(s / 60);
  if (min < 60) return lang === 'zh' ? `约${min}分钟` : `≈ ${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return lang === 'zh' ? `约${h}小时${m ? `${m}分` : ''}` : `≈ ${h} h${m ? ` ${m} min` : ''}`;
}
