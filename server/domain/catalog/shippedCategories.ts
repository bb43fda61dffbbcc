/**
 * The category table the hub ships with: the nine classes of DOMAIN.md, a few subcategories each
 * as examples, and their time limits. The `MM-SS` codes of city-appearance events and facility
 * parts follow the GB/T 30428.2 / CJ/T 214 layout (01-02 exposed garbage); the social-governance
 * classes have no national `MM-SS` codes, so their examples use a local extension branch (9x).
 * A deployment replaces all of this with its own table (see table.ts).
 */
import { natural, working } from '../sla/limits';
import { DEFAULT_STAGE_LIMITS } from './defaultLimits';
import type { CategoryTable } from './table';

export const SHIPPED_CATEGORY_TABLE: CategoryTable = {
  defaultLimits: DEFAULT_STAGE_LIMITS,
  categories: [
    {
      code: 'dispute',
      zh: '矛盾纠纷',
      en: 'Disputes',
      limits: { handling: working(5, 'days') },
      subcategories: [
        { code: '91-01', zh: '邻里纠纷', en: 'Neighbourhood dispute' },
        { code: '91-02', zh: '劳资纠纷', en: 'Wage dispute' },
      ],
    },
    {
      code: 'safety_hazard',
      zh: '安全隐患',
      en: 'Safety hazards',
      limits: { handling: working(1, 'days') },
      subcategories: [
        { code: '92-01', zh: '燃气安全隐患', en: 'Gas safety hazard', limits: { handling: natural(4, 'hours') } },
        { code: '92-02', zh: '房屋安全隐患', en: 'Unsafe building' },
      ],
    },
    {
      // Public order does not wait for office hours: the whole class runs on the natural clock.
      code: 'public_order',
      zh: '社会治安',
      en: 'Public order',
      limits: {
        reported: natural(30, 'minutes'),
        registered: natural(30, 'minutes'),
        dispatched: natural(30, 'minutes'),
        handling: natural(12, 'hours'),
      },
      subcategories: [{ code: '93-01', zh: '聚集滋事', en: 'Disorderly gathering' }],
    },
    {
      code: 'fire_safety',
      zh: '消防安全',
      en: 'Fire safety',
      limits: { handling: working(1, 'days') },
      subcategories: [
        { code: '94-01', zh: '消防通道堵塞', en: 'Blocked fire lane', limits: { handling: working(4, 'hours') } },
        { code: '94-02', zh: '电动车违规充电', en: 'Unsafe e-bike charging' },
      ],
    },
    {
      code: 'sanitation',
      zh: '环境卫生',
      en: 'Environment and sanitation',
      limits: { handling: working(1, 'days') },
      subcategories: [
        { code: '01-01', zh: '私搭乱建', en: 'Illegal building', limits: { handling: working(20, 'days') } },
        { code: '01-02', zh: '暴露垃圾', en: 'Exposed garbage', limits: { handling: working(4, 'hours') } },
        { code: '01-04', zh: '道路不洁', en: 'Road not clean', limits: { handling: working(2, 'hours') } },
      ],
    },
    {
      code: 'municipal_facility',
      zh: '市政设施',
      en: 'Municipal facilities',
      limits: { handling: working(2, 'days') },
      subcategories: [
        { code: '01-01', zh: '上水井盖', en: 'Water-supply manhole cover', limits: { handling: working(4, 'hours') } },
        { code: '01-02', zh: '污水井盖', en: 'Sewer manhole cover', limits: { handling: working(4, 'hours') } },
      ],
    },
    {
      code: 'traffic',
      zh: '交通',
      en: 'Traffic',
      limits: { handling: working(1, 'days') },
      subcategories: [{ code: '03-05', zh: '机动车乱停放', en: 'Illegal parking', limits: { handling: working(2, 'hours') } }],
    },
    {
      code: 'livelihood',
      zh: '民生服务',
      en: 'Livelihood services',
      limits: { handling: working(5, 'days') },
      subcategories: [{ code: '95-01', zh: '困难群众帮扶', en: 'Help for people in hardship' }],
    },
    {
      code: 'rental_population',
      zh: '出租房屋/流动人口',
      en: 'Rental housing and floating population',
      limits: { handling: working(5, 'days') },
      subcategories: [
        { code: '96-01', zh: '出租房屋未登记', en: 'Unregistered rental' },
        { code: '96-02', zh: '流动人口未申报', en: 'Unregistered resident' },
      ],
    },
  ],
};
