/**
 * What the focus panels show, pure: the responders with the hub's live distance and ETA (nearest
 * first, without a fix last), the cameras (those that see the place first), which camera's player
 * opens, and the timeline newest first — the latest step is what the room asks about.
 */
import type { Focus, FocusCamera, FocusTimelineItem, FocusTrack } from '@shared/schemas/focus';
import type { PatrolStatus } from '@shared/schemas/patrol';

export interface ResponderRow {
  patrolId: string;
  name: string;
  kind: Focus['responders'][number]['kind'];
  status: PatrolStatus | null;
  /** metres, exactly as the hub sent it; null without a fix */
  distanceM: number | null;
  etaS: number | null;
  /** -1 closing in since the previous track, 1 moving away, 0 the same or unknown */
  trend: -1 | 0 | 1;
}

/** a change under this is noise of the fix, not a trend */
const TREND_MIN_M = 5;

export function responderRows(focus: Focus, track: FocusTrack | null, previous: ReadonlyMap<string, number> = new Map()): ResponderRow[] {
  const live = new Map((track && track.focusId === focus.id ? track.responders : []).map((r) => [r.patrolId, r]));
  const rows = focus.responders.map((r): ResponderRow => {
    const t = live.get(r.patrolId);
    const distanceM = t?.distanceM ?? null;
    const before = previous.get(r.patrolId);
    const delta = distanceM !== null && before !== undefined ? distanceM - before : 0;
    return {
      patrolId: r.patrolId,
      name: r.name,
      kind: r.kind,
      status: t?.status ?? null,
      distanceM,
      etaS: t?.etaS ?? null,
      trend: delta <= -TREND_MIN_M ? -1 : delta >= TREND_MIN_M ? 1 : 0,
    };
  });
  return rows.sort((a, b) => (a.distanceM ?? Infinity) - (b.distanceM ?? Infinity) || a.name.localeCompare(b.name));
}

/** those that see the place first, then those whose direction is unknown; nearest first within each */
export function cameraRows(focus: Focus): FocusCamera[] {
  const rank = (c: FocusCamera) => (c.sees === true ? 0 : c.sees === null ? 1 : 2);
  return focus.cameras.filter((c) => c.sees !== false).sort((a, b) => rank(a) - rank(b) || a.distanceM - b.distanceM);
}

/** an address the player may open: http or https only (no javascript:, data:, file: …) */
export function safeStreamUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** the camera whose player opens: the first of cameraRows with a usable stream address */
export function playerCamera(focus: Focus): FocusCamera | null {
  return cameraRows(focus).find((c) => safeStreamUrl(c.streamUrl) !== null) ?? null;
}

/** newest first */
export function timelineRows(focus: Focus): FocusTimelineItem[] {
  return [...focus.timeline].sort((a, b) => b.at - a.at);
}
