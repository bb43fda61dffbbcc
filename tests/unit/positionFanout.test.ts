import { describe, expect, it } from 'vitest';
import { decodePositionsFrame } from '@shared/binary/positionsFrame';
import type { Patrol } from '@shared/schemas/patrol';
import { PositionTracker } from '../../server/hub/positionTracker';
import { PatrolPlaces } from '../../server/hub/patrolPlaces';
import { MAX_POSITIONS_PER_FRAME, parsePositionsRoom, PositionFanout, positionsRoomOf, rateClass, type RegionCrossings } from '../../server/transport/socket/positionFanout';

const NOW = Date.UTC(2026, 10, 25, 2, 0, 0);

/** a tree: city C → districts D1, D2, D3 → grids G1 (in D1), G2 (in D2), G3 (in D3) */
const PATHS: Record<string, string[]> = {
  C: ['C'],
  D1: ['C', 'D1'],
  D2: ['C', 'D2'],
  D3: ['C', 'D3'],
  G1: ['C', 'D1', 'G1'],
  G2: ['C', 'D2', 'G2'],
  G3: ['C', 'D3', 'G3'],
};
/** the tree's depth-first numbering: each region's run [start, end) */
const SPANS: Record<string, [number, number]> = { C: [0, 7], D1: [1, 3], G1: [2, 3], D2: [3, 5], G2: [4, 5], D3: [5, 7], G3: [6, 7] };
/** each grid is a band of longitude one degree wide: G1 from 121°, G2 from 122°, G3 from 123° */
const GRIDS = ['G1', 'G2', 'G3'] as const;
const bandOf = (grid: string) => 121 + GRIDS.indexOf(grid as (typeof GRIDS)[number]);
const placesGeo = {
  locate: (lng: number) => GRIDS[Math.floor(lng) - 121] ?? null,
  span: (code: string) => SPANS[code] ?? ([0, 0] as [number, number]),
};

function world(n = 6, indexed = false) {
  // even idx in G1, odd in G2
  const patrolsByIdx = Array.from({ length: n }, (_, idx) => ({ idx, gridCode: idx % 2 ? 'G2' : 'G1', status: 'on_duty' }) as Patrol);
  const positions = new PositionTracker(n);
  const places = new PatrolPlaces(placesGeo, positions, () => patrolsByIdx);
  let clock = NOW;
  const source = {
    positions,
    patrolsByIdx,
    geo: { path: (code: string) => PATHS[code] ?? [], isWithin: (code: string, a: string) => (PATHS[code] ?? []).includes(a) },
    now: () => clock,
    places,
    // an index answers a region's patrols in its own order (here: backwards), not by place
    ...(indexed ? { patrolIdxsIn: (code: string) => patrolsByIdx.filter((p) => (PATHS[p.gridCode] ?? []).includes(code)).map((p) => p.idx).reverse() } : {}),
  };
  const sent: { room: string; frame: ReturnType<typeof decodePositionsFrame> }[] = [];
  const crossed: { room: string; crossing: RegionCrossings }[] = [];
  const fanout = new PositionFanout(
    source,
    (room, frames) => {
      for (const frame of frames) sent.push({ room, frame: decodePositionsFrame(frame) });
      return 1;
    },
    undefined,
    (room, crossing) => crossed.push({ room, crossing: structuredClone(crossing) }),
  );
  /** a fix in the patrol's own grid */
  const move = (idx: number, dt = 0) => positions.update(idx, bandOf(patrolsByIdx[idx]!.gridCode) + 0.5 + idx / 1000, 29.8, (clock += 10) + dt);
  /** a fix in another grid (or outside every grid: null) */
  const moveTo = (idx: number, grid: string | null) => positions.update(idx, (grid ? bandOf(grid) : 130) + 0.5 + idx / 1000, 29.8, (clock += 10));
  const take = () => sent.splice(0);
  const takeCrossed = () => crossed.splice(0);
  return { fanout, move, moveTo, take, takeCrossed, patrolsByIdx, places };
}

