/**
 * Positions where patrols stand (issue 17 part 4): a real hub, real socket.io-client walls of two
 * sibling streets A and B and a third street C. A patrol rostered in A that stands in B reaches
 * B's wall (announced by `patrols:crossed`, then its frames) and A's, never C's; when it goes back
 * B is told it left and gets no more of it. Snapshots, a resume and the HTTP list agree with what
 * was live. Waits are for events; "C saw nothing" is read after a later fix of C's own patrol
 * arrived there (frames to one socket keep their order).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import { decodePositionsFrame, type DecodedFrame } from '@shared/binary/positionsFrame';
import type { PatrolCrossing, Snapshot, SubscribeResult } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import type { Region } from '@shared/schemas/region';
import { INGEST_HEADERS, connectClient, nextEvent, startTestHub, type TestClient, type TestHub } from './harness';

let t: TestHub;
let streets: [Region, Region, Region];
/** a grid of each street whose centre lies inside it */
let gridOf: Map<string, Region>;
let roster: Patrol[];
const open: TestClient[] = [];

interface Wall {
  socket: TestClient;
  frames: DecodedFrame[];
  crossings: PatrolCrossing[];
  snapshot: Snapshot;
}

beforeAll(async () => {
  t = await startTestHub({ positionTickMs: 50 });
  const geo = t.hub.geo;
  const found = geo.regions.filter((r) => r.level === 'street');
  gridOf = new Map();
  for (const street of found) {
    const grid = geo.descendants(street.code).find((g) => g.level === 'grid' && geo.locate(g.center[0], g.center[1]) === g.code);
    if (grid) gridOf.set(street.code, grid);
  }
  const [a, b, c] = found.filter((s) => gridOf.has(s.code));
  if (!a || !b || !c) throw new Error('the test city has fewer than three streets');
  streets = [a, b, c];
  const at = Date.now();
  // two patrols rostered in each street: idx 0, 1 in A; 2, 3 in B; 4, 5 in C
  roster = streets.flatMap((s, i) =>
    [0, 1].map((k) => ({ id: `p-${i * 2 + k}`, idx: i * 2 + k, name: `网格员${i * 2 + k}`, kind: 'worker' as const, role: 'grid_manager' as const, gridCode: gridOf.get(s.code)!.code, status: 'on_duty' as const, statusSince: at, lng: null, lat: null, fixAt: null })),
  );
  await t.hub.loadRoster([], roster);
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  while (open.length) open.pop()!.close();
});

function subscribe(socket: TestClient, region: string, extra: Record<string, unknown> = {}): Promise<SubscribeResult> {
  return new Promise((resolve, reject) => {
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: ['patrols'], ...extra } as never, (ack) =>
      ack.ok ? resolve(ack.data) : reject(new Error(`${ack.error}: ${ack.message}`)),
    );
  });
}

async function wall(region: string): Promise<Wall> {
  const { socket } = await connectClient(t.url);
  open.push(socket);
  const frames: DecodedFrame[] = [];
  const crossings: PatrolCrossing[] = [];
  socket.on('positions', (...bufs) => {
    for (const buf of bufs) frames.push(decodePositionsFrame(buf as unknown as Uint8Array));
  });
  socket.on('patrols:crossed', (c) => crossings.push(c));
  // frames are volatile: a busy machine may drop one; a complete frame after a second without
  // moves repairs it, so a wait for a fix never depends on one frame getting through
  const result = await subscribe(socket, region, { positions: { minIntervalMs: 100, maxIntervalMs: 1_000 } });
  if (result.mode !== 'snapshot') throw new Error('expected a snapshot');
  return { socket, frames, crossings, snapshot: result.snapshot };
}

/** a fix at the centre of a street's grid, `step` micro-degrees east (still inside it) */
function fixIn(street: Region, step: number) {
  const grid = gridOf.get(street.code)!;
  return { patrolId: '', lng: grid.center[0] + step / 1e6, lat: grid.center[1], at: Date.now() };
}

