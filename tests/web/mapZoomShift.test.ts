import { describe, expect, it } from 'vitest';
import { shiftExpression, shiftLayerZooms, zoomShift } from '../../web/src/map/zoomShift';
import { allLayers } from '../../web/src/map/mapStyle';

describe('zoom shift of big walls', () => {
  it('is log2 of the wall scale', () => {
    expect(zoomShift(1)).toBe(0);
    expect(zoomShift(2)).toBe(1);
    expect(zoomShift(1.5)).toBe(0.58);
    expect(zoomShift(Number.NaN)).toBe(0);
  });

  it('moves the stops of zoom curves and nothing else', () => {
    const expr = ['interpolate', ['linear'], ['zoom'], 7, 1, 12, ['get', 'size']];
    expect(shiftExpression(expr, 1)).toEqual(['interpolate', ['linear'], ['zoom'], 8, 1, 13, ['get', 'size']]);
    const data = ['interpolate', ['linear'], ['get', 'w'], 1, 0.3, 4, 1];
    expect(shiftExpression(data, 1)).toEqual(data);
    expect(shiftExpression(['step', ['zoom'], 0, 10, 1], 1)).toEqual(['step', ['zoom'], 0, 11, 1]);
  });

  it('moves layer zoom ranges', () => {
    const [layer] = shiftLayerZooms([{ id: 'x', type: 'background', minzoom: 9.6, maxzoom: 12.5 }], 1);
    expect(layer).toMatchObject({ minzoom: 10.6, maxzoom: 13.5 });
  });

  it('makes a 4K wall show what a 1080p wall shows, one zoom level further in', () => {
    const hd = allLayers(1, 'today');
    const uhd = allLayers(2, 'today');
    const street = (ls: typeof hd) => ls.find((l) => l.id === 'street-label')!;
    expect(street(uhd).minzoom).toBe(street(hd).minzoom! + 1);
  });
});
