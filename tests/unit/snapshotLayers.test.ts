/**
 * The layered snapshot's pure parts: when a layer is summarised, which cases a summarised layer
 * still carries, which regions are listed, heat binning, and the counts per area — each checked
 * against a recomputation written here from the inputs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Incident } from '@shared/schemas/incident';
import { HEAT_STRIDE } from '@shared/schemas/live';
import { generateCity } from '../../server/geo/generateCity';
import { baseIncident } from '../support/incident';
import { createGeoContext } from '../../server/hub/createGeoContext';
import { RosterTally } from '../../server/hub/rosterTally';
import type { Camera } from '@shared/schemas/camera';
import type { Patrol } from '@shared/schemas/patrol';
import {
  areaSummaries,
  chooseDetail,
  DETAIL_DRIFT,
  detailDrifted,
  gridsPerChild,
  heatPoints,
  ITEMS_CEILING,
  notableIncidents,
  regionsWithin,
  sameDetail,
} from '../../server/hub/snapshotLayers';

const geo = createGeoContext(generateCity({ seed: 'unit', scale: 'district' }));
const district = geo.children(geo.rootCode)[0]!;
const grids = geo.descendants(geo.rootCode).filter((r) => r.level === 'grid');
const budget = { items: 100, incidents: 100, grids: 50, regions: 40, heat: 30, notable: 10, largeCases: 1000, sharedMs: 2000 };

/** the shared test incident, in one of this geography's grids, open and registered */
function incident(id: string, over: Partial<Incident> = {}): Incident {
  const grid = over.gridCode ?? grids[0]!.code;
  return { ...baseIncident(1_000), id, location: { lng: 121.5, lat: 29.8 }, gridCode: grid, regionPath: geo.path(grid), stage: 'registered', stageEnteredAt: {}, ...over };
}

describe('chooseDetail', () => {
  it('summarises exactly the layers above the budget', () => {
    expect(chooseDetail({ incidents: 100, patrols: 101, cameras: 0, grids: 51 }, budget)).toEqual({
      incidents: 'items',
      patrols: 'summary',
      cameras: 'items',
      grids: 'summary',
    });
  });

  it('lifts the budget to the ceiling for the layers a client needs in full, and no further', () => {
    expect(chooseDetail({ incidents: 5_000, patrols: 5_000, cameras: 0, grids: 0 }, budget, ['incidents']).incidents).toBe('items');
    expect(chooseDetail({ incidents: 5_000, patrols: 5_000, cameras: 0, grids: 0 }, budget, ['incidents']).patrols).toBe('summary');
    expect(chooseDetail({ incidents: ITEMS_CEILING + 1, patrols: 0, cameras: 0, grids: 0 }, budget, ['incidents']).incidents).toBe('summary');
  });

  it('resumes only into the detail the client holds; a client that names none holds items', () => {
    const all = { incidents: 'items', patrols: 'items', cameras: 'items', grids: 'items' } as const;
    const some = { ...all, patrols: 'summary' } as const;
    expect(sameDetail(undefined, all)).toBe(true);
    expect(sameDetail(undefined, some)).toBe(false);
    expect(sameDetail(some, some)).toBe(true);
    expect(sameDetail(all, some)).toBe(false);
    expect(sameDetail({ incidents: 'items' }, all)).toBe(true);
  });
});

