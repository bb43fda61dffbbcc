import { z } from 'zod';
import { CameraStatus } from './camera';
import { EpochMs, Id, Latitude, Longitude } from './common';
import { PatrolKind, PatrolRole, PatrolStatus } from './patrol';

/**
 * GET /api/nearby (docs/protocol.md, section 5): the on-duty patrols nearest to a case or a point,
 * with straight-line distance and an ETA by how each travels, and the cameras that see it.
 */

export const NEARBY_PATROLS_DEFAULT = 10;
export const NEARBY_PATROLS_MAX = 50;
export const NEARBY_RADIUS_DEFAULT_M = 3_000;
export const NEARBY_RADIUS_MAX_M = 20_000;
export const NEARBY_CAMERAS_DEFAULT = 10;
export const NEARBY_CAMERAS_MAX = 50;
export const NEARBY_CAMERA_RADIUS_DEFAULT_M = 500;
export const NEARBY_CAMERA_RADIUS_MAX_M = 2_000;

const decimal = z.string().regex(/^-?\d{1,3}(\.\d{1,12})?$/, 'a decimal number of degrees');
const whole = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** where: a case (`incident`) or a point (`lng` and `lat`), not both */
export const NearbyQuery = z
  .object({
    incident: Id.optional(),
    lng: decimal.transform(Number).pipe(Longitude).optional(),
    lat: decimal.transform(Number).pipe(Latitude).optional(),
    /** how many patrols at most */
    patrols: whole(1, NEARBY_PATROLS_MAX, NEARBY_PATROLS_DEFAULT),
    /** metres around the point in which patrols are looked for */
    radius: whole(1, NEARBY_RADIUS_MAX_M, NEARBY_RADIUS_DEFAULT_M),
    /** how many cameras of each kind (seeing, direction unknown) at most */
    cameras: whole(0, NEARBY_CAMERAS_MAX, NEARBY_CAMERAS_DEFAULT),
    /** metres in which cameras of unknown direction are listed (cameras that see it: their own range) */
    cameraRadius: whole(1, NEARBY_CAMERA_RADIUS_MAX_M, NEARBY_CAMERA_RADIUS_DEFAULT_M),
  })
  .strict()
  .superRefine((q, ctx) => {
    const point = q.lng !== undefined || q.lat !== undefined;
    if (q.incident !== undefined && point) ctx.addIssue({ code: 'custom', path: ['incident'], message: 'give a case or a point (lng and lat), not both' });
    else if (q.incident === undefined && (q.lng === undefined || q.lat === undefined)) {
      ctx.addIssue({ code: 'custom', path: [q.lng === undefined ? 'lng' : 'lat'], message: 'give a case (incident) or both lng and lat' });
    }
  });
export type NearbyQuery = z.output<typeof NearbyQuery>;

export const TravelMode = z.enum(['foot', 'e_bike', 'car']);
export type TravelMode = z.infer<typeof TravelMode>;

export const NearbyPatrol = z.object({
  id: Id,
  name: z.string(),
  kind: PatrolKind,
  role: PatrolRole,
  /** how the ETA assumes it travels (from kind and role; a deployment's settings) */
  mode: TravelMode,
  /** on_duty or responding (responding: already on a case) */
  status: PatrolStatus,
  lng: Longitude,
  lat: Latitude,
  /** straight-line (great-circle) distance, whole metres */
  distanceM: z.number().int().min(0),
  /** seconds: distance × detour factor ÷ the mode's speed */
  etaSec: z.number().int().min(0),
  fixAt: EpochMs,
});
export type NearbyPatrol = z.infer<typeof NearbyPatrol>;

export const NearbyCamera = z.object({
  id: Id,
  name: z.string(),
  status: CameraStatus,
  lng: Longitude,
  lat: Latitude,
  distanceM: z.number().int().min(0),
  /** true: its heading, field of view and range cover the point; null: direction unknown (listed as nearest) */
  sees: z.literal(true).nullable(),
  /** from the camera to the point, degrees clockwise from north */
  bearingDeg: z.number().min(0).lt(360),
  heading: z.number().nullable(),
  fovDeg: z.number().nullable(),
  rangeM: z.number().nullable(),
});
export type NearbyCamera = z.infer<typeof NearbyCamera>;

export const NearbyResponse = z.object({
  at: z.object({ lng: Longitude, lat: Latitude }),
  /** the case asked about, when one was */
  incidentId: Id.nullable(),
  /** nearest first */
  patrols: z.array(NearbyPatrol),
  /** those that see the point first (nearest first), then those of unknown direction (nearest first) */
  cameras: z.array(NearbyCamera),
  /** how old the patrol index was (ms): patrols are ranked by their latest fixes, found through it */
  indexAgeMs: z.number().int().min(0),
});
export type NearbyResponse = z.infer<typeof NearbyResponse>;
