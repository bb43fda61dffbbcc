/**
 * Case numbers of several hub nodes (server/hub/incidentIds.ts with `reserve`): taken from blocks
 * the database hands out, never counted on from what the node saw; numbers given back (a refused
 * change) are issued again by the same node, smallest first. The database's counter is modelled
 * here as the atomic row it is: each call gets the next block.
 */
import { describe, expect, it } from 'vitest';
import { IncidentIds } from '../../server/hub/incidentIds';

const at = Date.parse('2026-12-07T02:00:00Z'); // 10:00 at +08:00: day 20261207

function database() {
  const last = new Map<string, number>();
  const calls: string[] = [];
  return {
    calls,
    reserve: async (prefix: string, count: number) => {
      calls.push(prefix);
      const next = (last.get(prefix) ?? 0) + count;
      last.set(prefix, next);
      return next;
    },
  };
}

describe('case numbers from the database, a block at a time', () => {
  it('two nodes interleave blocks and never issue the same number; what a node saw does not move its numbers', async () => {
    const db = database();
    const a = new IncidentIds(480, db.reserve, 3);
    const b = new IncidentIds(480, db.reserve, 3);
    const issued: string[] = [];
    for (let i = 0; i < 5; i++) {
      for (const ids of [a, b]) {
        await ids.prepare(at, async () => null);
        issued.push(ids.next(at));
      }
    }
    a.seed(['E20261207-00999']); // another node's case installed here: no effect on the blocks
    await a.prepare(at, async () => null);
    issued.push(a.next(at));
    expect(new Set(issued).size).toBe(issued.length);
    expect(issued.slice(0, 4)).toEqual(['E20261207-00001', 'E20261207-00004', 'E20261207-00002', 'E20261207-00005']);
    expect(issued.at(-1)).toBe('E20261207-00009'); // the last of a's second block (7–9)
    expect(db.calls.length).toBe(4); // blocks of 3 for 11 numbers: a 1–3, b 4–6, a 7–9, b 10–12
  });

  it('numbers given back are issued again, smallest first, before the block goes on', async () => {
    const db = database();
    const ids = new IncidentIds(480, db.reserve, 4);
    await ids.prepare(at, async () => null);
    const first = ids.next(at);
    await ids.prepare(at, async () => null);
    const second = ids.next(at);
    ids.release([second, first]);
    await ids.prepare(at, async () => null);
    expect([ids.next(at), ids.next(at), ids.next(at)]).toEqual(['E20261207-00001', 'E20261207-00002', 'E20261207-00003']);
    expect(db.calls.length).toBe(1);
    expect(() => {
      ids.next(at);
      ids.next(at);
    }).toThrow(/prepare/);
  });
});
