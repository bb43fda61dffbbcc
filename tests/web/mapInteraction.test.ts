import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pickTarget, pointerLayers } from '../../web/src/map/interaction';
import { throttle } from '../../web/src/map/throttle';

const f = (layer: string, properties: Record<string, unknown>) => ({ layer: { id: layer }, properties }) as never;

describe('pickTarget', () => {
  it('prefers a marker over the region beneath it', () => {
    const hit = pickTarget([f('land', { code: '330203', level: 'district', name: '海曙区' }), f('incident-icons', { id: 'INC-1' })], 'district');
    expect(hit).toEqual({ kind: 'incident', id: 'INC-1' });
  });

  it('answers the region of the level a click would open', () => {
    const features = [f('street-hover', { code: 's1', level: 'street', name: '南门街道' }), f('land', { code: 'd1', level: 'district', name: '海曙区' })];
    expect(pickTarget(features, 'district')).toEqual({ kind: 'region', code: 'd1', level: 'district', name: '海曙区' });
    expect(pickTarget(features, 'street')).toEqual({ kind: 'region', code: 's1', level: 'street', name: '南门街道' });
    expect(pickTarget(features, null)).toBeNull();
  });

  it('knows patrols and cameras', () => {
    expect(pickTarget([f('patrols', { id: 'p1' })], null)).toEqual({ kind: 'patrol', id: 'p1' });
    expect(pickTarget([f('camera-icons', { id: 'c1' })], null)).toEqual({ kind: 'camera', id: 'c1' });
  });
});

describe('pointerLayers', () => {
  it('lets only full incident icons answer in the city view, so a click opens the district', () => {
    expect(pointerLayers(8.5)).toEqual(['incident-icons']);
  });

  it('lets every marker answer once zoomed in', () => {
    expect(pointerLayers(12)).toEqual(['incident-icons', 'incident-icons-minor', 'camera-icons', 'patrols']);
  });
});

describe('throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs the first change at once and a burst once at the end', () => {
    const run = vi.fn();
    const t = throttle(run, 1000);
    t.schedule();
    expect(run).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 50; i++) t.schedule();
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('leaves no timer after cancel', () => {
    const run = vi.fn();
    const t = throttle(run, 1000);
    t.schedule();
    t.schedule();
    t.cancel();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
