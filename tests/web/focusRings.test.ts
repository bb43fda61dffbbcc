import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { FOCUS_RINGS_M } from '@shared/schemas/focus';
import { destination, geodesicCircle, markFeatures, ringBounds, ringFeatures } from '../../web/src/map/focusRings';
import { buildStyle } from '../../web/src/map/mapStyle';
import { DEFAULT_LAYERS } from '../../web/src/map/layerVisibility';
import { fmtDistance, fmtEta } from '../../web/src/format';
import { focus, track } from './helpers/coordination';

/** an independent check: Vincenty on the WGS-84 ellipsoid would differ by < 0.5 %; haversine on the mean sphere */
function haversine(a: [number, number], b: [number, number]): number {
  const R = 6_371_008.8;
  const r = (d: number) => (d * Math.PI) / 180;
  const dl = r(b[0] - a[0]);
  const dp = r(b[1] - a[1]);
  const h = Math.sin(dp / 2) ** 2 + Math.cos(r(a[1])) * Math.cos(r(b[1])) * Math.sin(dl / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

describe('focus rings', () => {
  for (const [where, lng, lat] of [['the equator', 10, 0], ['30°N (Ningbo)', 121.55, 30]] as const) {
    it(`every vertex lies within 1 % of the radius at ${where}`, () => {
      for (const radius of FOCUS_RINGS_M) {
        const ring = geodesicCircle(lng, lat, radius);
        expect(ring).toHaveLength(65);
        expect(ring[64]).toEqual(ring[0]);
        for (const v of ring) expect(Math.abs(haversine([lng, lat], v) - radius) / radius).toBeLessThan(0.01);
      }
    });
  }

  it('is a circle on the ground, not in degrees: wider in longitude at 30°N', () => {
    const [[w, s], [e, n]] = ringBounds(121.55, 30, 3000);
    expect((e - w) / (n - s)).toBeCloseTo(1 / Math.cos((30 * Math.PI) / 180), 2);
  });

  it('north is north', () => {
    const [lng, lat] = destination(121.55, 30, 1000, 0);
    expect(lng).toBeCloseTo(121.55, 9);
    expect(lat).toBeGreaterThan(30);
  });

  it('three rings with their labels; nothing without a focus', () => {
    const fc = ringFeatures(focus('F1'));
    expect(fc.features.filter((f) => f.properties.kind === 'ring').map((f) => f.properties.radius)).toEqual([500, 1000, 3000]);
    expect(fc.features.filter((f) => f.properties.kind === 'label').map((f) => f.properties.label)).toEqual(['500 m', '1 km', '3 km']);
    expect(ringFeatures(null).features).toEqual([]);
  });

  it('marks the place, the cameras that see it (strongly) or may (weaker), and the responders where the track puts them', () => {
    const f = focus('F1', { cameras: [...focus('F1').cameras, { ...focus('F1').cameras[0]!, cameraId: 'C9', sees: false }] });
    const fc = markFeatures(f, track('F1', 1, { P0: 1200, P7: null, P99: 50 }));
    const by = (k: string) => fc.features.filter((x) => x.properties.kind === k);
    expect(by('place')).toHaveLength(1);
    expect(by('camera').map((c) => [c.properties.id, c.properties.strength])).toEqual([['C1', 1], ['C2', 0.5]]);
    // P7 has no fix; P99 is not a responder of this focus
    expect(by('responder').map((r) => r.properties.label)).toEqual(['网格员0 · 1.2 km']);
  });

  it('the style with the focus layers is valid and has a source and a layer named focus-rings', () => {
    const style = buildStyle({ scale: 1, layers: DEFAULT_LAYERS });
    expect(validateStyleMin(style)).toEqual([]);
    expect(style.sources).toHaveProperty('focus-rings');
    expect(style.layers.at(-1)?.id.startsWith('focus-')).toBe(true);
    expect(style.layers.find((l) => l.id === 'focus-rings')).toMatchObject({ type: 'line', source: 'focus-rings' });
  });
});

describe('distance and ETA', () => {
  it('formats', () => {
    expect(fmtDistance(847)).toBe('850 m');
    expect(fmtDistance(1234)).toBe('1.2 km');
    expect(fmtDistance(14_321)).toBe('14 km');
    expect(fmtDistance(null)).toBe('—');
    expect(fmtEta(240, 'en')).toBe('4 min');
    expect(fmtEta(240, 'zh')).toBe('4分钟');
    expect(fmtEta(30, 'en')).toBe('<1 min');
    expect(fmtEta(0, 'zh')).toBe('已到达');
    expect(fmtEta(null, 'en')).toBe('—');
  });
});
