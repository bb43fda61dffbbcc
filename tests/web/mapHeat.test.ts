import { describe, expect, it } from 'vitest';
import { heatFeatures, heatWindowStart, startOfDay } from '../../web/src/map/heatLayer';

// 2026-11-25 10:00 in Shanghai (UTC+8) = 02:00 UTC
const NOW = Date.UTC(2026, 10, 25, 2, 0, 0);
const H = 3_600_000;

/** points of one incident each (count 1), unless a fifth value gives the count of a bin */
function flat(points: ([number, number, number, number] | [number, number, number, number, number])[]): number[] {
  return points.flatMap((p) => (p.length === 4 ? [...p, 1] : p));
}

describe('heat window', () => {
  it('"today" starts at midnight on the centre clock, not the kiosk clock', () => {
    expect(startOfDay(NOW, 480)).toBe(Date.UTC(2026, 10, 24, 16, 0, 0));
    expect(heatWindowStart('today', NOW, 480)).toBe(Date.UTC(2026, 10, 24, 16, 0, 0));
  });

  it('"week" is the seven days up to now', () => {
    expect(heatWindowStart('week', NOW)).toBe(NOW - 7 * 24 * H);
  });
});

describe('heatFeatures', () => {
  const points = flat([
    [121.5, 29.8, 1, NOW - 1 * H], // today
    [121.6, 29.9, 4, NOW - 9 * H], // 01:00 today in Shanghai
    [121.7, 29.7, 2, NOW - 11 * H], // yesterday 23:00 in Shanghai
    [121.8, 29.6, 3, NOW - 6 * 24 * H], // six days ago
    [121.9, 29.5, 3, NOW - 8 * 24 * H], // outside the week
  ]);

  it('keeps only today for "today"', () => {
    const fc = heatFeatures(points, 'today', NOW, 480);
    expect(fc.features.map((f) => f.geometry.coordinates[0])).toEqual([121.5, 121.6]);
  });

  it('keeps the last seven days for "week"', () => {
    const fc = heatFeatures(points, 'week', NOW, 480);
    expect(fc.features.map((f) => f.geometry.coordinates[0])).toEqual([121.5, 121.6, 121.7, 121.8]);
  });

  it('is empty when off', () => {
    expect(heatFeatures(points, 'off', NOW).features).toHaveLength(0);
  });

  it('weights by severity, clamped to 1..4', () => {
    const fc = heatFeatures(flat([[121, 29, 4, NOW], [121, 29, 9, NOW], [121, 29, 0, NOW]]), 'today', NOW);
    expect(fc.features.map((f) => f.properties.w)).toEqual([1, 1, 0.35]);
  });

  it('a binned point weighs as many incidents as it stands for', () => {
    const fc = heatFeatures(flat([[121, 29, 2, NOW, 10], [121.1, 29.1, 4, NOW, 3], [121.2, 29.2, 4, NOW, 0]]), 'today', NOW);
    expect(fc.features.map((f) => f.properties.w)).toEqual([6, 3]);
  });

  it('ignores a trailing partial record', () => {
    const fc = heatFeatures([...flat([[121, 29, 2, NOW]]), 121.1, 29.1], 'week', NOW);
    expect(fc.features).toHaveLength(1);
  });
});