async function post(patrol: Patrol, street: Region, step: number): Promise<number> {
  const fix = { ...fixIn(street, step), patrolId: patrol.id };
  const res = await fetch(`${t.url}/api/positions`, { method: 'POST', headers: { ...INGEST_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify({ positions: [fix] }) });
  expect(res.status).toBe(202);
  return Math.round(fix.lng * 1e6);
}

/** resolves when the wall receives a frame holding the patrol at that longitude (µ°) */
function frameWith(w: Wall, idx: number, lngE6: number): Promise<unknown> {
  const has = (f: DecodedFrame) => f.positions.some((p) => p.idx === idx && Math.round(p.lng * 1e6) === lngE6);
  if (w.frames.some(has)) return Promise.resolve();
  return nextEvent(w.socket, 'positions', (buf) => has(decodePositionsFrame(buf as unknown as Uint8Array)));
}

const everIn = (w: Wall, idx: number) => w.frames.some((f) => f.positions.some((p) => p.idx === idx));

async function patrolList(region: string): Promise<number[]> {
  const res = await fetch(`${t.url}/api/patrols?region=${region}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { patrols: Patrol[] };
  return body.patrols.map((p) => p.idx).sort((a, b) => a - b);
}

/** what a region shows, recomputed from the geography: rostered there, or with a fix inside it */
function expectedIn(region: string): number[] {
  const geo = t.hub.geo;
  return roster
    .filter((p) => {
      if (geo.isWithin(p.gridCode, region)) return true;
      const fix = t.hub.positions.get(p.idx);
      const grid = fix && geo.locate(fix.lng, fix.lat);
      return !!grid && geo.isWithin(grid, region);
    })
    .map((p) => p.idx)
    .sort((a, b) => a - b);
}

describe('a patrol working across the border', () => {
  it('is shown where it stands and at home, never on a third wall; leaving, it is dropped', async () => {
    const [A, B, C] = streets;
    const visitor = roster[0]!; // rostered in A
    const [a, b, c] = await Promise.all([wall(A.code), wall(B.code), wall(C.code)]);
    expect(b.snapshot.patrols.map((p) => p.idx).sort()).toEqual([2, 3]);

    // into B: B is told first, with the patrol and its fix; then frames reach B and A
    const entered = nextEvent(b.socket, 'patrols:crossed', (x) => x.entered.some((p) => p.idx === visitor.idx));
    const lngInB = await post(visitor, B, 1);
    const crossing = await entered;
    expect(crossing.regionCode).toBe(B.code);
    expect(crossing.entered.find((p) => p.idx === visitor.idx)).toMatchObject({ id: visitor.id, gridCode: visitor.gridCode });
    expect(Math.round(crossing.entered[0]!.lng! * 1e6)).toBe(lngInB);
    await Promise.all([frameWith(b, visitor.idx, lngInB), frameWith(a, visitor.idx, lngInB)]);

    // C: nothing of it, read after C received a later fix of its own patrol
    const own = roster[4]!;
    await frameWith(c, own.idx, await post(own, C, 1));
    expect(everIn(c, visitor.idx)).toBe(false);
    expect(c.crossings).toEqual([]);
    expect(a.crossings).toEqual([]); // its home is never told: it sees the patrol all along

    // a wall of B that connects now sees what B's wall saw live; so does the HTTP list
    const late = await wall(B.code);
    expect(late.snapshot.patrols.map((p) => p.idx).sort((x, y) => x - y)).toEqual(expectedIn(B.code));
    expect(expectedIn(B.code)).toEqual([0, 2, 3]);
    expect(await patrolList(B.code)).toEqual(expectedIn(B.code));
    expect(await patrolList(C.code)).toEqual(expectedIn(C.code));
    expect(await patrolList(A.code)).toEqual([0, 1]);

    // back home: B is told it left and receives no more of it; A keeps it
    const left = nextEvent(b.socket, 'patrols:crossed', (x) => x.left.includes(visitor.idx));
    const lngHome = await post(visitor, A, 2);
    expect((await left).entered).toEqual([]);
    await frameWith(a, visitor.idx, lngHome);
    const framesBefore = b.frames.length;
    const hers = roster[2]!;
    await frameWith(b, hers.idx, await post(hers, B, 3));
    expect(b.frames.slice(framesBefore).some((f) => f.positions.some((p) => p.idx === visitor.idx))).toBe(false);
    expect(b.frames.some((f) => f.positions.some((p) => p.idx === visitor.idx && Math.round(p.lng * 1e6) === lngHome))).toBe(false);
    expect(everIn(c, visitor.idx)).toBe(false);
    const after = await wall(B.code);
    expect(after.snapshot.patrols.map((p) => p.idx).sort((x, y) => x - y)).toEqual(expectedIn(B.code));
    expect(await patrolList(B.code)).toEqual([2, 3]);
  });

  it('a wall that resumes after the patrol came in is told of it, with every current fix', async () => {
    const [A, B] = streets;
    const visitor = roster[1]!; // rostered in A
    const first = await wall(B.code);
    const { seq, historyId, detail } = first.snapshot;
    // its home's wall: once the fix reached it, the hub has settled where the patrol stands
    const probe = await wall(A.code);
    first.socket.close();
    // the patrol crosses into B while the wall is away
    const lngInB = await post(visitor, B, 5);
    await frameWith(probe, visitor.idx, lngInB);
    const { socket } = await connectClient(t.url);
    open.push(socket);
    const told = nextEvent(socket, 'patrols:crossed');
    const complete = nextEvent(socket, 'positions', (buf) => decodePositionsFrame(buf as unknown as Uint8Array).complete);
    const result = await subscribe(socket, B.code, { lastSeq: seq, historyId, detail });
    expect(result.mode).toBe('resume');
    expect((await told).entered.map((p) => p.idx)).toEqual([visitor.idx]);
    const frame = decodePositionsFrame((await complete) as unknown as Uint8Array);
    expect(frame.complete).toBe(true);
    expect(frame.positions.map((p) => p.idx).sort((x, y) => x - y)).toEqual(expectedIn(B.code).filter((idx) => t.hub.positions.get(idx)));
    // back home, so the other test's walls start from the roster
    await post(visitor, A, 6);
  });
});
