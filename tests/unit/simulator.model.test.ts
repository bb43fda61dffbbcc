/**
 * The simulator's models over time: case plans through the closed loop, patrol movement and
 * shifts, the camera network's online rate. Pure and seeded; time is passed in, never read.
 */
import { describe, expect, it } from 'vitest';
import type { RegionWithGeometry } from '@shared/schemas/region';
import { STAGE_TRANSITIONS, isStageAction, defaultSlaPolicy } from '../../server/domain/lifecycle';
import { deadlineFor } from '../../server/domain/sla';
import { pointInMultiPolygon } from '../../server/domain/regions/pointInPolygon';
import { generateCity } from '../../server/geo/generateCity';
import { createRng } from '../../server/lib/rng';
import { operatorPool, VerifierIndex } from '../../server/feeds/simulator/actors';
import { CameraNetwork } from '../../server/feeds/simulator/cameraNetwork';
import { MinHeap } from '../../server/feeds/simulator/heap';
import { segmentInside } from '../../server/feeds/simulator/pathing';
import { PatrolFleet } from '../../server/feeds/simulator/patrolFleet';
import { planCase, type PlanStep, type PlanSubject } from '../../server/feeds/simulator/planner';
import { generateRoster } from '../../server/feeds/simulator/roster';
import { onShift, patrolTraits } from '../../server/feeds/simulator/traits';
import { buildWorld } from '../../server/feeds/simulator/world';
import type { Stage } from '@shared/schemas/incident';

const T0 = Date.UTC(2026, 10, 25, 2, 0); // Wed 2026-11-25 10:00 at +08:00
const MINUTE = 60_000;
let regions: RegionWithGeometry[] | undefined;
const world = () => buildWorld((regions ??= generateCity({ seed: 'unit', scale: 'district' })), 'seed-a');

