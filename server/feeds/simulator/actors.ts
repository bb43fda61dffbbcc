/**
 * Who works the cases: the centre's duty operators (register, dispatch, close, supervise), the
 * departments that handle them, and the supervisors who verify on site. Separation of duties
 * (监督与处置相分离) holds by construction: a case is handled by a department and verified by a
 * supervisor, never by the same actor.
 */
import type { Actor } from '@shared/schemas/common';
import type { Assignee } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import { createRng, type Rng } from '../../lib/rng';
import { personName } from './names';
import type { GridInfo } from './world';

interface DepartmentKind {
  key: string;
  /** name after the district's name, e.g. 海曙区 + 城管执法局 */
  name: string;
  /** true for the street's own office, named after the street */
  street?: boolean;
}

const KINDS = {
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

type KindName = keyof typeof KINDS;

/** which department handles a category, with weights */
const HANDLERS: Readonly<Record<string, readonly (readonly [KindName, number])[]>> = {
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
const FALLBACK: readonly (readonly [KindName, number])[] = [['zongzhi', 1]];

/** the department a case in `category` at `grid` is dispatched to */
export function departmentFor(category: string, grid: GridInfo, rng: Rng): Assignee {
  const options = HANDLERS[category] ?? FALLBACK;
  const kind = KINDS[rng.weighted(options.map(([k]) => k), options.map(([, w]) => w))] as DepartmentKind;
  if (kind.street) return { id: `D${grid.streetCode}-${kind.key}`, name: `${grid.streetName}${kind.name}` };
  return { id: `D${grid.districtCode}-${kind.key}`, name: `${grid.districtName}${kind.name}` };
}

/** the department's actor for its own steps (accept, feedback) */
export function departmentActor(assignee: Assignee): Actor {
  return { kind: 'department', id: assignee.id, name: assignee.name };
}

/** the centre's duty operators: four shifts of three, with stable ids and names */
export interface OperatorPool {
  all: readonly Actor[];
  /** an operator on duty at `at` (shifts of 6 hours) */
  onDuty(at: number, rng: Rng): Actor;
  /** a supervisor of the centre (督查), used when a grid has nobody to verify */
  inspector(rng: Rng): Actor;
}

const HOUR = 3_600_000;

export function operatorPool(seed: string, tzOffsetMinutes = 480): OperatorPool {
  const rng = createRng(`${seed}/operators`);
  const all: Actor[] = [];
  for (let i = 0; i < 12; i++) all.push({ kind: 'operator', id: `ZX${String(1001 + i * 7)}`, name: personName(rng) });
  const inspectors: Actor[] = [];
  for (let i = 0; i < 6; i++) inspectors.push({ kind: 'operator', id: `DC${String(2001 + i * 3)}`, name: `督查员${personName(rng)}` });
  return {
    all,
    onDuty(at, r) {
      const hour = Math.floor((at + tzOffsetMinutes * 60_000) / HOUR) % 24;
      const shift = Math.floor(hour / 6);
      return all[shift * 3 + r.int(0, 2)]!;
    },
    inspector: (r) => r.pick(inspectors),
  };
}

/** verifiers by grid: the grid's supervisor, else a supervisor of its street */
export class VerifierIndex {
  private readonly byGrid = new Map<string, Actor[]>();
  private readonly byStreet = new Map<string, Actor[]>();

  constructor(patrols: Iterable<Patrol>, streetOf: (gridCode: string) => string | undefined) {
    for (const p of patrols) {
      if (p.role !== 'supervisor' || p.kind !== 'worker') continue;
      const actor: Actor = { kind: 'patrol', id: p.id, name: p.name };
      push(this.byGrid, p.gridCode, actor);
      const street = streetOf(p.gridCode);
      if (street) push(this.byStreet, street, actor);
    }
  }

  /** a verifier for a case in the grid, never `handlerId`; null when the street has none */
  pick(gridCode: string, streetCode: string, handlerId: string | null, rng: Rng): Actor | null {
    const candidates = (this.byGrid.get(gridCode) ?? this.byStreet.get(streetCode) ?? []).filter((a) => a.id !== handlerId);
    return candidates.length > 0 ? rng.pick(candidates) : null;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
