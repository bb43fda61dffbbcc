import { z } from 'zod';
import { CameraStatus } from './camera';
import { EpochMs, Id, Latitude, Longitude, RegionCode } from './common';
import { PatrolKind, PatrolRole, PatrolStatus } from './patrol';
import { TravelMode } from './nearby';

/**
 * Focus mode (issue 16, docs/protocol.md "Focus"): a signed-in operator — or a rule — puts every
 * wall of a region on one case. The focus is reliable state of the hub (an event in the log, a
 * `focus:changed` delta, part of every snapshot): a wall that connects late, reconnects or outlives
 * a hub restart enters the same focus; ending it returns every wall to what it was showing.
 *
 * Which walls: those whose home region (the subscription's `alarmRegion`, else its `region`) lies
 * on the case's region path at or below the focus region (`reaches`). A district focus reaches the
 * district's wall and the walls of the street and grid of the case; never the city's wall, never a
 * neighbouring street's. Its deltas go to every client whose home holds the place (a city desk
 * follows the district focus it started); a wall enters only a focus whose `reaches` holds its home.
 */

/** the rings every wall draws around the place, metres */
export const FOCUS_RINGS_M = [500, 1_000, 3_000] as const;
export const FOCUS_MAX_RESPONDERS = 12;
export const FOCUS_MAX_CAMERAS = 8;
/** the timeline keeps the latest items only */
export const FOCUS_TIMELINE_MAX = 60;

export const FocusResponder = z.object({
  patrolId: Id,
  name: z.string(),
  kind: PatrolKind,
  role: PatrolRole,
  /** how its ETA is reckoned */
  mode: TravelMode,
});
export type FocusResponder = z.infer<typeof FocusResponder>;

export const FocusCamera = z.object({
  cameraId: Id,
  name: z.string(),
  lng: Longitude,
  lat: Latitude,
  heading: z.number().nullable(),
  fovDeg: z.number().nullable(),
  /** true: it looks at the place; null: its direction is not known (nearest listed) */
  sees: z.boolean().nullable(),
  distanceM: z.number().min(0),
  status: CameraStatus,
  /** the video platform's player address, when the camera list has one */
  streamUrl: z.string().nullable(),
});
export type FocusCamera = z.infer<typeof FocusCamera>;

export const FOCUS_TIMELINE_KINDS = ['focus_started', 'responders_changed', 'step', 'alert_raised', 'alert_acknowledged', 'alert_escalated', 'focus_ended'] as const;
export const FocusTimelineItem = z.object({
  at: EpochMs,
  kind: z.enum(FOCUS_TIMELINE_KINDS),
  /** who: an operator's display name, a patrol's, or the rule's name */
  actor: z.string(),
  /** for `step`: the closed-loop action (dispatch, accept, feedback …) */
  action: z.string().nullable(),
  /** a note, a reason, the responders now — short, for the screen */
  text: z.string().max(500).nullable(),
});
export type FocusTimelineItem = z.infer<typeof FocusTimelineItem>;

export const Focus = z.object({
  id: Id,
  /** the walls of this region (and below, on the case's path) are in this focus */
  regionCode: RegionCode,
  /** the home regions whose walls enter it: `regionCode` and the regions below it on the case's path */
  reaches: z.array(RegionCode),
  incidentId: Id,
  title: z.string(),
  category: z.string(),
  severity: z.number().int().min(1).max(4),
  lng: Longitude,
  lat: Latitude,
  startedAt: EpochMs,
  startedBy: z.object({ kind: z.enum(['operator', 'rule']), id: z.string(), name: z.string() }),
  /** the alert whose acknowledgement ends this focus (a rule's `revertOnAck`), if any */
  endsWithAlert: Id.nullable(),
  responders: z.array(FocusResponder).max(FOCUS_MAX_RESPONDERS),
  cameras: z.array(FocusCamera).max(FOCUS_MAX_CAMERAS),
  timeline: z.array(FocusTimelineItem).max(FOCUS_TIMELINE_MAX),
});
export type Focus = z.infer<typeof Focus>;

/** focus:start — `regionCode`: whose walls (default: the operator's region); `responders`: patrol ids (default: the nearest on duty) */
export const FocusStartRequest = z
  .object({
    incidentId: Id,
    regionCode: RegionCode.optional(),
    responders: z.array(Id).max(FOCUS_MAX_RESPONDERS).optional(),
  })
  .strict();
export type FocusStartRequest = z.infer<typeof FocusStartRequest>;

/** focus:end — one action: every wall of the focus returns to its tour or its district */
export const FocusEndRequest = z.object({ focusId: Id }).strict();
export type FocusEndRequest = z.infer<typeof FocusEndRequest>;

/** focus:responders — the patrols tracked on the walls, replaced as a whole */
export const FocusRespondersRequest = z.object({ focusId: Id, responders: z.array(Id).max(FOCUS_MAX_RESPONDERS) }).strict();
export type FocusRespondersRequest = z.infer<typeof FocusRespondersRequest>;

/** one responder as the hub sees it now: where, how far, how long (null without a fix) */
export interface FocusTrackItem {
  patrolId: string;
  status: PatrolStatus;
  lng: number | null;
  lat: number | null;
  fixAt: number | null;
  distanceM: number | null;
  etaS: number | null;
}

/**
 * volatile, about once a second while a focus stands, to its walls: the responders' latest
 * fixes with distance and ETA to the place (the hub's figures, so every wall shows the same)
 */
export interface FocusTrack {
  focusId: string;
  at: number;
  responders: FocusTrackItem[];
}