describe('case plans', () => {
  const w = world();
  const { patrols } = generateRoster(w, T0);
  const policy = defaultSlaPolicy();
  const ctx = { policy, operators: operatorPool('seed-a'), verifiers: new VerifierIndex(patrols, (c) => w.byCode.get(c)?.streetCode) };
  const subject = (i: number, over: Partial<PlanSubject> = {}): PlanSubject => ({
    category: ['sanitation', 'dispute', 'traffic', 'public_order', 'municipal_facility'][i % 5]!,
    subcategory: null,
    severity: 1,
    fastTrack: false,
    source: i % 3 === 0 ? 'hotline' : 'patrol',
    grid: w.grids[i % w.grids.length]!,
    fate: 'normal',
    duplicateOfKey: null,
    ...over,
  });
  const fresh = { stage: 'reported' as const, enteredAt: T0, reworkCount: 0, assignee: null, supervised: false, pausedAt: null };
  const plans = Array.from({ length: 2_000 }, (_, i) => ({ s: subject(i), steps: planCase(subject(i), fresh, ctx, createRng(`plan-${i}`)) }));

  /** replays the stage actions and returns the stages visited, with the deadline each was left against */
  const walk = (s: PlanSubject, steps: PlanStep[]) => {
    let stage: Stage = 'reported';
    let entered = T0;
    let late = false;
    for (const step of steps) {
      if (!isStageAction(step.action)) continue;
      const t = STAGE_TRANSITIONS[step.action];
      expect(t.from).toContain(stage);
      if (stage !== 'closed' && stage !== 'rejected' && step.at > deadlineFor(s, stage as 'reported', entered, policy).dueAt) late = true;
      stage = t.to;
      entered = step.at;
    }
    return { stage, late };
  };

  it('take every case to closed through the legal transitions, in time order', () => {
    for (const { s, steps } of plans) {
      expect(walk(s, steps).stage).toBe('closed');
      for (let k = 1; k < steps.length; k++) expect(steps[k]!.at).toBeGreaterThanOrEqual(steps[k - 1]!.at);
      expect(steps[0]!.at).toBeGreaterThan(T0);
    }
  });

  it('never let the handler verify (separation of duties)', () => {
    for (const { steps } of plans) {
      const handler = steps.find((s) => s.action === 'dispatch')!.assignee!.id;
      for (const v of steps.filter((s) => s.action === 'verify_pass' || s.action === 'verify_fail')) expect(v.actor.id).not.toBe(handler);
      expect(steps.find((s) => s.action === 'accept')!.actor.id).toBe(handler);
    }
  });

  it('make about one case in six late in some stage, and send about 8 % back for rework', () => {
    const late = plans.filter(({ s, steps }) => walk(s, steps).late).length / plans.length;
    const rework = plans.filter(({ steps }) => steps.some((s) => s.action === 'verify_fail')).length / plans.length;
    expect(late).toBeGreaterThan(0.12);
    expect(late).toBeLessThan(0.24);
    expect(rework).toBeGreaterThan(0.05);
    expect(rework).toBeLessThan(0.11);
  });

  it('pause and resume the SLA of some hotline cases, in pairs, before feedback', () => {
    const paused = plans.filter(({ steps }) => steps.some((s) => s.action === 'pause_sla'));
    expect(paused.length).toBeGreaterThan(0);
    for (const { s, steps } of paused) {
      expect(s.source).toBe('hotline');
      const order = steps.map((x) => x.action);
      expect(order.indexOf('accept')).toBeLessThan(order.indexOf('pause_sla'));
      expect(order.indexOf('pause_sla')).toBeLessThan(order.indexOf('resume_sla'));
      expect(order.indexOf('resume_sla')).toBeLessThan(order.indexOf('feedback'));
    }
  });

  it('reject invalid reports and duplicates at registration', () => {
    const dup = planCase(subject(1, { fate: 'duplicate', duplicateOfKey: '1:0' }), fresh, ctx, createRng('dup'));
    expect(dup).toHaveLength(1);
    expect(dup[0]).toMatchObject({ action: 'reject', reason: 'duplicate', duplicateOfKey: '1:0' });
    const invalid = planCase(subject(1, { fate: 'invalid' }), fresh, ctx, createRng('inv'));
    expect(invalid[0]).toMatchObject({ action: 'reject', reason: 'invalid' });
  });

  it('handle fast-track cases quicker and supervise most serious ones', () => {
    const serious = Array.from({ length: 300 }, (_, i) => planCase(subject(i, { severity: 3, fastTrack: true }), fresh, ctx, createRng(`s-${i}`)));
    const closeTime = (steps: PlanStep[]) => steps.find((s) => s.action === 'close')!.at - T0;
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(serious.map(closeTime))).toBeLessThan(median(plans.slice(0, 300).map(({ steps }) => closeTime(steps))));
    expect(serious.filter((steps) => steps.some((s) => s.action === 'supervise')).length / serious.length).toBeGreaterThan(0.5);
  });

  it('continue an adopted case from its stage, resuming a paused clock first', () => {
    const handler = { id: 'D330203-CGZF', name: '海曙区城管执法局' };
    const steps = planCase(subject(2), { stage: 'handling', enteredAt: T0, reworkCount: 0, assignee: handler, supervised: false, pausedAt: T0 + MINUTE }, ctx, createRng('adopt'));
    expect(steps[0]!.action).toBe('resume_sla');
    expect(steps.map((s) => s.action)).toContain('feedback');
    expect(steps.find((s) => s.action === 'feedback')!.actor.id).toBe(handler.id);
  });
});

