import { describe, expect, it } from 'vitest';
import { riskUpdates, snapshotRisk } from '../../web/src/map/riskLayer';
import { riskColorExpression } from '../../web/src/map/basemapLayers';
import { RISK_LEVELS } from '@shared/schemas/stats';
import { RISK_STYLES } from '../../web/src/map/palette';

describe('riskUpdates', () => {
  it('touches only the grids whose level changed', () => {
    const prev = { g1: 2, g2: 4, g3: 1 };
    const next = { g1: 2, g2: 3, g3: 1, g4: 4 };
    expect(riskUpdates(prev, next)).toEqual([
      { code: 'g2', level: 3 },
      { code: 'g4', level: 4 },
    ]);
  });

  it('sends a grid that left the record back to green', () => {
    expect(riskUpdates({ g1: 3 }, {})).toEqual([{ code: 'g1', level: 0 }]);
  });

  it('does nothing when nothing changed', () => {
    expect(riskUpdates({ g1: 3 }, { g1: 3 })).toEqual([]);
  });

  it('paints everything from an empty map', () => {
    expect(riskUpdates({}, { a: 1, b: 4 })).toHaveLength(2);
  });

  it('clamps nonsense levels into 0..4', () => {
    expect(snapshotRisk({ a: 9, b: -1, c: 2.4 })).toEqual({ a: 4, b: 0, c: 2 });
  });
});

describe('risk colours', () => {
  it('has the five colours of the five-colour map, in level order', () => {
    expect(RISK_STYLES.map((r) => r.level)).toEqual([0, 1, 2, 3, 4]);
    expect(RISK_STYLES).toHaveLength(RISK_LEVELS.length);
  });

  it('colours by the grid feature-state, green when absent', () => {
    const expr = riskColorExpression() as unknown[];
    expect(expr[0]).toBe('match');
    expect(JSON.stringify(expr[1])).toContain('feature-state');
    expect(expr[expr.length - 1]).toBe(RISK_STYLES[0].color);
  });
});
