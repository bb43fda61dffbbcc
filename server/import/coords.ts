/**
 * GCJ-02 ↔ WGS-84. Maps published in China (AMap, Tencent) use GCJ-02, an obfuscated datum a few
 * hundred metres off WGS-84 (what GPS gives). A deployment's grid survey or case export may be in
 * either; the hub keeps one datum, so a GCJ-02 file is converted once, on import.
 *
 * The forward transform is the published one (the same constants every implementation uses,
 * e.g. eviltransform); its inverse has no closed form, so it is solved by fixed-point iteration,
 * which converges to well under a centimetre in a handful of steps. Outside mainland China's rough
 * bounding box GCJ-02 equals WGS-84.
 */

export const COORDINATE_SYSTEMS = ['wgs84', 'gcj02'] as const;
export type CoordinateSystem = (typeof COORDINATE_SYSTEMS)[number];

const A = 6378245.0;
const EE = 0.00669342162296594323;

export function outOfChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

/** [lng, lat] in WGS-84 → GCJ-02 */
export function wgs84ToGcj02(lng: number, lat: number): [number, number] {
  if (outOfChina(lng, lat)) return [lng, lat];
  let dLat = transformLat(lng - 105.0, lat - 35.0);
  let dLng = transformLng(lng - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lng + dLng, lat + dLat];
}

/** [lng, lat] in GCJ-02 → WGS-84 (iterated until the forward transform lands within 1e-9°) */
export function gcj02ToWgs84(lng: number, lat: number): [number, number] {
  if (outOfChina(lng, lat)) return [lng, lat];
  let x = lng;
  let y = lat;
  for (let i = 0; i < 30; i++) {
    const [fx, fy] = wgs84ToGcj02(x, y);
    const ex = fx - lng;
    const ey = fy - lat;
    x -= ex;
    y -= ey;
    if (Math.abs(ex) < 1e-9 && Math.abs(ey) < 1e-9) break;
  }
  return [x, y];
}

/** a converter for positions of the named system into WGS-84 (identity for WGS-84) */
export function toWgs84(system: CoordinateSystem): (lng: number, lat: number) => [number, number] {
  return system === 'gcj02' ? gcj02ToWgs84 : (lng, lat) => [lng, lat];
}
