/**
 * The case projection's region index answers exactly what a scan of every record would, in the
 * same order, whatever sequence of reports, steps, moves, reloads and prunes came before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import { IncidentProjection, type LiveIncidentRecord } from '../../server/hub/incidentProjection';
import { baseIncident } from '../support/incident';

const PATHS = [
  ['330000', '330200', '330203', '330203001', '330203001001', '330203001001001'],
  ['330000', '330200', '330203', '330203002', '330203002001', '330203002001001'],
  ['330000', '330200', '330205', '330205001', '330205001001', '330205001001001'],
  ['330000', '330100', '330102', '330102001', '330102001001', '330102001001001'],
];
const CODES = [...new Set(PATHS.flat()), '990000'];

type Op =
  | { kind: 'apply'; id: number; path: number; closed: boolean; at: number }
  | { kind: 'load'; id: number; path: number; closed: boolean; at: number }
  | { kind: 'prune'; before: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('apply' as const, 'load' as const), id: fc.integer({ min: 0, max: 30 }), path: fc.integer({ min: 0, max: PATHS.length - 1 }), closed: fc.boolean(), at: fc.integer({ min: 0, max: 1000 }) }),
  fc.record({ kind: fc.constant('prune' as const), before: fc.integer({ min: 0, max: 1000 }) }),
);

function incident(id: number, path: number, closed: boolean, at: number): Incident {
  const regionPath = PATHS[path]!;
  return { ...baseIncident(at), id: `E20261206-${String(id).padStart(5, '0')}`, regionPath, gridCode: regionPath.at(-1)!, stage: closed ? 'closed' : 'reported', updatedAt: at };
}

function entry(i: Incident): IncidentLogEntry {
  return { seq: 1, incidentId: i.id, type: 'reported', from: null, to: i.stage, actor: { kind: 'system', id: 'test' }, at: i.updatedAt, note: null, data: null };
}

/** the region's records by a scan of every record, as the projection answered before its index */
function scan(all: LiveIncidentRecord[], code: string): string[] {
  return all.filter((r) => r.incident.regionPath.includes(code)).map((r) => r.incident.id);
}

describe('IncidentProjection.inRegion', () => {
  it('holds what a scan of every record finds, after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const p = new IncidentProjection();
        for (const o of ops) {
          if (o.kind === 'prune') p.prune(o.before);
          else if (o.kind === 'apply') {
            const i = incident(o.id, o.path, o.closed, o.at);
            p.apply(i, entry(i));
          } else {
            const i = incident(o.id, o.path, o.closed, o.at);
            p.load(i, [entry(i)]);
          }
        }
        const all = [...p.values()];
        for (const code of CODES) {
          expect(new Set(p.inRegion(code).map((r) => r.incident.id))).toEqual(new Set(scan(all, code)));
          expect(p.countInRegion(code)).toBe(scan(all, code).length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the order in which cases arrived (snapshots list them so)', () => {
    const p = new IncidentProjection();
    for (const [id, path] of [[3, 0], [1, 1], [2, 0], [5, 2]] as const) {
      const i = incident(id, path, false, 10);
      p.apply(i, entry(i));
    }
    expect(p.inRegion('330200').map((r) => r.incident.id.slice(-1))).toEqual(['3', '1', '2', '5']);
    expect(p.inRegion('330203').map((r) => r.incident.id.slice(-1))).toEqual(['3', '1', '2']);
  });

  it('moves a case whose place was corrected to its new region only', () => {
    const p = new IncidentProjection();
    const before = incident(7, 0, false, 10);
    p.apply(before, entry(before));
    const after = incident(7, 2, false, 20);
    p.apply(after, entry(after));
    expect(p.inRegion('330203')).toEqual([]);
    expect(p.inRegion('330205').map((r) => r.entries.length)).toEqual([2]);
    expect(p.inRegion('330200')).toHaveLength(1);
  });
});
