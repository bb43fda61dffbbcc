import { describe, expect, it } from 'vitest';
import { TOGGLED_LAYERS, visibilityChanges, visibilityOf, type WallLayers } from '../../web/src/map/layerVisibility';
import { buildStyle } from '../../web/src/map/mapStyle';

const ALL_ON: WallLayers = { heat: 'week', incidents: true, patrols: true, cameras: true, risk: true };

describe('layer toggles', () => {
  it('map each toggle onto its MapLibre layers', () => {
    const v = visibilityOf({ ...ALL_ON, patrols: false, heat: 'off' });
    expect(v.patrols).toBe('none');
    expect(v.heat).toBe('none');
    expect(v['incident-icons']).toBe('visible');
    expect(v['incident-pulse']).toBe('visible');
    expect(v['camera-icons']).toBe('visible');
    expect(v['risk-fill']).toBe('visible');
  });

  it('show the heat for "today" and for "week"', () => {
    expect(visibilityOf({ ...ALL_ON, heat: 'today' }).heat).toBe('visible');
    expect(visibilityOf({ ...ALL_ON, heat: 'week' }).heat).toBe('visible');
  });

  it('hide every layer of a toggle together', () => {
    const v = visibilityOf({ ...ALL_ON, incidents: false, cameras: false });
    for (const id of [...TOGGLED_LAYERS.incidents, ...TOGGLED_LAYERS.cameras]) expect(v[id], id).toBe('none');
  });

  it('report only what differs from what the map shows', () => {
    const shown = visibilityOf(ALL_ON);
    expect(visibilityChanges(shown, ALL_ON)).toEqual([]);
    expect(visibilityChanges(shown, { ...ALL_ON, risk: false })).toEqual([
      ['risk-fill', 'none'],
      ['risk-line', 'none'],
    ]);
  });

  it('name only layers that exist in the style', () => {
    const ids = new Set(buildStyle({ scale: 1, layers: ALL_ON }).layers.map((l) => l.id));
    for (const id of Object.values(TOGGLED_LAYERS).flat()) expect(ids.has(id), id).toBe(true);
  });

  it('are applied when the style is built', () => {
    const style = buildStyle({ scale: 1, layers: { ...ALL_ON, cameras: false } });
    const cams = style.layers.find((l) => l.id === 'camera-icons') as { layout?: { visibility?: string } };
    expect(cams.layout?.visibility).toBe('none');
  });
});
