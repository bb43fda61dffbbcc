/**
 * Who works the cases: the centre's duty operators (register, dispatch, close, supervise), the
 * departments that handle them, and the supervisors who verify on site. Separation of duties
 * (监督与处置相分离) holds by construction: a case is handled by a department and verified by a
 * supervisor, never by the same actor.
 */
import type { Actor } from '@shared/schemas/common';
import type { Assignee } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import { CATEGORY_HANDLERS, DEPARTMENT_KINDS, departmentId, FALLBACK_HANDLERS, type DepartmentKind } from '../../domain/departments/directory';
import { createRng, type Rng } from '../../lib/rng';
import { personName } from './names';
import type { GridInfo } from './world';

/** the department a case in `category` at `grid` is dispatched to */
export function departmentFor(category: string, grid: GridInfo, rng: Rng): Assignee {
  const options = CATEGORY_HANDLERS[category] ?? FALLBACK_HANDLERS;
  const kind: DepartmentKind = DEPARTMENT_KINDS[rng.weighted(options.map(([k]) => k), options.map(([, w]) => w))];
  if (kind.street) return { id: departmentId(grid.streetCode, kind), name: `${grid.streetName}${kind.name}` };
  return { id: departmentId(grid.districtCode, kind), name: `${grid.districtName}${kind.name}` };
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
