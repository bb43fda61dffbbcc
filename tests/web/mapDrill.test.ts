import { describe, expect, it } from 'vitest';
import type { Region } from '@shared/schemas/region';
import { boundsOf, childLevel, drillFilters, drillTarget, pathOf } from '../../web/src/map/drill';

const region = (code: string, level: Region['level'], parentCode: string | null): Region => ({
  code,
  name: code,
  level,
  parentCode,
  center: [121, 29],
  bbox: [120, 28, 122, 30],
  generated: false,
});

const regions = new Map<string, Region>([
  ['330200', region('330200', 'city', null)],
  ['330203', region('330203', 'district', '330200')],
  ['330203001', region('330203001', 'street', '330203')],
]);

describe('drill-down', () => {
  it('opens districts from the city and streets from a district, and stops at a street', () => {
    expect(childLevel('city')).toBe('district');
    expect(childLevel('district')).toBe('street');
    expect(childLevel('street')).toBeNull();
  });

  it('drills only into the next level down', () => {
    const city = regions.get('330200');
    expect(drillTarget(city, { code: '330203', level: 'district' })).toBe('330203');
    expect(drillTarget(city, { code: '330203001', level: 'street' })).toBeNull();
    expect(drillTarget(regions.get('330203'), { code: '330203001', level: 'street' })).toBe('330203001');
    expect(drillTarget(regions.get('330203001'), { code: '330203001', level: 'street' })).toBeNull();
  });

  it('knows the path from the city down, for the breadcrumb', () => {
    expect(pathOf('330203001', regions)).toEqual(['330200', '330203', '330203001']);
  });

  it('dims nothing in the city view', () => {
    const f = drillFilters(regions.get('330200'));
    expect(f.maskDistrict).toEqual(['==', ['get', 'code'], '__none__']);
    expect(f.selectedDistrict).toEqual(['==', ['get', 'code'], '__none__']);
  });

  it('dims the other districts and outlines the one drilled into', () => {
    const f = drillFilters(regions.get('330203'));
    expect(f.maskDistrict).toEqual(['!=', ['get', 'code'], '330203']);
    expect(f.selectedDistrict).toEqual(['==', ['get', 'code'], '330203']);
    expect(JSON.stringify(f.streetLabels)).toContain('330203');
  });

  it('at a street, dims its sibling streets and the other districts', () => {
    const f = drillFilters(regions.get('330203001'));
    expect(f.maskDistrict).toEqual(['!=', ['get', 'code'], '330203']);
    expect(f.maskStreet).toEqual(['all', ['==', ['get', 'parentCode'], '330203'], ['!=', ['get', 'code'], '330203001']]);
    expect(f.selectedStreet).toEqual(['==', ['get', 'code'], '330203001']);
  });

  it('turns a bbox into MapLibre bounds', () => {
    expect(boundsOf([120, 28, 122, 30])).toEqual([
      [120, 28],
      [122, 30],
    ]);
  });
});
