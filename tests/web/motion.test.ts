import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pulse } from '../../web/src/map/pulse';

/** a map that records paint writes; every layer exists */
function fakeMap() {
  const paints: [string, string, unknown][] = [];
  return {
    paints,
    map: { style: {}, getLayer: () => ({}), setPaintProperty: (l: string, p: string, v: unknown) => paints.push([l, p, v]) },
  };
}

function wantReducedMotion(reduce: boolean) {
  vi.stubGlobal('matchMedia', (q: string) => ({ matches: reduce && q.includes('reduce'), media: q }));
}

afterEach(() => vi.unstubAllGlobals());

describe('the map pulse and reduced motion', () => {
  it('with reduced motion asked for, the rings are drawn once and no frame loop runs', () => {
    wantReducedMotion(true);
    const raf = vi.fn(() => 1);
    vi.stubGlobal('requestAnimationFrame', raf);
    const { map, paints } = fakeMap();
    const pulse = new Pulse(() => map as never, 1);
    pulse.set({ incidents: true, cameras: true });
    expect(raf).not.toHaveBeenCalled();
    expect(paints.map(([layer]) => layer)).toEqual(['incident-pulse', 'incident-pulse', 'camera-alarm', 'camera-alarm']);
    pulse.dispose();
  });

  it('otherwise the rings animate on a frame loop', () => {
    wantReducedMotion(false);
    const raf = vi.fn(() => 1);
    vi.stubGlobal('requestAnimationFrame', raf);
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const { map, paints } = fakeMap();
    const pulse = new Pulse(() => map as never, 1);
    pulse.set({ incidents: true });
    expect(raf).toHaveBeenCalledTimes(1);
    expect(paints).toEqual([]);
    pulse.dispose();
  });
});
