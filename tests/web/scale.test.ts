import { describe, expect, it } from 'vitest';
import { ALL_PANELS, computeScale, layoutPlan, mapDesignWidth, panelsPerColumn, plannedPanels, readingUnit, type LayoutMode } from '../../web/src/layouts/scale';

describe('design unit and layout mode', () => {
  const cases: [number, number, number, LayoutMode][] = [
    [1920, 1080, 1, 'standard'],
    [3840, 2160, 2, 'standard'],
    [5760, 2160, 2, 'wide'],
    [7680, 2160, 2, 'ultra'],
  ];
  for (const [w, h, u, mode] of cases) {
    it(`${w}×${h}: u = ${u}, ${mode}`, () => {
      const s = computeScale(w, h);
      expect(s.u).toBe(u);
      expect(s.mode).toBe(mode);
      expect(s.designHeight).toBe(1080);
      expect(s.designWidth).toBe(w / u);
    });
  }

  it('a screen taller than 16:9 keeps u from the width and gains height', () => {
    const s = computeScale(1920, 1200);
    expect(s.u).toBe(1);
    expect(s.designHeight).toBe(1200);
    expect(s.mode).toBe('standard');
  });

  it('a small screen scales down uniformly', () => {
    expect(computeScale(1280, 720).u).toBeCloseTo(2 / 3, 10);
  });

  it('every mode places a panel at most once; the wide walls show every panel, and wider modes get a wider map', () => {
    const widths: number[] = [];
    for (const [w, h] of [
      [1920, 1080],
      [5760, 2160],
      [7680, 2160],
    ] as const) {
      const s = computeScale(w, h);
      const names = plannedPanels(layoutPlan(s.mode, s.designHeight));
      expect(new Set(names).size).toBe(names.length);
      if (s.mode !== 'standard') expect([...names].sort()).toEqual([...ALL_PANELS].sort());
      widths.push(mapDesignWidth(s, layoutPlan(s.mode, s.designHeight)));
    }
    expect(widths[0]).toBeGreaterThan(880);
    expect(widths[1]).toBeGreaterThan(widths[0]! * 1.4);
    expect(widths[2]).toBeGreaterThan(widths[1]! * 1.25);
  });

  it('at 1920×1080 each side holds three panels: the trend and the AI precision leave the screen, the ranking and overdue list stay', () => {
    const names = plannedPanels(layoutPlan('standard', 1080));
    expect(names).toHaveLength(6);
    expect(names).not.toContain('HourlyTrend');
    expect(names).not.toContain('AiPrecision');
    expect(names).toEqual(expect.arrayContaining(['IntakeBySource', 'StreetRanking', 'OverdueList', 'CameraHealth']));
  });

  it('a shorter design canvas drops the lowest priorities first, never below one panel a column', () => {
    expect(panelsPerColumn(1080)).toBe(3);
    expect(panelsPerColumn(2160)).toBeGreaterThanOrEqual(4);
    expect(panelsPerColumn(300)).toBe(1);
    const short = plannedPanels(layoutPlan('standard', 800));
    expect(short).toEqual(['IntakeBySource', 'IntakeByCategory', 'StreetRanking', 'OverdueList']);
  });
});

describe('layout by physical size', () => {
  // the smallest text's characters (24 design px × GLYPH_EM) must subtend READING_ARCMIN: recomputed
  // here from the geometry, not from the module's own helper
  const arcmin = (u: number, w: number, h: number, diagonalIn: number, distanceM: number) => {
    const mmPerPx = (diagonalIn * 25.4) / Math.hypot(w, h);
    const glyphMm = 24 * u * 0.85 * mmPerPx;
    return ((Math.atan(glyphMm / (distanceM * 1000)) * 180) / Math.PI) * 60;
  };

  it('the smallest text subtends 20 arc-minutes at the given distance', () => {
    for (const [w, h, d, m] of [
      [1920, 1080, 55, 3],
      [3840, 2160, 98, 6],
      [7680, 2160, 199, 8],
    ] as const) {
      const s = computeScale(w, h, { diagonalInches: d, distanceMetres: m });
      expect(arcmin(s.u, w, h, d, m)).toBeCloseTo(20, 1);
      expect(s.u).toBeCloseTo(readingUnit(w, h, { diagonalInches: d, distanceMetres: m }), 10);
    }
  });

  it('text grows with the distance, and a small screen read from far becomes compact (fewer, larger panels)', () => {
    const near = computeScale(1920, 1080, { diagonalInches: 65, distanceMetres: 2 });
    const far = computeScale(1920, 1080, { diagonalInches: 65, distanceMetres: 5 });
    expect(far.u).toBeGreaterThan(near.u * 2);
    expect(far.mode).toBe('compact');
    const plan = layoutPlan(far.mode, far.designHeight);
    expect(plan.left).toHaveLength(0);
    expect(plannedPanels(plan).length).toBeLessThan(plannedPanels(layoutPlan('standard', 1080)).length);
  });

  it('a 4K screen set for a briefing room reads larger than the same screen by pixel count alone', () => {
    const byPixels = computeScale(3840, 2160);
    const byRoom = computeScale(3840, 2160, { diagonalInches: 86, distanceMetres: 5 });
    expect(byRoom.u).toBeGreaterThan(byPixels.u);
  });

  it('a wall read from close up shows more, but never less than half the design canvas scale', () => {
    const s = computeScale(1920, 1080, { diagonalInches: 120, distanceMetres: 0.5 });
    expect(s.u).toBe(0.5);
  });
});
