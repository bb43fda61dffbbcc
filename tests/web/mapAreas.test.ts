import { describe, expect, it } from 'vitest';
import type { AreaSummary } from '@shared/schemas/live';
import { areaFeatures, bubbleRadius, shortCount, showsOverview } from '../../web/src/map/areaLayer';

function area(code: string, over: Partial<AreaSummary> = {}): AreaSummary {
  return { code, open: 0, overdue: 0, serious: 0, worst: 0, patrols: 0, onDuty: 0, responding: 0, cameras: 0, camerasOffline: 0, camerasAlarm: 0, risk: [1, 0, 0, 0, 0], ...over };
}

describe('area bubbles', () => {
  const centres: Record<string, [number, number]> = { A: [121.5, 29.8], B: [121.6, 29.9], C: [121.7, 30] };
  const regionOf = (code: string) => (centres[code] ? { center: centres[code] } : undefined);

  it('one bubble per area with a known centre, the largest drawn first, coloured by the severest open case', () => {
    const fc = areaFeatures([area('A', { open: 3, worst: 1 }), area('B', { open: 120, worst: 4, overdue: 2 }), area('C'), area('X', { open: 9 })], regionOf);
    expect(fc.features.map((f) => f.properties.code)).toEqual(['B', 'A', 'C']);
    const [b, a, c] = fc.features.map((f) => f.properties);
    expect(b!.color).not.toBe(a!.color);
    expect(c!.open).toBe(0);
    expect(b!.radius).toBeGreaterThan(a!.radius);
    expect(a!.radius).toBeGreaterThan(c!.radius);
    expect(b!.overdue).toBe(2);
    // the severest case's shape goes before the count; none where nothing is open
    expect([b!.glyph, a!.glyph, c!.glyph]).toEqual(['★', '●', '']);
  });

  it('writes counts short enough for a bubble', () => {
    expect(shortCount(9_999)).toBe('9999');
    expect(shortCount(12_345)).toBe('1.2万');
    expect(shortCount(123_456)).toBe('12万');
    expect(shortCount(12_345, 'en')).toBe('12k');
  });

  it('grows the area, not the radius, with the count', () => {
    expect(bubbleRadius(0, 100)).toBe(10);
    expect(bubbleRadius(100, 100)).toBe(44);
    expect(bubbleRadius(25, 100)).toBe(29);
  });
});

describe('the overview of a city', () => {
  it('a city root with three or more areas is read by its areas; a district, or a root of one district, case by case', () => {
    expect(showsOverview({ level: 'city' }, 10)).toBe(true);
    expect(showsOverview({ level: 'city' }, 3)).toBe(true);
    expect(showsOverview({ level: 'city' }, 1)).toBe(false);
    expect(showsOverview({ level: 'district' }, 12)).toBe(false);
    expect(showsOverview(null, 10)).toBe(false);
  });
});
