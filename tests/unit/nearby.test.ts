/** Nearest units, the pure parts: distance, bearing, a camera's sight, ETA by how a patrol travels. */
import { describe, expect, it } from 'vitest';
import {
  angleBetweenDeg,
  bearingDeg,
  DEFAULT_ETA_SETTINGS,
  EARTH_RADIUS_M,
  etaSeconds,
  etaSettings,
  haversineM,
  seesAt,
  sightOf,
  travelModeOf,
} from '../../server/domain/nearby';

/** a point `m` metres from (lng, lat) along a bearing (spherical, for building test cases) */
function offset(lng: number, lat: number, bearing: number, m: number): [number, number] {
  const δ = m / EARTH_RADIUS_M;
  const θ = (bearing * Math.PI) / 180;
  const φ1 = (lat * Math.PI) / 180;
  const λ1 = (lng * Math.PI) / 180;
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
  const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
  return [(λ2 * 180) / Math.PI, (φ2 * 180) / Math.PI];
}

const TIANYI = { lng: 121.5498, lat: 29.8684 }; // 天一广场, 宁波 (GCJ-02, approximately)

describe('haversine distance', () => {
  it('one degree of latitude along a meridian is 111,195 m on the 6,371 km sphere', () => {
    expect(haversineM(121, 29, 121, 30)).toBeCloseTo((Math.PI / 180) * 6_371_000, 3);
  });

  it('Nashville (BNA) to Los Angeles (LAX): the textbook haversine example (2,887.26 km with R = 6,372.8 km), scaled to 6,371 km', () => {
    expect(haversineM(-86.67, 36.12, -118.4, 33.94) / 1000).toBeCloseTo(2887.26 * (6371 / 6372.8), 1);
  });

  it('is zero at the same point, symmetric, and shrinks in longitude with the cosine of latitude', () => {
    expect(haversineM(TIANYI.lng, TIANYI.lat, TIANYI.lng, TIANYI.lat)).toBe(0);
    expect(haversineM(121, 29, 122, 30)).toBeCloseTo(haversineM(122, 30, 121, 29), 6);
    const east = haversineM(121, 30, 122, 30);
    expect(east / haversineM(121, 0, 122, 0)).toBeCloseTo(Math.cos((30 * Math.PI) / 180), 3);
  });
});

describe('bearing', () => {
  it('north, east, south and west are 0, 90, 180 and 270 degrees', () => {
    const { lng, lat } = TIANYI;
    expect(bearingDeg(lng, lat, lng, lat + 0.01)).toBeCloseTo(0, 6);
    expect(bearingDeg(lng, lat, lng + 0.01, lat)).toBeCloseTo(90, 1);
    expect(bearingDeg(lng, lat, lng, lat - 0.01)).toBeCloseTo(180, 6);
    expect(bearingDeg(lng, lat, lng - 0.01, lat)).toBeCloseTo(270, 1);
  });

  it('north-west of a point is in [270, 360), never negative', () => {
    const [x, y] = offset(TIANYI.lng, TIANYI.lat, 315, 200);
    const b = bearingDeg(TIANYI.lng, TIANYI.lat, x, y);
    expect(b).toBeCloseTo(315, 3);
  });

  it('the angle between two directions wraps around north', () => {
    expect(angleBetweenDeg(350, 10)).toBe(20);
    expect(angleBetweenDeg(10, 350)).toBe(20);
    expect(angleBetweenDeg(0, 180)).toBe(180);
    expect(angleBetweenDeg(-90, 270)).toBe(0);
    expect(angleBetweenDeg(720, 1)).toBe(1);
  });
});

