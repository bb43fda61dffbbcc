/**
 * Snapshot answers compressed once and shared (`snapshotEncoding: 'gzip'`, issue 17 part 1): what
 * a client decodes is the snapshot an object answer carries, and walls opening the same large
 * region are handed the very same compressed bytes — one copy in the hub, not one per request.
 * Real hub, real Socket.IO clients; the hub side is read from Engine.IO's `packetCreate`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import { decodeSnapshotGzip, SNAPSHOT_PART_BYTES, type SnapshotGzipAnswer } from '@shared/binary/snapshotGzip';
import type { Snapshot, SubscribeRequest, SubscribeResult } from '@shared/schemas/live';
import { decodePositionsFrame } from '@shared/binary/positionsFrame';
import { bigRoster, connectClient, grids, nextEvent, startTestHub, UNLIMITED_SOCKETS, type TestClient, type TestHub } from './harness';

let t: TestHub | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.close();
  t = undefined;
});

const LAYERS = ['incidents', 'patrols', 'cameras', 'stats'] as const;

async function client(): Promise<TestClient> {
  const { socket } = await connectClient(t!.url);
  clients.push(socket);
  return socket;
}

function subscribe(socket: TestClient, region: string, gzip: boolean, extra: Partial<SubscribeRequest> = {}): Promise<SubscribeResult> {
  return new Promise((resolve, reject) =>
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: [...LAYERS], ...(gzip ? { snapshotEncoding: 'gzip' as const } : {}), ...extra }, (ack: Ack<SubscribeResult>) =>
      ack.ok ? resolve(ack.data) : reject(new Error(`${ack.error}: ${ack.message}`)),
    ),
  );
}

function subscribeAck(socket: TestClient, region: string, gzip: boolean): Promise<Ack<SubscribeResult>> {
  return new Promise((resolve) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: ['incidents'], ...(gzip ? { snapshotEncoding: 'gzip' as const } : {}) }, resolve));
}

function gzipAnswer(result: SubscribeResult): SnapshotGzipAnswer {
  if (result.mode !== 'snapshot-gzip') throw new Error(`expected a compressed snapshot, got ${result.mode}`);
  return result;
}

/** what two answers of the same moment share: everything but the time each was answered */
function content(s: Snapshot): Omit<Snapshot, 'serverTime'> {
  const { serverTime: _, ...rest } = s;
  return rest;
}

async function reportSome(n: number): Promise<void> {
  const [lng, lat] = grids()[0]!.center;
  for (let i = 0; i < n; i++) {
    await t!.hub.report({ source: 'hotline', category: 'sanitation', severity: 1, title: `垃圾满溢 ${i}`, location: { lng: lng + i * 1e-5, lat }, reporter: { kind: 'citizen' } });
  }
}