describe('rate classes', () => {
  it('round min up and max down to whole ticks, never below one tick', () => {
    expect(rateClass(undefined, 250)).toEqual({ minTicks: 1, maxTicks: 120 });
    expect(rateClass({ minIntervalMs: 1000, maxIntervalMs: 5000 }, 250)).toEqual({ minTicks: 4, maxTicks: 20 });
    expect(rateClass({ minIntervalMs: 300 }, 250)).toEqual({ minTicks: 2, maxTicks: 120 });
    expect(rateClass({ minIntervalMs: 100, maxIntervalMs: 1000 }, 1000)).toEqual({ minTicks: 1, maxTicks: 1 });
    expect(rateClass({ minIntervalMs: 60_000 }, 250)).toEqual({ minTicks: 240, maxTicks: 240 });
  });

  it('rooms name region and class, and read back', () => {
    const room = positionsRoomOf('330203', { minTicks: 4, maxTicks: 20 });
    expect(parsePositionsRoom(room)).toEqual({ regionCode: '330203', minTicks: 4, maxTicks: 20 });
    expect(parsePositionsRoom('330203|patrols')).toBeNull();
    expect(parsePositionsRoom('positions:x:0:1')).toBeNull();
  });
});

describe('position fan-out', () => {
  it('a complete frame read from the region index is the frame a scan of the roster gives', () => {
    const scan = world(9);
    const indexed = world(9, true);
    for (const idx of [0, 3, 4, 7, 8]) {
      scan.move(idx);
      indexed.move(idx);
    }
    for (const region of ['C', 'D1', 'D2', 'G2']) {
      const a = scan.fanout.completeFrames(region).map((f) => decodePositionsFrame(f.buffer));
      const b = indexed.fanout.completeFrames(region).map((f) => decodePositionsFrame(f.buffer));
      expect(b).toEqual(a);
    }
    expect(indexed.fanout.completeFrames('D1').length).toBe(1);
  });

  it('sends each group only its region, coalesced to the latest fix per patrol', () => {
    const { fanout, move, take } = world();
    fanout.addRoom(positionsRoomOf('D1', { minTicks: 1, maxTicks: 100 }));
    fanout.addRoom(positionsRoomOf('C', { minTicks: 1, maxTicks: 100 }));
    fanout.addRoom('some-socket-id'); // not a positions room: ignored
    move(0);
    move(1);
    move(0);
    fanout.run();
    const sent = take();
    const d1 = sent.find((s) => s.room.includes(':D1:'))!.frame.positions;
    const c = sent.find((s) => s.room.includes(':C:'))!.frame.positions;
    expect(d1.map((p) => p.idx)).toEqual([0]);
    expect(c.map((p) => p.idx).sort()).toEqual([0, 1]);
    expect(d1[0]!.at).toBe(NOW + 30); // the latest of patrol 0's two fixes, to the millisecond
  });

  it('a slower group gets one frame with what moved over its interval, a faster one a frame per tick', () => {
    const { fanout, move, take } = world();
    const fast = positionsRoomOf('C', { minTicks: 1, maxTicks: 100 });
    const slow = positionsRoomOf('C', { minTicks: 4, maxTicks: 100 });
    fanout.addRoom(fast);
    fanout.addRoom(slow);
    const perTick: number[][] = [];
    for (let t = 0; t < 8; t++) {
      move(t % 6);
      fanout.run();
      perTick.push(take().map((s) => (s.room === slow ? 2 : 1)));
    }
    expect(perTick.flat().filter((x) => x === 1)).toHaveLength(8);
    expect(perTick.flat().filter((x) => x === 2)).toHaveLength(2);
    expect(perTick[3]).toContain(2);
    expect(perTick[7]).toContain(2);
  });

  it('the slow group’s frame holds every patrol that moved since its last one, once', () => {
    const { fanout, move, take } = world();
    const slow = positionsRoomOf('C', { minTicks: 3, maxTicks: 100 });
    fanout.addRoom(slow);
    for (const idx of [0, 1, 0]) {
      move(idx);
      fanout.run();
    }
    const frames = take().filter((s) => s.room === slow);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.frame.positions.map((p) => p.idx).sort()).toEqual([0, 1]);
  });

  it('sends nothing when nothing moved, then a complete frame at the max interval', () => {
    const { fanout, move, take } = world();
    const room = positionsRoomOf('D2', { minTicks: 1, maxTicks: 3 });
    move(1);
    move(3);
    fanout.addRoom(room);
    fanout.run(); // the moves before the group existed are bucketed on this tick
    expect(take()).toHaveLength(1);
    fanout.run();
    fanout.run();
    expect(take()).toHaveLength(0);
    fanout.run();
    const [beat] = take();
    expect(beat!.frame.complete).toBe(true);
    expect(beat!.frame.positions.map((p) => p.idx).sort()).toEqual([1, 3]);
    // moves keep it from repeating the heartbeat
    fanout.run();
    move(5);
    fanout.run();
    const next = take();
    expect(next).toHaveLength(1);
    expect(next[0]!.frame.complete).toBe(false);
  });

  it('a group whose region has no fix yet sends no heartbeat', () => {
    const { fanout, take } = world();
    fanout.addRoom(positionsRoomOf('G1', { minTicks: 1, maxTicks: 2 }));
    for (let t = 0; t < 5; t++) fanout.run();
    expect(take()).toHaveLength(0);
  });

  it('a removed room is sent nothing more; its region stops being bucketed', () => {
    const { fanout, move, take } = world();
    const room = positionsRoomOf('D1', { minTicks: 1, maxTicks: 100 });
    fanout.addRoom(room);
    fanout.removeRoom(room);
    expect(fanout.groupCount).toBe(0);
    move(0);
    fanout.run();
    expect(take()).toHaveLength(0);
  });

  it('leaves out patrols that left the roster', () => {
    const { fanout, move, take, patrolsByIdx } = world();
    fanout.addRoom(positionsRoomOf('C', { minTicks: 1, maxTicks: 100 }));
    move(0);
    move(2);
    delete (patrolsByIdx as (Patrol | undefined)[])[2];
    fanout.rosterChanged();
    fanout.run();
    expect(take()[0]!.frame.positions.map((p) => p.idx)).toEqual([0]);
  });

  it('counts deliveries and bytes per recipient', () => {
    const { fanout, move } = world();
    fanout.addRoom(positionsRoomOf('C', { minTicks: 1, maxTicks: 100 }));
    move(0);
    move(1);
    fanout.run();
    expect(fanout.totals).toMatchObject({ frames: 1, deliveries: 2, bytes: 20 + 2 * 17 });
  });

  it('splits a tick’s positions into frames of at most MAX_POSITIONS_PER_FRAME (never deflated per socket)', () => {
    const n = MAX_POSITIONS_PER_FRAME + 3;
    const { fanout, move, take } = world(n);
    fanout.addRoom(positionsRoomOf('C', { minTicks: 1, maxTicks: 100 }));
    for (let idx = 0; idx < n; idx++) move(idx);
    fanout.run();
    const frames = take().map((s) => s.frame);
    expect(frames.map((f) => f.positions.length)).toEqual([MAX_POSITIONS_PER_FRAME, 3]);
    expect(new Set(frames.flatMap((f) => f.positions.map((p) => p.idx))).size).toBe(n);
    expect(frames[0]!.tick).toBe(frames[1]!.tick);
    expect(20 + 17 * MAX_POSITIONS_PER_FRAME).toBeLessThan(256 * 1024);
  });
});

