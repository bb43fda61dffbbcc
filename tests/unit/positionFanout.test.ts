import { describe, expect, it } from 'vitest';
import { decodePositionsFrame } from '@shared/binary/positionsFrame';
import type { Patrol } from '@shared/schemas/patrol';
import { PositionTracker } from '../../server/hub/positionTracker';
import { MAX_POSITIONS_PER_FRAME, parsePositionsRoom, PositionFanout, positionsRoomOf, rateClass } from '../../server/transport/socket/positionFanout';

const NOW = Date.UTC(2026, 10, 25, 2, 0, 0);

/** a tree: city C → districts D1, D2 → grids G1 (in D1), G2 (in D2) */
const PATHS: Record<string, string[]> = { C: ['C'], D1: ['C', 'D1'], D2: ['C', 'D2'], G1: ['C', 'D1', 'G1'], G2: ['C', 'D2', 'G2'] };

function world(n = 6, indexed = false) {
  // even idx in G1, odd in G2
  const patrolsByIdx = Array.from({ length: n }, (_, idx) => ({ idx, gridCode: idx % 2 ? 'G2' : 'G1', status: 'on_duty' }) as Patrol);
  const positions = new PositionTracker(n);
  let clock = NOW;
  const source = {
    positions,
    patrolsByIdx,
    geo: { path: (code: string) => PATHS[code] ?? [], isWithin: (code: string, a: string) => (PATHS[code] ?? []).includes(a) },
    now: () => clock,
    // an index answers a region's patrols in its own order (here: backwards), not by place
    ...(indexed ? { patrolIdxsIn: (code: string) => patrolsByIdx.filter((p) => (PATHS[p.gridCode] ?? []).includes(code)).map((p) => p.idx).reverse() } : {}),
  };
  const sent: { room: string; frame: ReturnType<typeof decodePositionsFrame> }[] = [];
  const fanout = new PositionFanout(source, (room, frames) => {
    for (const frame of frames) sent.push({ room, frame: decodePositionsFrame(frame) });
    return 1;
  });
  const move = (idx: number, dt = 0) => positions.update(idx, 121.5 + idx / 1000, 29.8, (clock += 10) + dt);
  const take = () => sent.splice(0);
  return { fanout, move, take, patrolsByIdx };
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