describe('snapshots compressed once and shared', () => {
  it('a small region: the compressed answer decodes to the snapshot an object answer carries, in parts under the deflate threshold', async () => {
    // a clock that stands still: windows of figures (seven days up to now) are the same in both answers
    const at = Date.now();
    t = await startTestHub({ fusion: 'off', coordination: { rules: [] }, clock: () => at });
    await reportSome(5);
    const root = t.hub.geo.rootCode;
    const [a, b] = [await client(), await client()];
    const [compressed, plain] = await Promise.all([subscribe(a, root, true), subscribe(b, root, false)]);
    const answer = gzipAnswer(compressed);
    if (plain.mode !== 'snapshot') throw new Error('expected an object snapshot');
    for (const part of answer.parts) {
      expect(Buffer.isBuffer(part)).toBe(true);
      expect(part.byteLength).toBeLessThanOrEqual(SNAPSHOT_PART_BYTES);
    }
    expect(answer.parts.reduce((n, p) => n + p.byteLength, 0)).toBe(answer.gzipBytes);
    const decoded = decodeSnapshotGzip(answer);
    expect(answer.jsonBytes).toBeGreaterThan(answer.gzipBytes);
    // nothing happened between the two subscriptions: the same state, as of the same sequence number
    expect(decoded.seq).toBe(plain.snapshot.seq);
    expect(content(decoded)).toEqual(content(plain.snapshot));
    expect(decoded.incidents.length).toBe(5);
  });

  it('walls opening a large region at once: every connection is handed the same compressed bytes, and each decodes the whole snapshot', async () => {
    // a root holding more cases than largeCases is large: its snapshot is built once and shared
    t = await startTestHub({ fusion: 'off', snapshotBudget: { largeCases: 0 }, coordination: { rules: [] } });
    const roster = bigRoster(6_000, Date.now());
    await t.hub.loadRoster(roster.cameras, roster.patrols);
    await reportSome(3);
    const root = t.hub.geo.rootCode;

    // the hub side: the binary packets each connection is given (a compressed answer's parts)
    const handed = new Map<string, unknown[]>();
    t.app.io.on('connection', (socket) => {
      const mine: unknown[] = [];
      handed.set(socket.id, mine);
      socket.conn.on('packetCreate', (packet: { type: string; data?: unknown }) => {
        if (packet.type === 'message' && Buffer.isBuffer(packet.data)) mine.push(packet.data);
      });
    });
    const walls = await Promise.all(Array.from({ length: 6 }, () => client()));
    // every current fix follows each compressed answer: frames of ticks run while it was compressed
    // reached a wall that drops them until its answer came (no periodic complete frame for an hour)
    const completeFrames = walls.map((w) => nextEvent(w, 'positions', (buf) => decodePositionsFrame(buf as unknown as Uint8Array).complete));
    const answers = (await Promise.all(walls.map((w) => subscribe(w, root, true, { positions: { maxIntervalMs: 3_600_000 } })))).map(gzipAnswer);
    for (const frame of await Promise.all(completeFrames)) expect(decodePositionsFrame(frame as unknown as Uint8Array).positions.length).toBe(6_000);

    const decoded = answers.map(decodeSnapshotGzip);
    for (const s of decoded) {
      expect(s.patrols.length).toBe(6_000);
      expect(s.cameras.length).toBe(6_000);
      expect(s.incidents.length).toBe(3);
    }
    // all of one shared snapshot: the same sequence number and content
    expect(new Set(decoded.map((s) => s.seq)).size).toBe(1);
    const parts = answers[0]!.parts.length;
    // (the test roster's names repeat: 2.8 MB of JSON compress to one part; parts in order: tests/unit/snapshotGzip.test.ts)
    expect(answers[0]!.jsonBytes).toBeGreaterThan(2_000_000);
    const perConnection = [...handed.values()].filter((list) => list.length > 0);
    expect(perConnection.length).toBe(walls.length);
    for (const list of perConnection) expect(list.length).toBe(parts);
    // the same Buffer objects for every connection: compressed once, no copy per request
    for (let i = 0; i < parts; i++) expect(new Set(perConnection.map((list) => list[i])).size).toBe(1);
    console.log(
      `[snapshot gzip] large root, ${walls.length} walls at once: JSON ${(answers[0]!.jsonBytes / 1e6).toFixed(2)} MB, ` +
        `compressed ${(answers[0]!.gzipBytes / 1e6).toFixed(2)} MB in ${parts} parts, held once for all ${walls.length}`,
    );
  });

  it('a large region as plain JSON: only so many connections hold one unsent at once, hub-wide; beyond, HUB_BUSY before anything is built; a compressed answer is not held back', async () => {
    t = await startTestHub({ fusion: 'off', snapshotBudget: { largeCases: 0 }, coordination: { rules: [] }, socketLimits: { ...UNLIMITED_SOCKETS, plainLargeAnswers: 1 } });
    await reportSome(2);
    const root = t.hub.geo.rootCode;
    // the build of the root's snapshot waits until the test lets it go: the first plain answer is surely still being made
    const views = t.app.views;
    const real = views.buildLargeSnapshot.bind(views);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let builds = 0;
    const building = new Promise<void>((started) =>
      vi.spyOn(views, 'buildLargeSnapshot').mockImplementation(async (...args) => {
        builds++;
        started();
        await gate;
        return real(...args);
      }),
    );
    const [a, b, c] = [await client(), await client(), await client()];
    const first = subscribeAck(a, root, false);
    await building;
    // two more from the same connection: the one overtaken while waiting answers SUPERSEDED — and
    // must not uncount the answer still being made
    const overtaken = subscribeAck(a, root, false);
    const newest = subscribeAck(a, root, false);
    const superseded = await overtaken;
    expect(superseded.ok ? 'answered' : superseded.error).toBe('SUPERSEDED');
    const refused = await subscribeAck(b, root, false);
    expect(refused.ok ? 'answered' : refused.error).toBe('HUB_BUSY');
    if (!refused.ok) expect(refused.message).toMatch(/gzip/);
    expect(builds).toBe(1); // refused before anything was built for it
    const compressed = subscribeAck(c, root, true);
    release();
    const [overtakenFirst, plainAnswer, gzipped] = await Promise.all([first, newest, compressed]);
    // the first was built, then found a newer subscription of its connection: SUPERSEDED; the newest is answered
    expect(overtakenFirst.ok ? 'answered' : overtakenFirst.error).toBe('SUPERSEDED');
    expect(plainAnswer.ok && plainAnswer.data.mode).toBe('snapshot');
    expect(gzipped.ok && gzipped.data.mode).toBe('snapshot-gzip');
    // the first client read its answer (its ack ran): the next plain answer has room
    const again = await subscribeAck(b, root, false);
    expect(again.ok && again.data.mode).toBe('snapshot');
  });
});
