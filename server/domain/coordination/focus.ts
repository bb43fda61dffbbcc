/**
 * Focus mode, pure (issue 16): which walls a focus reaches, what its timeline says, and how far
 * each responder is from the place. No clock, no store: the hub's FocusBook calls these.
 */
import { FOCUS_TIMELINE_MAX, type Focus, type FocusTimelineItem, type FocusTrack, type FocusTrackItem } from '@shared/schemas/focus';
import type { IncidentLogEntry } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import { etaSeconds, haversineM, travelModeOf, type EtaSettings } from '../nearby';

/**
 * The home regions whose walls a focus on `focusRegion` reaches for a case at `casePath` (root …
 * grid): the focus region and every region below it on the case's path. Empty when the focus
 * region is not on the path (a focus elsewhere reaches nobody).
 *
 * Why along the path only: a wall shows its home region; a neighbouring street's wall cannot show
 * the place, and the city's wall is not the district's to take over.
 */
export function focusHomes(casePath: readonly string[], focusRegion: string): string[] {
  const at = casePath.indexOf(focusRegion);
  return at < 0 ? [] : casePath.slice(at);
}

/** a step of the case, as the walls' timeline shows it */
export function timelineOfStep(entry: Pick<IncidentLogEntry, 'type' | 'at' | 'actor' | 'note'>): FocusTimelineItem {
  return { at: entry.at, kind: 'step', actor: entry.actor.name ?? entry.actor.id, action: entry.type, text: entry.note ?? null };
}

/** the focus with one more item on its timeline (oldest dropped beyond FOCUS_TIMELINE_MAX) */
export function withTimelineItem(focus: Focus, item: FocusTimelineItem): Focus {
  const timeline = [...focus.timeline, item].sort((a, b) => a.at - b.at);
  return { ...focus, timeline: timeline.slice(Math.max(0, timeline.length - FOCUS_TIMELINE_MAX)) };
}

/** a patrol as the focus lists it among its responders */
export function responderOf(patrol: Patrol, eta: EtaSettings): Focus['responders'][number] {
  return { patrolId: patrol.id, name: patrol.name, kind: patrol.kind, role: patrol.role, mode: travelModeOf(patrol, eta) };
}

/**
 * Where each responder is now and how far from the place: straight-line metres (rounded) and the
 * ETA by its mode (the same assumptions as GET /api/nearby). A responder without a fix has nulls.
 */
export function trackOf(focus: Focus, at: number, current: (patrolId: string) => Patrol | undefined, eta: EtaSettings): FocusTrack {
  const responders = focus.responders.map((r): FocusTrackItem => {
    const patrol = current(r.patrolId);
    if (!patrol || patrol.lng === null || patrol.lat === null) {
      return { patrolId: r.patrolId, status: patrol?.status ?? 'offline', lng: null, lat: null, fixAt: null, distanceM: null, etaS: null };
    }
    const distanceM = haversineM(patrol.lng, patrol.lat, focus.lng, focus.lat);
    return {
      patrolId: r.patrolId,
      status: patrol.status,
      lng: patrol.lng,
      lat: patrol.lat,
      fixAt: patrol.fixAt,
      distanceM: Math.round(distanceM),
      etaS: etaSeconds(distanceM, r.mode, eta),
    };
  });
  return { focusId: focus.id, at, responders };
}
