/** Focus mode's pure parts (server/domain/coordination/focus.ts): whose walls, the timeline, the responders' distance and ETA. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FOCUS_TIMELINE_MAX, type Focus } from '@shared/schemas/focus';
import type { Patrol } from '@shared/schemas/patrol';
import { focusHomes, trackOf, withTimelineItem } from '../../server/domain/coordination/focus';
import { DEFAULT_ETA_SETTINGS } from '../../server/domain/nearby';

const PATH = ['330200', '330203', '330203001', '330203001001', '330203001001001'];

function focus(over: Partial<Focus> = {}): Focus {
  return {
    id: 'F-1',
    regionCode: '330203',
    reaches: PATH.slice(1),
    incidentId: 'E1',
    title: 't',
    category: 'dispute',
    severity: 3,
    lng: 121.55,
    lat: 29.87,
    startedAt: 0,
    startedBy: { kind: 'operator', id: 'op', name: 'op' },
    endsWithAlert: null,
    responders: [
      { patrolId: 'walker', name: 'A', kind: 'worker', role: 'grid_manager', mode: 'foot' },
      { patrolId: 'car', name: 'B', kind: 'unit', role: 'police', mode: 'car' },
      { patrolId: 'nofix', name: 'C', kind: 'worker', role: 'assistant', mode: 'foot' },
    ],
    cameras: [],
    timeline: [],
    ...over,
  };
}

const patrol = (id: string, lng: number | null, lat: number | null): Patrol => ({
  id,
  idx: 0,
  name: id,
  kind: 'worker',
  role: 'grid_manager',
  gridCode: PATH[4]!,
  status: 'responding',
  statusSince: 0,
  lng,
  lat,
  fixAt: lng === null ? null : 1,
});

describe('focusHomes', () => {
  it('is the focus region and everything below it on the case path', () => {
    expect(focusHomes(PATH, '330203')).toEqual(PATH.slice(1));
    expect(focusHomes(PATH, '330200')).toEqual(PATH);
    expect(focusHomes(PATH, PATH[4]!)).toEqual([PATH[4]]);
  });
  it('reaches nobody when the focus region is not on the path', () => {
    expect(focusHomes(PATH, '330203002')).toEqual([]);
  });
  it('never holds a region above the focus region or off the path (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: PATH.length - 1 }), (i) => {
        const homes = focusHomes(PATH, PATH[i]!);
        return homes.length === PATH.length - i && homes.every((h) => PATH.indexOf(h) >= i);
      }),
    );
  });
});

describe('trackOf', () => {
  it("gives each responder's straight-line distance and its ETA by mode; nulls without a fix", () => {
    const f = focus();
    const north1km = 29.87 + 1000 / 111_195;
    const current = (id: string) => (id === 'nofix' ? patrol(id, null, null) : id === 'walker' || id === 'car' ? patrol(id, 121.55, north1km) : undefined);
    const track = trackOf(f, 5, current, DEFAULT_ETA_SETTINGS);
    expect(track.focusId).toBe('F-1');
    expect(track.at).toBe(5);
    const [walker, car, nofix] = track.responders;
    expect(walker!.distanceM).toBeGreaterThanOrEqual(999);
    expect(walker!.distanceM).toBeLessThanOrEqual(1001);
    // 1 km × 1.3 detour at 4.5 km/h on foot, 25 km/h by car
    expect(walker!.etaS).toBeCloseTo((1000 * 1.3) / (4.5 / 3.6), -1);
    expect(car!.etaS).toBeCloseTo((1000 * 1.3) / (25 / 3.6), -1);
    expect(nofix).toMatchObject({ distanceM: null, etaS: null, lng: null });
  });
  it('a responder no longer on the roster is shown without a position, offline', () => {
    const track = trackOf(focus(), 0, () => undefined, DEFAULT_ETA_SETTINGS);
    expect(track.responders.every((r) => r.status === 'offline' && r.distanceM === null)).toBe(true);
  });
});

describe('withTimelineItem', () => {
  it('keeps items in time order and only the latest FOCUS_TIMELINE_MAX', () => {
    let f = focus();
    for (let i = FOCUS_TIMELINE_MAX + 5; i > 0; i--) f = withTimelineItem(f, { at: i, kind: 'step', actor: 'x', action: 'note', text: null });
    expect(f.timeline).toHaveLength(FOCUS_TIMELINE_MAX);
    expect(f.timeline[0]!.at).toBe(6);
    expect(f.timeline.at(-1)!.at).toBe(FOCUS_TIMELINE_MAX + 5);
  });
});
