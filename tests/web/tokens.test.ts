import { describe, expect, it } from 'vitest';
import { CAMERA_STATUS_COLOR, FONT_SIZE, PATROL_STATUS_COLOR, RISK, SEVERITY, tokenVariables } from '../../web/src/layouts/tokens';
import { CAMERA_STYLES, PATROL_STYLES, RISK_STYLES, SEVERITY_STYLES } from '../../web/src/map/palette';

describe('design tokens', () => {
  it('severity, risk, patrol and camera colours agree with the map (panels and map never disagree)', () => {
    for (const s of SEVERITY_STYLES) {
      expect(SEVERITY[s.severity].color.toLowerCase()).toBe(s.color.toLowerCase());
      expect(SEVERITY[s.severity].path).toBe(s.path);
    }
    expect(RISK.map((c) => c.toLowerCase())).toEqual(RISK_STYLES.map((r) => r.color.toLowerCase()));
    for (const [k, v] of Object.entries(PATROL_STATUS_COLOR)) expect(v).toBe(PATROL_STYLES[k as keyof typeof PATROL_STYLES].color);
    for (const [k, v] of Object.entries(CAMERA_STATUS_COLOR)) expect(v).toBe(CAMERA_STYLES[k as keyof typeof CAMERA_STYLES].color);
  });

  it('severity is told by shape as well as colour: four different shapes', () => {
    expect(new Set(Object.values(SEVERITY).map((s) => s.path)).size).toBe(4);
  });

  it('type is large enough for a wall: body ≥ 14, KPI figures ≥ 40 design px', () => {
    expect(Math.min(...Object.values(FONT_SIZE))).toBeGreaterThanOrEqual(14);
    expect(FONT_SIZE.kpi).toBeGreaterThanOrEqual(40);
  });

  it('sizes become multiples of the design unit', () => {
    const vars = tokenVariables();
    expect(vars['--fs-kpi']).toBe('calc(var(--u) * 64)');
    expect(vars['--sev-4']).toBe(SEVERITY[4].color);
    expect(vars['--risk-4']).toBe(RISK[4]);
  });
});