describe('notableIncidents', () => {
  const open = (i: Incident) => i.stage !== 'closed' && i.stage !== 'rejected';

  it('keeps the serious, overdue and supervised open cases first, then the latest changed', () => {
    const list = [
      incident('minor-old', { updatedAt: 1 }),
      incident('minor-new', { updatedAt: 9 }),
      incident('serious', { severity: 4, reportedAt: 5 }),
      incident('overdue', { overdue: true, reportedAt: 4 }),
      incident('supervised', { supervised: true, reportedAt: 3 }),
      incident('serious-closed', { severity: 4, stage: 'closed', updatedAt: 2 }),
    ];
    expect(notableIncidents(list, open, 4).map((i) => i.id).sort()).toEqual(['minor-new', 'overdue', 'serious', 'supervised']);
    expect(notableIncidents(list, open, 2).map((i) => i.id).sort()).toEqual(['overdue', 'serious']);
  });

  it('never sends more than the cap, and everything when fewer', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ severity: fc.integer({ min: 1, max: 4 }), overdue: fc.boolean(), at: fc.nat(1000) }), { maxLength: 60 }), fc.integer({ min: 0, max: 70 }), (rows, cap) => {
        const list = rows.map((r, k) => incident(`E${k}`, { severity: r.severity as Incident['severity'], overdue: r.overdue, reportedAt: r.at, updatedAt: r.at }));
        const out = notableIncidents(list, open, cap);
        expect(out.length).toBe(Math.min(cap, list.length));
        expect(new Set(out.map((i) => i.id)).size).toBe(out.length);
        // no notable case is left out while a plain one is taken
        const urgent = (i: Incident) => i.severity >= 3 || i.overdue;
        if (out.some((i) => !urgent(i))) expect(out.filter(urgent).length).toBe(list.filter(urgent).length);
      }),
    );
  });
});

describe('regionsWithin', () => {
  it('lists the path and whole levels below while they fit, plus the paths of extra codes', () => {
    const below = (code: string) => geo.descendants(code);
    const list = regionsWithin(geo, geo.rootCode, 40, [grids[7]!.code]);
    const codes = new Set(list.map((r) => r.code));
    const levels = new Map<string, number>();
    for (const r of below(geo.rootCode)) levels.set(r.level, (levels.get(r.level) ?? 0) + 1);
    // whole levels only: every level listed is complete, apart from the extra grid's path
    const extra = new Set(geo.path(grids[7]!.code));
    for (const r of list) {
      if (extra.has(r.code) || r.code === geo.rootCode) continue;
      const sameLevel = below(geo.rootCode).filter((x) => x.level === r.level);
      expect(sameLevel.every((x) => codes.has(x.code))).toBe(true);
    }
    expect(list.length - extra.size).toBeLessThanOrEqual(40);
    for (const c of extra) expect(codes.has(c)).toBe(true);
    expect(codes.has(geo.rootCode)).toBe(true);
  });

  it('a large budget lists every descendant', () => {
    expect(regionsWithin(geo, district.code, 1e9).length).toBe(geo.path(district.code).length + geo.descendants(district.code).length);
  });
});

