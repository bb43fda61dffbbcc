import { describe, expect, it } from 'vitest';
import type { Incident } from '@shared/schemas/incident';
import { baseIncident } from '../support/incident';
import { incidentFeatures, NEW_FOR_MS, nextNewExpiry } from '../../web/src/map/incidentLayer';
import { SEVERITY_STYLES } from '../../web/src/map/palette';

const NOW = Date.UTC(2026, 10, 25, 2, 0, 0);

function incident(over: Partial<Incident> & { id: string }): Incident {
  return {
    ...baseIncident(NOW),
    source: 'patrol',
    category: 'environment',
    subcategory: null,
    severity: 1,
    title: '暴露垃圾',
    description: '',
    location: { lng: 121.55, lat: 29.87 },
    gridCode: '330203001001001',
    regionPath: ['330200'],
    stage: 'registered',
    reportedAt: NOW - 60 * 60_000,
    stageEnteredAt: {},
    deadline: null,
    reporter: { kind: 'patrol' },
    updatedAt: NOW,
    ...over,
  };
}

describe('incidentFeatures', () => {
  it('keeps open incidents only (closed and rejected leave the map)', () => {
    const fc = incidentFeatures(
      [incident({ id: 'a' }), incident({ id: 'b', stage: 'closed' }), incident({ id: 'c', stage: 'rejected' }), incident({ id: 'd', stage: 'handled' })],
      NOW,
    );
    expect(fc.features.map((f) => f.properties.id).sort()).toEqual(['a', 'd']);
  });

  it('gives each severity its own icon shape and colour', () => {
    const fc = incidentFeatures(
      ([1, 2, 3, 4] as const).map((s) => incident({ id: `s${s}`, severity: s })),
      NOW,
    );
    const icons = fc.features.map((f) => f.properties.icon);
    expect(new Set(icons).size).toBe(4);
    for (const f of fc.features) {
      const style = SEVERITY_STYLES[f.properties.severity - 1]!;
      expect(f.properties.icon).toBe(style.icon);
      expect(f.properties.color).toBe(style.color);
    }
    expect(new Set(SEVERITY_STYLES.map((s) => s.path)).size).toBe(4);
  });

  it('pulses new incidents and serious ones, not old general ones', () => {
    const fc = incidentFeatures(
      [
        incident({ id: 'old-general', severity: 1, reportedAt: NOW - NEW_FOR_MS - 1 }),
        incident({ id: 'new-general', severity: 1, reportedAt: NOW - 1000 }),
        incident({ id: 'old-serious', severity: 3, reportedAt: NOW - 86_400_000 }),
        incident({ id: 'old-extreme', severity: 4, reportedAt: NOW - 86_400_000 }),
      ],
      NOW,
    );
    const pulse = Object.fromEntries(fc.features.map((f) => [f.properties.id, f.properties.pulse]));
    expect(pulse).toEqual({ 'old-general': 0, 'new-general': 1, 'old-serious': 1, 'old-extreme': 1 });
    expect(fc.features.find((f) => f.properties.id === 'new-general')!.properties.isNew).toBe(1);
  });

  it('keeps full icons at city zoom only for serious, new or overdue cases', () => {
    const fc = incidentFeatures(
      [
        incident({ id: 'plain', severity: 2 }),
        incident({ id: 'serious', severity: 3 }),
        incident({ id: 'new', severity: 1, reportedAt: NOW - 1000 }),
        incident({ id: 'late', severity: 1, overdue: true }),
      ],
      NOW,
    );
    const major = Object.fromEntries(fc.features.map((f) => [f.properties.id, f.properties.major]));
    expect(major).toEqual({ plain: 0, serious: 1, new: 1, late: 1 });
  });

  it('marks overdue and supervised cases', () => {
    const [f] = incidentFeatures([incident({ id: 'x', overdue: true, supervised: true })], NOW).features;
    expect(f!.properties.overdue).toBe(1);
    expect(f!.properties.supervised).toBe(1);
  });

  it('puts the worst last so that it is drawn on top', () => {
    const fc = incidentFeatures([incident({ id: 'hi', severity: 4 }), incident({ id: 'lo', severity: 1 }), incident({ id: 'mid', severity: 2 })], NOW);
    expect(fc.features.map((f) => f.properties.id)).toEqual(['lo', 'mid', 'hi']);
  });

  it('uses GeoJSON [lng, lat] order without any datum shift', () => {
    const [f] = incidentFeatures([incident({ id: 'x', location: { lng: 121.5432, lat: 29.8765 } })], NOW).features;
    expect(f!.geometry.coordinates).toEqual([121.5432, 29.8765]);
  });

  it('skips incidents without a usable position', () => {
    const fc = incidentFeatures([incident({ id: 'x', location: { lng: Number.NaN, lat: 29 } })], NOW);
    expect(fc.features).toHaveLength(0);
  });

  it('knows when the next "new" marker expires', () => {
    const list = [incident({ id: 'a', reportedAt: NOW - 60_000 }), incident({ id: 'b', reportedAt: NOW - 120_000 })];
    expect(nextNewExpiry(list, NOW)).toBe(NOW - 120_000 + NEW_FOR_MS);
    expect(nextNewExpiry([incident({ id: 'c', reportedAt: NOW - NEW_FOR_MS * 2 })], NOW)).toBeNull();
  });
});
