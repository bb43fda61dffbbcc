/**
 * The units cases are dispatched to (处置部门), and which classes of case each usually handles.
 * The default directory is the common layout of a Chinese district: its bureaus (城管执法局,
 * 环境卫生管理处, 公安分局 …) plus each street's own 综治中心. A deployment with its own roster
 * replaces it; the simulator dispatches to the same units so the console and the history agree.
 */
import type { Department } from '@shared/schemas/department';

export interface DepartmentKind {
  key: string;
  /** name after the district's name, e.g. 海曙区 + 城管执法局 */
  name: string;
  /** true for the street's own office, named after the street */
  street?: boolean;
}

export const DEPARTMENT_KINDS = {
  chengguan: { key: 'CGZF', name: '城管执法局' },
  huanwei: { key: 'HWC', name: '环境卫生管理处' },
  shizheng: { key: 'SZGY', name: '市政公用管理处' },
  zhujian: { key: 'ZJJ', name: '住建局' },
  shuiwu: { key: 'SWJ', name: '水务局' },
  jiaojing: { key: 'JJDD', name: '交警大队' },
  jiaotong: { key: 'JTJ', name: '交通运输局' },
  xiaofang: { key: 'XFJY', name: '消防救援大队' },
  yingji: { key: 'YJJ', name: '应急管理局' },
  gongan: { key: 'GAFJ', name: '公安分局' },
  huanjing: { key: 'STHJ', name: '生态环境分局' },
  shichang: { key: 'SCJG', name: '市场监管局' },
  minzheng: { key: 'MZJ', name: '民政局' },
  renshe: { key: 'RSJ', name: '人力社保局' },
  sifa: { key: 'SFJ', name: '司法局' },
  zongzhi: { key: 'ZZZX', name: '综治中心', street: true },
  gas: { key: 'RQGS', name: '燃气公司' },
} as const satisfies Record<string, DepartmentKind>;

export type DepartmentKindName = keyof typeof DEPARTMENT_KINDS;

/** which kinds of unit handle a category, with the share of cases each takes */
export const CATEGORY_HANDLERS: Readonly<Record<string, readonly (readonly [DepartmentKindName, number])[]>> = {
  dispute: [['zongzhi', 0.7], ['sifa', 0.3]],
  safety_hazard: [['yingji', 0.35], ['zhujian', 0.35], ['gas', 0.1], ['zongzhi', 0.2]],
  public_order: [['gongan', 0.85], ['zongzhi', 0.15]],
  fire_safety: [['xiaofang', 0.7], ['zongzhi', 0.3]],
  sanitation: [['chengguan', 0.55], ['huanwei', 0.35], ['huanjing', 0.1]],
  municipal_facility: [['shizheng', 0.6], ['zhujian', 0.2], ['shuiwu', 0.2]],
  traffic: [['jiaojing', 0.8], ['jiaotong', 0.2]],
  livelihood: [['minzheng', 0.4], ['renshe', 0.2], ['shichang', 0.2], ['zongzhi', 0.2]],
  rental_population: [['gongan', 0.4], ['zongzhi', 0.6]],
};
export const FALLBACK_HANDLERS: readonly (readonly [DepartmentKindName, number])[] = [['zongzhi', 1]];

export const departmentId = (regionCode: string, kind: DepartmentKind) => `D${regionCode}-${kind.key}`;

/** the categories each kind handles, from the table above */
function categoriesOf(kindName: DepartmentKindName): string[] {
  return Object.entries(CATEGORY_HANDLERS)
    .filter(([, handlers]) => handlers.some(([k]) => k === kindName))
    .map(([category]) => category);
}

/** the default directory for a district and its streets */
export function districtDepartments(district: { code: string; name: string }, streets: readonly { code: string; name: string }[]): Department[] {
  const out: Department[] = [];
  for (const [kindName, kind] of Object.entries(DEPARTMENT_KINDS) as [DepartmentKindName, DepartmentKind][]) {
    const categories = categoriesOf(kindName);
    if (kind.street) {
      for (const s of streets) out.push({ id: departmentId(s.code, kind), name: `${s.name}${kind.name}`, regionCode: s.code, categories });
    } else {
      out.push({ id: departmentId(district.code, kind), name: `${district.name}${kind.name}`, regionCode: district.code, categories });
    }
  }
  return out;
}
