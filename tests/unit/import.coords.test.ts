/**
 * GCJ-02 ↔ WGS-84 against the published reference pairs (the test vectors every eviltransform port
 * carries: Shanghai, Shenzhen, Beijing), the inverse to a few millimetres, and no shift abroad.
 */
import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from '../../server/import/coords';

// [wgs lng, wgs lat] → [gcj lng, gcj lat]
const PAIRS: readonly [string, [number, number], [number, number]][] = [
  ['Shanghai', [121.5272106, 31.1774276], [121.531541859215, 31.17530398364597]],
  ['Shenzhen', [113.912316, 22.543847], [113.9171764808363, 22.540796131694766]],
  ['Beijing', [116.377817, 39.911954], [116.38404722455657, 39.91334545536069]],
];

/** metres between two nearby points */
function metres([a, b]: [number, number], [c, d]: [number, number]): number {
  const k = (Math.PI / 180) * 6_371_000;
  return Math.hypot((c - a) * k * Math.cos((b * Math.PI) / 180), (d - b) * k);
}

describe('GCJ-02', () => {
  it.each(PAIRS)('%s: WGS-84 → GCJ-02 gives the published pair', (_, wgs, gcj) => {
    const [lng, lat] = wgs84ToGcj02(...wgs);
    expect(lng).toBeCloseTo(gcj[0], 9);
    expect(lat).toBeCloseTo(gcj[1], 9);
  });

  it.each(PAIRS)('%s: GCJ-02 → WGS-84 lands within a centimetre of the original', (_, wgs, gcj) => {
    const back = gcj02ToWgs84(...gcj);
    expect(metres(back, wgs)).toBeLessThan(0.01);
    // and the offset it removes is the few hundred metres GCJ-02 adds
    expect(metres(gcj, wgs)).toBeGreaterThan(100);
    expect(metres(gcj, wgs)).toBeLessThan(1000);
  });

  it('Ningbo: the round trip holds where the demo city lies', () => {
    const gcj: [number, number] = [121.5504, 29.8739];
    expect(metres(wgs84ToGcj02(...gcj02ToWgs84(...gcj)), gcj)).toBeLessThan(0.01);
  });

  it('outside mainland China nothing moves', () => {
    expect(outOfChina(-0.1276, 51.5072)).toBe(true);
    expect(gcj02ToWgs84(-0.1276, 51.5072)).toEqual([-0.1276, 51.5072]);
    expect(wgs84ToGcj02(151.2093, -33.8688)).toEqual([151.2093, -33.8688]);
  });
});
