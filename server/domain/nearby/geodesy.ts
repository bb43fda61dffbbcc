/**
 * Great-circle distance and bearing on a sphere. The mean Earth radius (6,371 km) is the one
 * geokdbush uses for its cut-off, so an index query and an exact distance agree on what is "within
 * 3 km". At the scale of a city the sphere errs by well under 0.5 % against the ellipsoid, and the
 * datum (GCJ-02 for the shipped data) shifts points by a few hundred metres consistently for all
 * of them, so distances between two points of one datum are what they are on the ground.
 */
export const EARTH_RADIUS_M = 6_371_000;

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

/** haversine distance in metres between two [lng, lat] points in degrees */
export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLng = (lng2 - lng1) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** initial bearing from the first point to the second, degrees clockwise from north in [0, 360) */
export function bearingDeg(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const φ1 = lat1 * RAD;
  const φ2 = lat2 * RAD;
  const dλ = (lng2 - lng1) * RAD;
  const y = Math.sin(dλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(dλ);
  return normaliseDeg(Math.atan2(y, x) * DEG);
}

/** an angle brought into [0, 360) */
export function normaliseDeg(deg: number): number {
  const d = deg % 360;
  return d < 0 ? d + 360 : d === 360 ? 0 : d;
}

/** the smaller angle between two directions, in [0, 180] (350° and 10° are 20° apart) */
export function angleBetweenDeg(a: number, b: number): number {
  const d = Math.abs(normaliseDeg(a) - normaliseDeg(b));
  return d > 180 ? 360 - d : d;
}
