import { describe, expect, it } from 'vitest';
import type { Patrol } from '@shared/schemas/patrol';
import { PATROL_STATUSES } from '@shared/schemas/patrol';
import { patrolFeatures } from '../../web/src/map/patrolLayer';

function patrol(idx: number, over: Partial<Patrol> = {}): Patrol {
  return {
    id: `p${idx}`,
    idx,
    name: `网格员${idx}`,
    kind: 'worker',
    role: 'grid_manager',
    gridCode: '330203001001001',
    status: 'on_duty',
    statusSince: 0,
    lng: null,
    lat: null,
    fixAt: null,
    ...over,
  };
}

const si = (s: (typeof PATROL_STATUSES)[number]) => PATROL_STATUSES.indexOf(s);

describe('patrolFeatures', () => {
  it('turns the column arrays into points with the status of the status column', () => {
    const fc = patrolFeatures({
      byIdx: [patrol(0), patrol(1), patrol(2)],
      lng: Float64Array.from([121.1, 121.2, 121.3]),
      lat: Float64Array.from([29.1, 29.2, 29.3]),
      status: Uint8Array.from([si('on_duty'), si('responding'), si('offline')]),
    });
    expect(fc.features.map((f) => [f.properties.id, f.properties.status, ...f.geometry.coordinates])).toEqual([
      ['p0', 'on_duty', 121.1, 29.1],
      ['p1', 'responding', 121.2, 29.2],
      ['p2', 'offline', 121.3, 29.3],
    ]);
  });

  it('leaves out patrols off duty (positions serve dispatch only)', () => {
    const fc = patrolFeatures({
      byIdx: [patrol(0), patrol(1)],
      lng: Float64Array.from([121.1, 121.2]),
      lat: Float64Array.from([29.1, 29.2]),
      status: Uint8Array.from([si('off_duty'), si('on_duty')]),
    });
    expect(fc.features.map((f) => f.properties.id)).toEqual(['p1']);
  });

  it('skips holes in the roster and patrols without any fix', () => {
    const fc = patrolFeatures({
      byIdx: [undefined, patrol(1), patrol(2)],
      lng: Float64Array.from([121, NaN, 121.3]),
      lat: Float64Array.from([29, NaN, 29.3]),
      status: Uint8Array.from([si('on_duty'), si('on_duty'), si('on_duty')]),
    });
    expect(fc.features.map((f) => f.properties.id)).toEqual(['p2']);
  });

  it('falls back to the roster fix when the columns have none yet', () => {
    const fc = patrolFeatures({
      byIdx: [patrol(0, { lng: 121.5, lat: 29.5, kind: 'unit' })],
      lng: Float64Array.from([NaN]),
      lat: Float64Array.from([NaN]),
      status: Uint8Array.from([si('responding')]),
    });
    expect(fc.features[0]!.geometry.coordinates).toEqual([121.5, 29.5]);
    expect(fc.features[0]!.properties.kind).toBe('unit');
  });
});
