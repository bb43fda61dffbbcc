/**
 * Positions end to end (docs/protocol.md section 3): a real hub on port 0, real socket.io-client
 * walls with their own rates, and the three ingest formats of POST /api/positions. No timing is
 * asserted: frames are counted over the same stretch of events, and waits are for the frames
 * themselves (their timeouts only catch a hang).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import { decodePositionsFrame, type DecodedFrame } from '@shared/binary/positionsFrame';
import { BATCH_CONTENT_TYPE, encodePositionsBatch, MAX_BINARY_FIXES } from '@shared/binary/positionsBatch';
import type { PositionRate, SubscribeResult } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import { MAX_POSITIONS_PER_FRAME } from '../../server/transport/socket/positionFanout';
import { INGEST_HEADERS, connectClient, grids, nextEvent, smallRoster, startTestHub, type TestClient, type TestHub } from './harness';

let t: TestHub;
let roster: Patrol[];
const open: TestClient[] = [];

beforeAll(async () => {
  // ticks of 50 ms, so that a rate of 100 ms and one of 1,000 ms differ by many frames
  t = await startTestHub({ positionTickMs: 50 });
  const r = smallRoster(40, Date.now());
  await t.hub.loadRoster(r.cameras, r.patrols);
  roster = r.patrols;
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function wall(region: string, positions?: PositionRate): Promise<{ socket: TestClient; frames: DecodedFrame[] }> {
  const { socket } = await connectClient(t.url);
  open.push(socket);
  const frames: DecodedFrame[] = [];
  socket.on('positions', (...bufs) => {
    for (const buf of bufs) frames.push(decodePositionsFrame(buf as unknown as Uint8Array));
  });
  const ack = await subscribe(socket, region, positions);
  if (!ack.ok) throw new Error(`${ack.error}: ${ack.message}`);
  return { socket, frames };
}

function subscribe(
  socket: TestClient,
  region: string,
  positions?: unknown,
  extra: Record<string, unknown> = {},
): Promise<{ ok: true; data: SubscribeResult } | { ok: false; error: string; message: string; details?: unknown }> {
  return new Promise((resolve) => {
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: ['patrols'], ...(positions === undefined ? {} : { positions }), ...extra } as never, (ack) => resolve(ack as never));
  });
}

/** a fix near the centre of the patrol's grid, `step` micro-degrees east */
function fixOf(p: Patrol, step: number, at = Date.now()) {
  const grid = t.hub.geo.get(p.gridCode)!;
  return { idx: p.idx, lng: grid.center[0] + step / 1e6, lat: grid.center[1], at };
}