describe('camera sight', () => {
  const cam = (heading: number, fovDeg: number, rangeM: number) => ({ ...TIANYI, heading, fovDeg, rangeM });
  const at = (bearing: number, m: number) => offset(TIANYI.lng, TIANYI.lat, bearing, m);

  it('a camera heading 350° with 40° of view sees 5° and 335°, not 20° or 320° (wrap-around at north)', () => {
    for (const [bearing, sees] of [[5, true], [335, true], [350, true], [20, false], [320, false], [170, false]] as const) {
      const [x, y] = at(bearing, 50);
      expect(sightOf(cam(350, 40, 100), x, y).sees, `bearing ${bearing}`).toBe(sees);
    }
  });

  it('a camera heading 10° sees 355° (the other side of north)', () => {
    const [x, y] = at(355, 50);
    expect(sightOf(cam(10, 40, 100), x, y).sees).toBe(true);
  });

  it('the edge of the field of view counts as seen, a hair beyond it does not', () => {
    expect(seesAt(90, 60, 100, 50, 120)).toBe(true);
    expect(seesAt(90, 60, 100, 50, 60)).toBe(true);
    expect(seesAt(90, 60, 100, 50, 120.01)).toBe(false);
    expect(seesAt(90, 60, 100, 50, 59.99)).toBe(false);
  });

  it('out of range is not seen, however well it is aimed; a 360° dome sees every way within range', () => {
    const [x, y] = at(90, 150);
    expect(sightOf(cam(90, 60, 100), x, y).sees).toBe(false);
    expect(sightOf(cam(90, 60, 200), x, y).sees).toBe(true);
    const [bx, by] = at(270, 80);
    expect(sightOf(cam(90, 360, 100), bx, by).sees).toBe(true);
    expect(sightOf(cam(90, 360, 50), bx, by).sees).toBe(false);
  });

  it('a camera without heading, field of view or range is "direction unknown" (null), with its distance and bearing', () => {
    const [x, y] = at(45, 120);
    for (const c of [{ ...TIANYI }, { ...TIANYI, heading: 45, fovDeg: 60 }, { ...TIANYI, heading: null, fovDeg: 60, rangeM: 500 }]) {
      const sight = sightOf(c, x, y);
      expect(sight.sees).toBeNull();
      expect(sight.distanceM).toBeCloseTo(120, 3);
      expect(sight.bearingDeg).toBeCloseTo(45, 2);
    }
  });
});

describe('ETA', () => {
  it('by role and kind: a unit drives, police ride e-bikes, a grid manager walks (the defaults)', () => {
    expect(travelModeOf({ kind: 'unit', role: 'grid_manager' })).toBe('car');
    expect(travelModeOf({ kind: 'worker', role: 'police' })).toBe('e_bike');
    expect(travelModeOf({ kind: 'worker', role: 'grid_manager' })).toBe('foot');
  });

  it('is the straight line × 1.3 at the mode speed: 1 km on foot 1,040 s, by e-bike 312 s, by car 187 s', () => {
    expect(DEFAULT_ETA_SETTINGS.detourFactor).toBe(1.3);
    expect(etaSeconds(1000, 'foot')).toBe(1040); // 1,300 m at 1.25 m/s
    expect(etaSeconds(1000, 'e_bike')).toBe(312); // 1,300 m at 4.17 m/s
    expect(etaSeconds(1000, 'car')).toBe(187); // 1,300 m at 6.94 m/s
    expect(etaSeconds(0, 'car')).toBe(0);
  });

  it('follows a deployment’s own speeds, detour factor and modes', () => {
    const s = etaSettings({ speedsKmh: { foot: 3.6, car: 36 }, detourFactor: 1, modeByRole: { grid_manager: 'e_bike' }, unitMode: 'e_bike' });
    expect(etaSeconds(1000, 'foot', s)).toBe(1000);
    expect(etaSeconds(1000, 'car', s)).toBe(100);
    expect(etaSeconds(1000, 'e_bike', s)).toBe(240); // the default 15 km/h kept
    expect(travelModeOf({ kind: 'worker', role: 'grid_manager' }, s)).toBe('e_bike');
    expect(travelModeOf({ kind: 'unit', role: 'police' }, s)).toBe('e_bike');
    expect(() => etaSettings({ speedsKmh: { foot: 0 } })).toThrow(RangeError);
    expect(() => etaSettings({ detourFactor: 0.5 })).toThrow(RangeError);
  });
});