describe('heatPoints', () => {
  const bbox = [121.4, 29.7, 121.7, 29.95] as const;
  const day = (at: number) => Math.floor(at / 86_400_000);

  it('one point per incident while they fit', () => {
    const out = heatPoints([incident('a', { severity: 3, reportedAt: 7 }).location].map(() => incident('a', { severity: 3, reportedAt: 7 })), bbox, 30, day);
    expect(out).toEqual([121.5, 29.8, 3, 7, 1]);
  });

  it('binned beyond the budget: within it, every incident counted once, days and severities apart', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ lng: fc.double({ min: 121.4, max: 121.7, noNaN: true }), lat: fc.double({ min: 29.7, max: 29.95, noNaN: true }), sev: fc.integer({ min: 1, max: 4 }), at: fc.integer({ min: 0, max: 7 * 86_400_000 }) }),
          { minLength: 31, maxLength: 400 },
        ),
        (rows) => {
          const list = rows.map((r) => ({ location: { lng: r.lng, lat: r.lat }, severity: r.sev as Incident['severity'], reportedAt: r.at }));
          const out = heatPoints(list, bbox, 30, day);
          expect(out.length % HEAT_STRIDE).toBe(0);
          expect(out.length / HEAT_STRIDE).toBeLessThanOrEqual(30);
          let total = 0;
          const perDaySeverity = new Map<string, number>();
          for (let k = 0; k < out.length; k += HEAT_STRIDE) {
            total += out[k + 4]!;
            const key = `${day(out[k + 3]!)}:${out[k + 2]}`;
            perDaySeverity.set(key, (perDaySeverity.get(key) ?? 0) + out[k + 4]!);
          }
          expect(total).toBe(rows.length);
          const expected = new Map<string, number>();
          for (const r of rows) expected.set(`${day(r.at)}:${r.sev}`, (expected.get(`${day(r.at)}:${r.sev}`) ?? 0) + 1);
          expect(perDaySeverity).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('areaSummaries', () => {
  it('counts each child area as a recomputation from the paths does', () => {
    const root = geo.rootCode;
    const children = geo.children(root);
    const sample = grids.filter((_, k) => k % 7 === 0);
    const open = sample.map((g, k) =>
      incident(`E${k}`, { gridCode: g.code, regionPath: geo.path(g.code), severity: ((k % 4) + 1) as Incident['severity'], overdue: k % 5 === 0 }),
    );
    const statuses = ['on_duty', 'responding', 'off_duty', 'offline'] as const;
    const patrols = sample.map((g, k) => ({ gridCode: g.code, status: statuses[k % 4]! }));
    const cameras = sample.map((g, k) => ({ gridCode: g.code, status: (k % 3 === 0 ? 'offline' : 'online') as 'offline' | 'online', alarm: k % 6 === 0 ? ({ type: 'crowd', at: 1 } as never) : null }));
    const risk = Object.fromEntries(sample.slice(0, 20).map((g, k) => [g.code, ((k % 4) + 1) as 1 | 2 | 3 | 4]));
    const tally = new RosterTally(geo);
    for (const p of patrols) tally.patrol(undefined, p as unknown as Patrol);
    for (const c of cameras) tally.camera(undefined, c as unknown as Camera);
    const areas = areaSummaries({ geo, code: root, openIncidents: open, unitsOf: (child) => tally.figures(child), risk, gridsPerChild: gridsPerChild(geo, root) });

    expect(areas.map((a) => a.code)).toEqual(children.map((c) => c.code));
    for (const a of areas) {
      const inside = (grid: string) => geo.path(grid).includes(a.code);
      const mine = open.filter((i) => inside(i.gridCode));
      expect(a.open).toBe(mine.length);
      expect(a.overdue).toBe(mine.filter((i) => i.overdue).length);
      expect(a.serious).toBe(mine.filter((i) => i.severity >= 3).length);
      expect(a.worst).toBe(mine.reduce((m, i) => Math.max(m, i.severity), 0));
      const ps = patrols.filter((p) => inside(p.gridCode));
      expect([a.patrols, a.onDuty, a.responding]).toEqual([ps.length, ps.filter((p) => p.status === 'on_duty' || p.status === 'responding').length, ps.filter((p) => p.status === 'responding').length]);
      const cs = cameras.filter((c) => inside(c.gridCode));
      expect([a.cameras, a.camerasOffline, a.camerasAlarm]).toEqual([cs.length, cs.filter((c) => c.status !== 'online').length, cs.filter((c) => c.alarm).length]);
      const gridsInside = grids.filter((g) => inside(g.code));
      const levels = [0, 0, 0, 0, 0];
      for (const g of gridsInside) levels[(risk[g.code] as number | undefined) ?? 0]!++;
      expect(a.risk).toEqual(levels);
    }
  });

  it('a grid has no areas', () => {
    expect(areaSummaries({ geo, code: grids[0]!.code, openIncidents: [], unitsOf: (child) => new RosterTally(geo).figures(child), risk: {}, gridsPerChild: [] })).toEqual([]);
  });
});

describe('detail drift', () => {
  it('asks for a fresh snapshot only a quarter past the limit either way, so a region at the edge never flaps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 0, max: 20_000 }), (limit, count) => {
        // what a fresh snapshot would hold now, and whether a client holding the other detail is asked
        const fresh = count <= limit ? 'items' : 'summary';
        expect(detailDrifted('items', count, limit)).toBe(count > limit * DETAIL_DRIFT);
        expect(detailDrifted('summary', count, limit)).toBe(count < limit / DETAIL_DRIFT);
        // a client just given a fresh snapshot is never asked again at the same count
        expect(detailDrifted(fresh, count, limit)).toBe(false);
      }),
    );
    expect(detailDrifted('items', 125, 100)).toBe(false);
    expect(detailDrifted('items', 126, 100)).toBe(true);
    expect(detailDrifted('summary', 80, 100)).toBe(false);
    expect(detailDrifted('summary', 79, 100)).toBe(true);
  });
});
