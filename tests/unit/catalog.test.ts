import { describe, expect, it } from 'vitest';
import { HubError } from '@shared/errors';
import { Catalog } from '@shared/schemas/catalog';
import { INCIDENT_SOURCES, STAGES } from '@shared/schemas/incident';
import {
  buildCatalog,
  defaultCatalog,
  knownCategories,
  parseCategoryTable,
  SHIPPED_CATEGORY_TABLE,
  slaPolicyFromTable,
  subcategoriesOf,
} from '../../server/domain/catalog';
import { defaultSlaPolicy } from '../../server/domain/lifecycle';
import { resolveLimit } from '../../server/domain/sla';

const NINE = ['dispute', 'safety_hazard', 'public_order', 'fire_safety', 'sanitation', 'municipal_facility', 'traffic', 'livelihood', 'rental_population'];
const H = 3_600_000;

describe('the shipped catalogue', () => {
  const catalog = defaultCatalog();

  it('has the nine classes of DOMAIN.md, named in Chinese and English', () => {
    expect(catalog.categories.map((c) => c.code)).toEqual(NINE);
    expect(catalog.categories.find((c) => c.code === 'dispute')).toEqual({ code: 'dispute', zh: '矛盾纠纷', en: 'Disputes' });
    expect(Catalog.safeParse(catalog).success).toBe(true);
  });

  it('labels every source, stage and severity', () => {
    expect(catalog.sources.map((s) => s.code)).toEqual([...INCIDENT_SOURCES]);
    expect(catalog.stages.map((s) => s.code)).toEqual([...STAGES]);
    expect(catalog.severities).toEqual([
      { code: '1', zh: '一般', en: 'General' },
      { code: '2', zh: '较大', en: 'Major' },
      { code: '3', zh: '重大', en: 'Serious' },
      { code: '4', zh: '特别重大', en: 'Especially serious' },
    ]);
    for (const e of [...catalog.sources, ...catalog.stages]) expect(e.zh.length * e.en.length).toBeGreaterThan(0);
  });

  it('carries MM-SS subcategory examples such as 01-02 exposed garbage', () => {
    expect(subcategoriesOf('sanitation')).toContainEqual({ code: '01-02', zh: '暴露垃圾', en: 'Exposed garbage' });
    for (const c of SHIPPED_CATEGORY_TABLE.categories) {
      for (const s of c.subcategories) expect(s.code).toMatch(/^\d{2}-\d{2}$/);
    }
    expect(subcategoriesOf('nothing')).toEqual([]);
  });

  it('is a valid table, also after a JSON round trip', () => {
    expect(parseCategoryTable(JSON.parse(JSON.stringify(SHIPPED_CATEGORY_TABLE)))).toEqual(SHIPPED_CATEGORY_TABLE);
  });

  it('backs the default SLA policy', () => {
    expect([...defaultSlaPolicy().categories.keys()]).toEqual(NINE);
    expect(knownCategories()).toEqual(new Set(NINE));
  });
});

describe('a deployment’s own table', () => {
  const own = {
    categories: [
      { code: 'city_appearance', zh: '市容环境', en: 'City appearance', subcategories: [{ code: '01-02', zh: '暴露垃圾', en: 'Exposed garbage', limits: { handling: { clock: 'working', amount: 3, unit: 'hours' } } }] },
      { code: 'street_order', zh: '街面秩序', en: 'Street order', limits: { handling: { clock: 'natural', amount: 90, unit: 'minutes' } } },
    ],
  };

  it('loads with the shipped default limits when it brings none', () => {
    const table = parseCategoryTable(own);
    expect(table.defaultLimits).toEqual(SHIPPED_CATEGORY_TABLE.defaultLimits);
    expect(table.categories[1]!.subcategories).toEqual([]);
    const policy = slaPolicyFromTable(table);
    expect(resolveLimit({ category: 'city_appearance', subcategory: '01-02', severity: 1 }, 'handling', policy)).toEqual({ clock: 'working', ms: 3 * H });
    expect(resolveLimit({ category: 'street_order', severity: 1 }, 'handling', policy)).toEqual({ clock: 'natural', ms: 1.5 * H });
    expect(buildCatalog(table).categories.map((c) => c.code)).toEqual(['city_appearance', 'street_order']);
  });

  it.each([
    ['a duplicate category', { categories: [own.categories[1], own.categories[1]] }, /street_order appears twice/],
    ['a bad code', { categories: [{ code: 'Street Order', zh: 'x', en: 'x' }] }, /categories\.0\.code/],
    ['a bad subcategory code', { categories: [{ code: 'x1', zh: 'x', en: 'x', subcategories: [{ code: '1-2', zh: 'y', en: 'y' }] }] }, /MM-SS/],
    ['an unknown clock', { categories: [{ code: 'x1', zh: 'x', en: 'x', limits: { handling: { clock: 'fast', amount: 1, unit: 'hours' } } }] }, /clock/],
    ['a negative limit', { categories: [{ code: 'x1', zh: 'x', en: 'x', limits: { handling: { clock: 'natural', amount: -1, unit: 'hours' } } }] }, /amount/],
    ['an unknown stage', { categories: [{ code: 'x1', zh: 'x', en: 'x', limits: { closed: { clock: 'natural', amount: 1, unit: 'hours' } } }] }, /limits/],
    ['no categories', { categories: [] }, /categories/],
    ['not an object', 'sanitation', /root/],
  ])('refuses %s with VALIDATION_FAILED', (_label, json, message) => {
    try {
      parseCategoryTable(json);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe('VALIDATION_FAILED');
      expect(`${(error as HubError).message} ${JSON.stringify((error as HubError).details)}`).toMatch(message);
    }
  });
});