describe('patrols', () => {
  const w = world();
  const { patrols } = generateRoster(w, T0);

  it('walk paths that stay inside their grid polygon', () => {
    const fleet = new PatrolFleet(patrols, w, 'seed-a', 480, T0, createRng('walk'), () => null);
    const gridOf = new Map(patrols.map((p) => [p.id, w.byCode.get(p.gridCode)!]));
    let fixes = 0;
    const outside: string[] = [];
    for (let t = T0; t < T0 + 90 * MINUTE; t += 5_000) {
      for (const pos of fleet.tick(t).positions) {
        fixes++;
        if (!pointInMultiPolygon(pos.lng, pos.lat, gridOf.get(pos.patrolId)!.polygons)) outside.push(`${pos.patrolId} ${pos.lng},${pos.lat}`);
      }
    }
    expect(outside).toEqual([]);
    expect(fixes).toBeGreaterThan(patrols.length * 100);
  });

  it('move at walking or driving speed', () => {
    const fleet = new PatrolFleet(patrols, w, 'seed-a', 480, T0, createRng('speed'), () => null);
    const speeds: number[] = [];
    for (let t = T0; t < T0 + 20 * MINUTE; t += 5_000) for (const p of fleet.tick(t).positions) if (p.speed) speeds.push(p.speed);
    expect(speeds.reduce((a, b) => Math.max(a, b), 0)).toBeLessThanOrEqual(10.5);
    expect(speeds.filter((s) => s > 0.9 && s < 1.5).length).toBeGreaterThan(speeds.length / 2);
  });

  it('work day and night shifts, going off duty at the end of theirs', () => {
    const fleet = new PatrolFleet(patrols, w, 'seed-a', 480, T0, createRng('shift'), () => null);
    fleet.tick(T0);
    const day = fleet.counts();
    expect(day.on_duty + day.offline + day.responding).toBeGreaterThan(patrols.length * 0.6);
    const changes = fleet.tick(T0 + 12 * 60 * MINUTE).changes; // 22:00 local
    expect(changes.filter((c) => c.status === 'off_duty').length).toBeGreaterThan(patrols.length * 0.5);
    const night = fleet.counts();
    expect(night.off_duty).toBeGreaterThan(night.on_duty);
    const traits = patrolTraits('seed-a', patrols[0]!);
    expect(onShift(traits, T0, 480)).toBe(traits.shift === 'day');
  });

  it('send the nearest free patrol of the grid to a case, status responding', () => {
    const fleet = new PatrolFleet(patrols, w, 'seed-a', 480, T0, createRng('respond'), () => null);
    fleet.tick(T0);
    const grid = w.byCode.get(patrols[0]!.gridCode)!;
    const [lng, lat] = [patrols[0]!.lng ?? grid.bbox[0], patrols[0]!.lat ?? grid.bbox[1]];
    const id = fleet.respond(grid.code, lng, lat, T0 + 1000, T0 + 30 * MINUTE);
    expect(id).not.toBeNull();
    const changes = fleet.tick(T0 + 2000).changes;
    expect(changes).toContainEqual({ patrolId: id, status: 'responding', at: T0 + 2000 });
  });

  it('tick the same in slices of time as in one go (a 0 ms slice yields after every few patrols)', async () => {
    const whole = new PatrolFleet(patrols, w, 'seed-a', 480, T0, createRng('slices'), () => null);
    const sliced = new PatrolFleet(patrols, w, 'seed-a', 480, T0, createRng('slices'), () => null);
    const wholeNet = new CameraNetwork(generateRoster(w, T0).cameras, T0, createRng('slices'));
    const slicedNet = new CameraNetwork(generateRoster(w, T0).cameras, T0, createRng('slices'));
    for (let t = T0; t < T0 + 14 * 60 * MINUTE; t += 7 * MINUTE) {
      expect(await sliced.tickInSlices(t, 0)).toEqual(whole.tick(t));
      expect(await slicedNet.tickInSlices(t, 0)).toEqual(wholeNet.tick(t));
    }
  });

  it('accept a waypoint only when the straight segment stays inside', () => {
    const square = [[[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]] as [number, number][][][];
    expect(segmentInside([0.5, 0.5], [3.5, 0.5], square)).toBe(true);
    expect(segmentInside([0.5, 0.5], [3.5, 3.5], square)).toBe(false); // crosses the hole
  });
});

describe('camera network', () => {
  it('keeps the online rate near 94 % over days', () => {
    const { cameras } = generateRoster(world(), T0);
    const net = new CameraNetwork(cameras, T0, createRng('cams'));
    const rates: number[] = [];
    for (let t = T0; t < T0 + 3 * 86_400_000; t += 10 * MINUTE) {
      net.tick(t);
      rates.push(net.onlineRate());
    }
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    expect(mean).toBeGreaterThan(0.92);
    expect(mean).toBeLessThan(0.96);
    expect(Math.min(...rates)).toBeGreaterThan(0.85);
  });

  it('raises alarms only on online points and clears them later', () => {
    const { cameras } = generateRoster(world(), T0);
    const net = new CameraNetwork(cameras, T0, createRng('alarm'));
    const online = cameras.find((c) => net.isOnline(c.id))!;
    expect(net.raise(online.id, 'garbage', T0)).toMatchObject({ cameraId: online.id, alarm: { type: 'garbage', at: T0 } });
    const cleared = net.tick(T0 + 16 * MINUTE).filter((c) => c.cameraId === online.id);
    expect(cleared.some((c) => c.alarm === null)).toBe(true);
  });
});

describe('agenda', () => {
  it('pops in key order, first in first out on ties', () => {
    const heap = new MinHeap<string>();
    for (const [k, v] of [[5, 'e'], [1, 'a'], [3, 'c1'], [3, 'c2'], [2, 'b']] as const) heap.push(k, v);
    expect(heap.popUntil(3)).toEqual(['a', 'b', 'c1', 'c2']);
    expect(heap.size).toBe(1);
  });
});