describe('positions where patrols stand (issue 17 part 4)', () => {
  const rate = { minTicks: 1, maxTicks: 100 };
  const idxsOf = (sent: { room: string; frame: { positions: { idx: number }[] } }[], region: string) =>
    sent.filter((s) => s.room === positionsRoomOf(region, rate)).flatMap((s) => s.frame.positions.map((p) => p.idx));

  it('a patrol standing in a sibling region reaches that region’s walls and its home’s, not a third’s', () => {
    const { fanout, moveTo, take, takeCrossed } = world();
    for (const region of ['C', 'D1', 'D2', 'D3']) fanout.addRoom(positionsRoomOf(region, rate));
    moveTo(0, 'G2'); // patrol 0 is rostered in G1 (D1)
    fanout.run();
    const sent = take();
    expect(idxsOf(sent, 'D2')).toEqual([0]);
    expect(idxsOf(sent, 'D1')).toEqual([0]);
    expect(idxsOf(sent, 'C')).toEqual([0]); // once, though it is on both paths
    expect(idxsOf(sent, 'D3')).toEqual([]);
    // only the visited region is told: before its first frame, with the patrol
    expect(takeCrossed()).toEqual([{ room: positionsRoomOf('D2', rate), crossing: { regionCode: 'D2', entered: [0], left: [] } }]);
  });

  it('moving back: the visited region is told it left and gets no more of its fixes; home keeps it', () => {
    const { fanout, move, moveTo, take, takeCrossed } = world();
    for (const region of ['D1', 'D2']) fanout.addRoom(positionsRoomOf(region, rate));
    moveTo(0, 'G2');
    fanout.run();
    take();
    takeCrossed();
    move(0); // back in G1
    fanout.run();
    expect(takeCrossed()).toEqual([{ room: positionsRoomOf('D2', rate), crossing: { regionCode: 'D2', entered: [], left: [0] } }]);
    const sent = take();
    expect(idxsOf(sent, 'D2')).toEqual([]);
    expect(idxsOf(sent, 'D1')).toEqual([0]);
    move(0);
    fanout.run();
    expect(idxsOf(take(), 'D2')).toEqual([]);
    expect(fanout.completeFrames('D2')).toEqual([]);
  });

  it('a patrol of the region that stands outside it stays on its walls, and the region is told nothing', () => {
    const { fanout, moveTo, take, takeCrossed } = world();
    fanout.addRoom(positionsRoomOf('G2', rate));
    moveTo(1, 'G3'); // patrol 1 is rostered in G2
    fanout.run();
    expect(idxsOf(take(), 'G2')).toEqual([1]);
    expect(takeCrossed()).toEqual([]);
    expect(fanout.completeFrames('G2').flatMap((f) => decodePositionsFrame(f.buffer).positions.map((p) => p.idx))).toEqual([1]);
  });

  it('a fix outside every grid stands nowhere: only the home region shows it', () => {
    const { fanout, moveTo, take, takeCrossed, places } = world();
    for (const region of ['D1', 'D2', 'D3']) fanout.addRoom(positionsRoomOf(region, rate));
    moveTo(0, null);
    fanout.run();
    const sent = take();
    expect(idxsOf(sent, 'D1')).toEqual([0]);
    expect([...idxsOf(sent, 'D2'), ...idxsOf(sent, 'D3')]).toEqual([]);
    expect(takeCrossed()).toEqual([]);
    expect(places.standGrid(0)).toBeNull();
  });

  it('places are settled while nobody watches: a wall that comes later finds the visitor in its complete frame', () => {
    const scan = world();
    const indexed = world(6, true);
    for (const w of [scan, indexed]) {
      w.moveTo(2, 'G3');
      w.move(5);
      w.fanout.run(); // no group yet
    }
    const idxs = (w: typeof scan, region: string) => w.fanout.completeFrames(region).flatMap((f) => decodePositionsFrame(f.buffer).positions.map((p) => p.idx));
    expect(idxs(scan, 'D3')).toEqual([2]);
    expect(idxs(scan, 'C')).toEqual([2, 5]);
    expect(idxs(scan, 'D1')).toEqual([2]);
    for (const region of ['C', 'D1', 'D2', 'D3', 'G3']) expect(idxs(indexed, region)).toEqual(idxs(scan, region));
  });

  it('a roster that moves a patrol’s home to where it stands makes it no visitor', () => {
    const { fanout, moveTo, patrolsByIdx, places } = world();
    moveTo(0, 'G2');
    fanout.run();
    expect(places.visitorsIn('D2')).toEqual([0]);
    patrolsByIdx[0] = { ...patrolsByIdx[0]!, gridCode: 'G2' };
    places.rosterChanged();
    fanout.rosterChanged();
    expect(places.visitorsIn('D2')).toEqual([]);
    expect(places.isAway(0)).toBe(false);
  });

  it('random walks: every wall holds exactly the patrols rostered or standing in its region (independent recomputation)', () => {
    let seed = 17;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const n = 40;
    const { fanout, moveTo, take, takeCrossed, patrolsByIdx } = world(n);
    const regions = Object.keys(PATHS);
    const rates = [rate, { minTicks: 3, maxTicks: 7 }];
    for (const region of regions) for (const r of rates) fanout.addRoom(positionsRoomOf(region, r));
    // what each wall holds, as the wall does it: its own patrols, plus entered, minus left; fixes from frames
    const walls = new Map<string, { visitors: Set<number>; fixes: Map<number, number> }>();
    for (const region of regions) for (const r of rates) walls.set(positionsRoomOf(region, r), { visitors: new Set(), fixes: new Map() });
    const stands: (string | null)[] = new Array(n).fill(null);
    const fixed = new Set<number>();
    const isIn = (grid: string | null, region: string) => !!grid && PATHS[grid]!.includes(region);
    for (let tick = 0; tick < 200; tick++) {
      for (let k = 0; k < 6; k++) {
        const idx = Math.floor(rnd() * n);
        const roll = rnd();
        const grid = roll < 0.7 ? patrolsByIdx[idx]!.gridCode : roll < 0.95 ? GRIDS[Math.floor(rnd() * 3)]! : null;
        moveTo(idx, grid);
        stands[idx] = grid;
        fixed.add(idx);
      }
      fanout.run();
      for (const { room, crossing } of takeCrossed()) {
        const wall = walls.get(room)!;
        for (const idx of crossing.entered) wall.visitors.add(idx);
        for (const idx of crossing.left) {
          wall.visitors.delete(idx);
          wall.fixes.delete(idx);
        }
      }
      for (const { room, frame } of take()) {
        const wall = walls.get(room)!;
        const region = parsePositionsRoom(room)!.regionCode;
        for (const p of frame.positions) {
          // never a fix of a patrol the wall neither owns nor was told of
          expect(isIn(patrolsByIdx[p.idx]!.gridCode, region) || wall.visitors.has(p.idx)).toBe(true);
          // and a visitor's fix lies in the region: nothing about another region
          if (!isIn(patrolsByIdx[p.idx]!.gridCode, region)) expect(isIn(placesGeo.locate(p.lng), region)).toBe(true);
          wall.fixes.set(p.idx, p.lng);
        }
      }
      for (const [room, wall] of walls) {
        const region = parsePositionsRoom(room)!.regionCode;
        const expected = new Set<number>();
        for (let idx = 0; idx < n; idx++) if (!isIn(patrolsByIdx[idx]!.gridCode, region) && isIn(stands[idx]!, region)) expected.add(idx);
        expect([...wall.visitors].sort((a, b) => a - b)).toEqual([...expected]);
        // the complete frame (heartbeat, resume) holds the same set the live stream built
        const complete = fanout.completeFrames(region).flatMap((f) => decodePositionsFrame(f.buffer).positions.map((p) => p.idx));
        const shown = [...expected];
        for (const idx of fixed) if (isIn(patrolsByIdx[idx]!.gridCode, region)) shown.push(idx);
        expect(complete).toEqual(shown.sort((a, b) => a - b));
      }
    }
  });
});