async function postBinary(body: Uint8Array<ArrayBuffer>) {
  const res = await fetch(`${t.url}/api/positions`, { method: 'POST', headers: { ...INGEST_HEADERS, 'content-type': BATCH_CONTENT_TYPE }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function postJson(body: unknown) {
  const res = await fetch(`${t.url}/api/positions`, { method: 'POST', headers: { ...INGEST_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('rates per client', () => {
  it('a client asking for fewer frames gets fewer than one asking for more, over the same moves', async () => {
    const root = t.hub.geo.rootCode;
    const fast = await wall(root, { minIntervalMs: 100 });
    const slow = await wall(root, { minIntervalMs: 1_000 });
    const p = roster[0]!;
    // move one patrol again after each frame the fast client sees, until the slow one saw three
    for (let step = 1; slow.frames.length < 3; step++) {
      const next = nextEvent(fast.socket, 'positions');
      expect((await postBinary(encodePositionsBatch([fixOf(p, step)]))).status).toBe(202);
      await next;
    }
    expect(fast.frames.length).toBeGreaterThan(slow.frames.length);
    // each slow frame still carries the latest fix at its time: coalesced, never a backlog
    for (const f of slow.frames) expect(f.positions.filter((x) => x.idx === p.idx)).toHaveLength(1);
  });

  it('a quiet region gets a complete frame of its current fixes at the max interval', async () => {
    const p = roster[2]!;
    const fix = fixOf(p, 7, Date.now() - 1_234);
    await postBinary(encodePositionsBatch([fix]));
    const { socket } = await connectClient(t.url);
    open.push(socket);
    const beat = nextEvent(socket, 'positions', (buf) => decodePositionsFrame(buf as unknown as Uint8Array).complete);
    const ack = await subscribe(socket, p.gridCode, { minIntervalMs: 250, maxIntervalMs: 1_000 });
    expect(ack.ok).toBe(true);
    const frame = decodePositionsFrame((await beat) as unknown as Uint8Array);
    const mine = frame.positions.find((x) => x.idx === p.idx)!;
    expect(mine.at).toBe(fix.at); // to the millisecond
    expect(mine.lng).toBeCloseTo(fix.lng, 6);
  });

  it('refuses bad rates with VALIDATION_FAILED and keeps the previous subscription', async () => {
    const { socket } = await connectClient(t.url);
    open.push(socket);
    expect((await subscribe(socket, t.hub.geo.rootCode)).ok).toBe(true);
    const bad: [unknown, string][] = [
      [{ minIntervalMs: 5_000, maxIntervalMs: 1_000 }, 'positions.maxIntervalMs'],
      [{ minIntervalMs: 10 }, 'positions.minIntervalMs'],
      [{ minIntervalMs: 250.5 }, 'positions.minIntervalMs'],
      [{ maxIntervalMs: 10_000_000 }, 'positions.maxIntervalMs'],
      [{ everyMs: 100 }, 'positions'],
      ['fast', 'positions'],
    ];
    for (const [rate, path] of bad) {
      const ack = await subscribe(socket, roster[0]!.gridCode, rate);
      expect(ack.ok, JSON.stringify(rate)).toBe(false);
      if (ack.ok) continue;
      expect(ack.error).toBe('VALIDATION_FAILED');
      expect(ack.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    // still on the root: a fix anywhere reaches it
    const frame = nextEvent(socket, 'positions');
    await postBinary(encodePositionsBatch([fixOf(roster[5]!, 3)]));
    expect(decodePositionsFrame((await frame) as unknown as Uint8Array).positions.some((x) => x.idx === roster[5]!.idx)).toBe(true);
  });
});

describe('compression', () => {
  it('deflates only messages over the threshold: the socket negotiates no context takeover', async () => {
    const { socket } = await connectClient(t.url);
    open.push(socket);
    await subscribe(socket, t.hub.geo.rootCode);
    const server = [...t.app.io.of('/').sockets.values()].find((s) => s.id === socket.id)!;
    // ws applies its threshold only without context takeover; with it, every frame and delta was deflated per socket
    const ws = (server.conn.transport as unknown as { socket: { _extensions: Record<string, { params: Record<string, unknown> }> } }).socket;
    expect(ws._extensions['permessage-deflate']?.params.server_no_context_takeover).toBe(true);
  });
});

describe('batched ingest', () => {
  it('a binary batch and a columnar JSON batch reach a wall with their millisecond times', async () => {
    const a = roster[10]!;
    const b = roster[11]!;
    const w = await wall(t.hub.geo.rootCode);
    const binaryFix = fixOf(a, 11, Date.now() - 321);
    const seen = nextEvent(w.socket, 'positions', (buf) => decodePositionsFrame(buf as unknown as Uint8Array).positions.some((x) => x.idx === a.idx));
    expect(await postBinary(encodePositionsBatch([binaryFix]))).toEqual({ status: 202, body: { accepted: 1, ignored: 0 } });
    const got = decodePositionsFrame((await seen) as unknown as Uint8Array).positions.find((x) => x.idx === a.idx)!;
    expect(got.at).toBe(binaryFix.at);
    expect(got.lng).toBeCloseTo(binaryFix.lng, 6);

    const jsonFix = fixOf(b, 12, Date.now() - 77);
    const seenJson = nextEvent(w.socket, 'positions', (buf) => decodePositionsFrame(buf as unknown as Uint8Array).positions.some((x) => x.idx === b.idx));
    const res = await postJson({ patrolIds: [b.id], lng: [jsonFix.lng], lat: [jsonFix.lat], at: [jsonFix.at] });
    expect(res).toEqual({ status: 202, body: { accepted: 1, ignored: 0 } });
    expect(decodePositionsFrame((await seenJson) as unknown as Uint8Array).positions.find((x) => x.idx === b.idx)!.at).toBe(jsonFix.at);
  });

  it('refuses a bad batch whole, with a stable code', async () => {
    const p = roster[20]!;
    const before = t.hub.positions.get(p.idx);
    const good = fixOf(p, 20);
    const cases: [string, () => Promise<{ status: number; body: Record<string, unknown> }>, number, string][] = [
      ['truncated binary', () => postBinary(encodePositionsBatch([good, fixOf(roster[21]!, 1)]).subarray(0, 40)), 400, 'VALIDATION_FAILED'],
      ['unknown idx', () => postBinary(encodePositionsBatch([good, { ...good, idx: 9_999 }])), 422, 'UNKNOWN_PATROL'],
      ['outside the area', () => postBinary(encodePositionsBatch([good, { ...good, lng: 116.4, lat: 39.9 }])), 422, 'OUT_OF_AREA'],
      ['at (0, 0)', () => postJson({ patrolIds: [p.id, p.id], lng: [good.lng, 0], lat: [good.lat, 0], at: [good.at, good.at] }), 400, 'VALIDATION_FAILED'],
      ['columns of different lengths', () => postJson({ patrolIds: [p.id], lng: [good.lng, 1], lat: [good.lat], at: [good.at] }), 400, 'VALIDATION_FAILED'],
    ];
    for (const [what, send, status, code] of cases) {
      const res = await send();
      expect(res.status, what).toBe(status);
      expect(res.body.error, what).toBe(code);
      expect(typeof res.body.message).toBe('string');
    }
    expect(t.hub.positions.get(p.idx)).toEqual(before);
  });

  it('answers 415 for another media type and 413 for a body over the limit', async () => {
    const text = await fetch(`${t.url}/api/positions`, { method: 'POST', headers: { ...INGEST_HEADERS, 'content-type': 'text/plain' }, body: 'x' });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: string }).error).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = await postBinary(new Uint8Array(16 + 16 * (MAX_BINARY_FIXES + 1)));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('PAYLOAD_TOO_LARGE');
  });

  it('counts batches, frames and deliveries in /metrics', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/gcw_position_batches_total\{format="binary",outcome="taken"\} [1-9]/);
    expect(text).toMatch(/gcw_position_batches_total\{format="binary",outcome="refused"\} [1-9]/);
    expect(text).toMatch(/gcw_position_frames_total [1-9]/);
    expect(text).toMatch(/gcw_positions_delivered_total [1-9]/);
    expect(text).toMatch(/gcw_position_frame_bytes_count [1-9]/);
    expect(text).toMatch(/gcw_position_tick_seconds_count [1-9]/);
    expect(text).toMatch(/gcw_position_groups \d/);
  });
});

describe('a tick with more positions than one frame holds', () => {
  it('arrives as several frames in one message, all of them delivered', async () => {
    // a roster larger than one frame (runs last: it replaces the roster of this file's hub)
    const all = grids();
    const n = MAX_POSITIONS_PER_FRAME + 500;
    const big: Patrol[] = Array.from({ length: n }, (_, idx) => ({ ...roster[0]!, id: `big-${idx}`, idx, gridCode: all[idx % all.length]!.code }));
    await t.hub.loadRoster([], big);
    const { socket } = await connectClient(t.url);
    open.push(socket);
    // more patrols than a snapshot's budget: asked for item by item, as an operator's console may
    expect((await subscribe(socket, t.hub.geo.rootCode, undefined, { fullLayers: ['patrols'] })).ok).toBe(true);
    const message = new Promise<ArrayBuffer[]>((resolve) => socket.on('positions', (...frames) => frames.length > 1 && resolve(frames)));
    const at = Date.now();
    const fixes = big.map((p) => fixOf(p, 1, at));
    // one batch: taken in one turn of the event loop, so one tick holds it all
    expect((await postBinary(encodePositionsBatch(fixes))).status).toBe(202);
    const frames = (await message).map((f) => decodePositionsFrame(f as unknown as Uint8Array));
    expect(frames.every((f) => f.positions.length <= MAX_POSITIONS_PER_FRAME)).toBe(true);
    expect(new Set(frames.map((f) => f.tick)).size).toBe(1);
    expect(frames.reduce((sum, f) => sum + f.positions.length, 0)).toBeGreaterThan(MAX_POSITIONS_PER_FRAME);
  });
});
