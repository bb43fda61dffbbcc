import { describe, expect, it } from 'vitest';
import { ALL_PANELS, computeScale, layoutPlan, mapDesignWidth, type LayoutMode } from '../../web/src/layouts/scale';

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

  it('every mode places every panel exactly once, and wider modes get a wider map', () => {
    const widths: number[] = [];
    for (const [w, h] of [
      [1920, 1080],
      [5760, 2160],
      [7680, 2160],
    ] as const) {
      const s = computeScale(w, h);
      const plan = layoutPlan(s.mode);
      const names = [...plan.left, ...plan.right].flatMap((c) => c.panels.map((p) => p.name));
      expect([...names].sort()).toEqual([...ALL_PANELS].sort());
      widths.push(mapDesignWidth(s, plan));
    }
    expect(widths[0]).toBeGreaterThan(900);
    expect(widths[1]).toBeGreaterThan(widths[0]! * 1.4);
    expect(widths[2]).toBeGreaterThan(widths[1]! * 1.25);
  });
});
