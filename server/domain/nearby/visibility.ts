/**
 * Whether a camera sees a point: the point lies within the camera's range and within half its
 * field of view either side of its heading (the bearing from camera to point, angles wrapping at
 * 360°: a camera heading 350° with 40° of view sees a point at 5°). A camera whose heading, field
 * of view or range is unknown cannot be judged: `sees` is null ("direction unknown"), and callers
 * list such cameras only by distance. A 360° camera (a dome) sees every direction within range.
 */
import { angleBetweenDeg, bearingDeg, haversineM } from './geodesy';

export interface CameraOptics {
  lng: number;
  lat: number;
  heading?: number | null | undefined;
  fovDeg?: number | null | undefined;
  rangeM?: number | null | undefined;
}

export interface Sight {
  distanceM: number;
  /** from the camera to the point, degrees clockwise from north */
  bearingDeg: number;
  /** true: sees it; false: knows its direction and does not; null: direction unknown */
  sees: boolean | null;
}

/** a camera's direction can be judged only with all three of heading, field of view and range */
export function hasOptics(c: CameraOptics): boolean {
  return typeof c.heading === 'number' && typeof c.fovDeg === 'number' && typeof c.rangeM === 'number';
}

export function sightOf(camera: CameraOptics, lng: number, lat: number, distanceM = haversineM(camera.lng, camera.lat, lng, lat)): Sight {
  const bearing = bearingDeg(camera.lng, camera.lat, lng, lat);
  if (!hasOptics(camera)) return { distanceM, bearingDeg: bearing, sees: null };
  return { distanceM, bearingDeg: bearing, sees: seesAt(camera.heading!, camera.fovDeg!, camera.rangeM!, distanceM, bearing) };
}

/** the rule itself: in range, and within ±fov/2 of the heading (edges included) */
export function seesAt(heading: number, fovDeg: number, rangeM: number, distanceM: number, bearing: number): boolean {
  if (distanceM > rangeM) return false;
  // the camera's own spot: no bearing to speak of, and it is under the lens
  if (distanceM < 0.5) return true;
  if (fovDeg >= 360) return true;
  return angleBetweenDeg(bearing, heading) <= fovDeg / 2 + 1e-9;
}
